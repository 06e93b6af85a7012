// Package printertest holds the conformance suite every printer transport
// must pass, and harnesses that put an escposemu.Fake behind the
// in-process link or behind a pseudo-terminal driven by the real serial
// transport.
package printertest

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/printer"
	"github.com/yimen-hall/yimen/printer/escposemu"
)

// Opener returns a printer wired to f. It registers its own cleanup.
type Opener func(t *testing.T, f *escposemu.Fake, o printer.Options) printer.Printer

// Settings the harnesses use. Polls are quick so tests stay short; the
// status timeout is long enough that a healthy printer on a loaded machine
// under -race is never taken for a silent one.
const (
	Poll    = 100 * time.Millisecond
	Timeout = 3 * time.Second
)

// Patience is how long a test waits for something that should happen at
// once: generous, because CI shares two cores with -race, and a test that
// passes waits no longer than the event takes.
const Patience = 30 * time.Second

// InProcess wires the Device to f through an in-memory link; every redial
// gets a fresh connection, as a replugged printer would.
func InProcess(t *testing.T, f *escposemu.Fake, o printer.Options) printer.Printer {
	t.Helper()
	p := printer.New(func(context.Context) (io.ReadWriteCloser, error) { return f.Conn(), nil },
		printer.Config{Layout: printer.Layout{Dots: printer.Dots80, QR: printer.QRNative},
			Name: "inprocess", Status: true, Poll: Poll, Timeout: Timeout}, o)
	t.Cleanup(func() { p.Close() })
	return p
}

// Recorder collects OnStatus calls.
type Recorder struct {
	mu sync.Mutex
	s  []printer.Status
}

// On is an Options.OnStatus.
func (r *Recorder) On(s printer.Status) {
	r.mu.Lock()
	r.s = append(r.s, s)
	r.mu.Unlock()
}

// States returns the states reported so far, in order.
func (r *Recorder) States() []printer.State {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]printer.State, len(r.s))
	for i, s := range r.s {
		out[i] = s.State
	}
	return out
}

// Saw reports whether st was reported.
func (r *Recorder) Saw(st printer.State) bool {
	for _, s := range r.States() {
		if s == st {
			return true
		}
	}
	return false
}

// Eventually polls cond every 10ms until it holds or d passes.
func Eventually(d time.Duration, cond func() bool) bool {
	end := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(end) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

//go:build !windows

package printertest

import (
	"fmt"
	"testing"

	"github.com/creack/pty"

	"github.com/yimen-hall/yimen/printer"
	"github.com/yimen-hall/yimen/printer/escposemu"
)

// PTY puts f on the master side of a pseudo-terminal and opens the slave
// with the real serial transport (printer.Open "serial:/dev/pts/N"). The
// test keeps its own slave fd open so the master never reads EIO before the
// printer connects; unplugging closes the master, as pulling the cable does.
func PTY(t *testing.T, f *escposemu.Fake, o printer.Options) printer.Printer {
	t.Helper()
	uri := PTYURI(t, f)
	p, err := printer.Open(fmt.Sprintf("%s?baud=9600&poll=%v&timeout=%v", uri, Poll, Timeout), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// PTYURI serves f on a new pseudo-terminal and returns "serial:/dev/pts/N".
func PTYURI(t testing.TB, f *escposemu.Fake) string {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f.Serve(master)
	}()
	t.Cleanup(func() {
		master.Close()
		tty.Close()
		<-done
	})
	return "serial:" + tty.Name()
}

package bridge

import (
	"context"
	"errors"
	"fmt"
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"slices"
	"sync"
)

// fakeEngine is a hand-written Engine: one line of numbers per hall,
// windows with a clerk, events delivered synchronously after each action.
type fakeEngine struct {
	mu      sync.Mutex
	waiting []string
	windows map[string]*WindowView
	acts    []Action
	rates   []string // "window score reason"
	subs    []func([]Event)
	actErr  error
}

func newFakeEngine(windows ...string) *fakeEngine {
	e := &fakeEngine{windows: map[string]*WindowView{}}
	for _, w := range windows {
		e.windows[w] = &WindowView{Staff: "s-" + w}
	}
	return e
}

func (e *fakeEngine) issue(numbers ...string) {
	e.mu.Lock()
	e.waiting = append(e.waiting, numbers...)
	e.mu.Unlock()
	e.emit([]Event{{Type: "issued", Number: numbers[0]}})
}

func (e *fakeEngine) emit(evs []Event) {
	e.mu.Lock()
	subs := slices.Clone(e.subs)
	e.mu.Unlock()
	for _, fn := range subs {
		fn(evs)
	}
}

func (e *fakeEngine) Act(ctx context.Context, a Action) error {
	e.mu.Lock()
	e.acts = append(e.acts, a)
	w := e.windows[a.Window]
	if w == nil || a.Staff != w.Staff {
		e.mu.Unlock()
		return errors.New("fake: not your window")
	}
	if e.actErr != nil {
		e.mu.Unlock()
		return e.actErr
	}
	var ev Event
	switch a.Key {
	case proto.KeyNext:
		if len(e.waiting) == 0 {
			e.mu.Unlock()
			return nil
		}
		w.Number, e.waiting = e.waiting[0], e.waiting[1:]
		ev = Event{Type: "called", Window: a.Window, Number: w.Number}
	case proto.KeyRecall:
		ev = Event{Type: "called", Window: a.Window, Number: w.Number, Recall: true}
	case proto.KeyFinish:
		w.ToRate, w.Number = w.Number, ""
		ev = Event{Type: "finished", Window: a.Window}
	case proto.KeyPause:
		w.Paused = true
		ev = Event{Type: "paused", Window: a.Window}
	case proto.KeyResume:
		w.Paused = false
		ev = Event{Type: "resumed", Window: a.Window}
	default:
		ev = Event{Type: "other", Window: a.Window}
	}
	e.mu.Unlock()
	e.emit([]Event{ev})
	return nil
}

func (e *fakeEngine) Rate(ctx context.Context, window string, score int, reason string) error {
	e.mu.Lock()
	e.rates = append(e.rates, fmt.Sprintf("%s %d %s", window, score, reason))
	if w := e.windows[window]; w != nil {
		w.ToRate = ""
	}
	e.mu.Unlock()
	e.emit([]Event{{Type: "rated", Window: window}})
	return nil
}

func (e *fakeEngine) Window(window string) WindowView {
	e.mu.Lock()
	defer e.mu.Unlock()
	w := e.windows[window]
	if w == nil {
		return WindowView{}
	}
	v := *w
	v.Waiting = len(e.waiting)
	return v
}

func (e *fakeEngine) Categories() []string { return []string{"A", "B"} }

func (e *fakeEngine) Subscribe(fn func([]Event)) error {
	e.mu.Lock()
	e.subs = append(e.subs, fn)
	e.mu.Unlock()
	return nil
}

func (e *fakeEngine) actions() []Action {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Action(nil), e.acts...)
}

func (e *fakeEngine) ratings() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.rates...)
}

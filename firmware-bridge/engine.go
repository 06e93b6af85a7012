package bridge

import (
	"context"
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
)

// Engine is the part of the queue engine the bridge drives. The real
// *queue.Engine is adapted by QueueEngine; tests use a fake.
type Engine interface {
	// Act performs a clerk action at a window, exactly as the same button
	// on the clerk page. Errors are the engine's own (e.g. *queue.Error).
	Act(ctx context.Context, a Action) error
	// Rate rates the ticket just finished at window (score 1–5).
	Rate(ctx context.Context, window string, score int, reason string) error
	// Window returns what the devices of a window should show.
	Window(window string) WindowView
	// Categories lists category ids in hall order; a transfer key's argument
	// is a 1-based index into it.
	Categories() []string
	// Subscribe registers fn for every durable batch of events, in log
	// order. fn must not block nor call Act or Rate.
	Subscribe(fn func([]Event)) error
}

// Action is a call pad key press resolved to a window and a clerk.
type Action struct {
	Key      proto.KeyCode
	Window   string
	Staff    string
	Category string // KeyTransfer
	Outcome  string // KeyFinish: "immediate", "promised", "consult"
	Reason   string // KeyPause
	// Number picks the parked ticket KeyCallBack calls back: its
	// number's last two digits (100 for 00), or 0 for the first parked.
	Number int
}

// WindowView is the window state the devices display.
type WindowView struct {
	Number  string // ticket called or served now ("" when none)
	Waiting int    // tickets waiting for this window's categories
	Staff   string // clerk signed in at the window ("" when none)
	Paused  bool
	ToRate  string // number of the finished ticket awaiting a rating
}

// Event is an engine event as far as devices care.
type Event struct {
	Type   string // "called", "finished", "paused", "resumed", "issued", …
	Window string
	Number string
	Recall bool
}

// outcomeFor maps the 办结 key argument to a finish outcome.
func outcomeFor(arg uint8) string {
	switch arg {
	case 1:
		return "promised" // 承诺件
	case 2:
		return "consult" // 咨询
	}
	return "immediate" // 即办件
}

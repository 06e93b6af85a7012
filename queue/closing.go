package queue

import (
	"context"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// At closing time the tickets still waiting are the manager's decision,
// never cancelled silently: serve them (the clerks go on), carry them to
// the next day's head of the queue as 延续号 (same number, same ticket
// page), or cancel them with a reason the villagers are told. The choice
// is an event, so the ledger records it.

// Closing choices.
const (
	CloseServe  = "serve"
	CloseCarry  = "carry"
	CloseCancel = "cancel"
)

// EvClosing records the manager's closing choice (Reason) and, for a
// cancel, the reason given (Note).
const EvClosing = "closing"

// ReasonCarried marks the cancel of a ticket carried to the next day and
// its issue there.
const ReasonCarried = "carried"

// CloseWaiting applies the manager's choice to the tickets waiting now
// and returns how many it concerns.
func (e *Engine) CloseWaiting(ctx context.Context, by, choice, reason string) (int, error) {
	reason = strings.TrimSpace(reason)
	switch choice {
	case CloseServe, CloseCarry:
	case CloseCancel:
		if reason == "" || utf8.RuneCountInString(reason) > 40 {
			return 0, errorf(Invalid, "bad_reason", "请写明取消的原因（最多 40 个字），群众会看到")
		}
	default:
		return 0, errorf(Invalid, "bad_choice", "请选择：继续办理、转到明天优先办理或取消")
	}
	return exec(ctx, e, func(s *State, emit func(Event)) (int, error) {
		waiting := s.allWaiting()
		emit(Event{Type: EvClosing, Reason: choice, Note: reason, Staff: by})
		if choice == CloseCancel {
			for _, t := range waiting {
				emit(Event{Type: EvCancelled, Ticket: t.ID, Reason: reason})
			}
		}
		return len(waiting), nil
	})
}

// allWaiting lists today's waiting tickets, in no particular order.
func (s *State) allWaiting() []*Ticket {
	var out []*Ticket
	for _, t := range s.Tickets {
		if t.Waiting() {
			out = append(out, t)
		}
	}
	return out
}

// carrying returns the tickets the day roll carries over: the waiting
// ones, when the manager chose to carry them.
func (s *State) carrying() map[string]*Ticket {
	if s.Today.Closing != CloseCarry {
		return nil
	}
	out := map[string]*Ticket{}
	for _, t := range s.allWaiting() {
		c := *t
		out[t.ID] = &c
	}
	return out
}

// carryOver issues the carried tickets in the new day, keeping their
// numbers and ticket pages; they go before the day's new tickets.
func carryOver(emit func(Event), carried map[string]*Ticket, day string) {
	for _, id := range slices.Sorted(maps.Keys(carried)) {
		t := carried[id]
		emit(Event{Type: EvIssued, Ticket: strings.ReplaceAll(day, "-", "") + "-" + t.Number, Number: t.Number,
			Category: t.Category, Service: t.Service, Priority: t.Priority, Token: t.Token(),
			Reason: ReasonCarried, Note: t.ID})
	}
}

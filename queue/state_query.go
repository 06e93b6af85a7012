package queue

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Waiting returns the waiting tickets of a category in call order under
// the strict policy (priority first), as a new slice.
func (s *State) Waiting(category string) []*Ticket {
	q := s.queues[category]
	if q == nil {
		return nil
	}
	return append(append(append(make([]*Ticket, 0, q.len()), q.appt.waiting()...), q.prio.waiting()...), q.ord.waiting()...)
}

// WaitingCounts returns how many wait per category, and how many of those
// are priority tickets.
func (s *State) WaitingCounts(category string) (all, priority int) {
	q := s.queues[category]
	if q == nil {
		return 0, 0
	}
	return q.len(), q.prio.len()
}

// TicketByToken finds today's ticket by its status-page token. A state
// without a token index (forgetTokens) looks through every ticket.
func (s *State) TicketByToken(token string) (*Ticket, bool) {
	if s.byToken == nil {
		for _, t := range s.Tickets {
			if t.hasToken(token) {
				return t, true
			}
		}
		return nil, false
	}
	return s.byToken.get(token)
}

// forgetTokens drops the state's token index, and keeps none from now
// on, through a change of hall too (attach): the engine's command state, whose commands find a ticket by its
// token through the committed state (tokens reach villagers only once
// committed), so that a busy day's tickets are indexed by token once,
// not twice.
func (s *State) forgetTokens() { s.byToken, s.noTokens = nil, true }

// Ahead counts the tickets that will be called before t in its category,
// as the hall's calling policy orders them.
func (s *State) Ahead(t *Ticket) int {
	if !t.Waiting() {
		return 0
	}
	return s.ahead(t)
}

// EstimatedWait estimates how long a waiting ticket still waits.
func (s *State) EstimatedWait(t *Ticket) time.Duration {
	if !t.Waiting() {
		return 0
	}
	return s.waitFor(t.Category, s.Ahead(t))
}

// Current returns the ticket called or served at a window, if any.
func (s *State) Current(window string) *Ticket {
	w := s.Windows[window]
	if w == nil || w.Current == "" {
		return nil
	}
	return s.Tickets[w.Current]
}

// Post tells which post (A or B) a clerk holds at a window, or "".
func (s *State) Post(window, staff string) string {
	w, ok := s.hall.Window(window)
	switch {
	case !ok || staff == "":
		return ""
	case w.A == staff:
		return "A"
	case w.B == staff:
		return "B"
	}
	return ""
}

// OpenTickets returns today's open tickets in a stable order: by issue
// time, then id.
func (s *State) OpenTickets() []*Ticket {
	var out []*Ticket
	for _, t := range s.Tickets {
		if t.Open() {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b *Ticket) int {
		if c := cmp.Compare(a.issued, b.issued); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// WindowLine returns up to n tickets waiting in a window's categories,
// merged in call order (priority first, then the longest wait), for the
// clerk's view of who comes next.
func (s *State) WindowLine(window string, n int) []*Ticket {
	w, ok := s.hall.Window(window)
	if !ok {
		return nil
	}
	var out []*Ticket
	for _, c := range w.Categories {
		out = append(out, s.Waiting(c)...)
	}
	if q := s.direct[window]; q != nil {
		out = append(append(append(out, q.appt.waiting()...), q.prio.waiting()...), q.ord.waiting()...)
	}
	slices.SortFunc(out, func(a, b *Ticket) int {
		if a.before(b) {
			return -1
		}
		return 1
	})
	return out[:min(n, len(out))]
}

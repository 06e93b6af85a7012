package queue

import (
	"slices"
	"time"
)

// pickNext chooses the ticket a window calls next, across every category it
// serves. Under the strict policy priority tickets go first, then the
// longest wait. Under the interleave policy a window calls one priority
// ticket per Every ordinary ones, but a priority ticket never waits behind
// an ordinary ticket that came after it.
//
// A checked-in appointment whose slot has come goes ahead of the walk-ins,
// but a window calls at most the hall's appointments.max_in_row (1) of
// them in a row while a walk-in waits; before its slot it is called only
// when no walk-in waits.
func (s *State) pickNext(w *Window, now time.Time) *Ticket {
	var appt *Ticket
	for _, c := range w.Categories {
		if q := s.queues[c]; q != nil {
			if t := q.appt.first(); t != nil && (appt == nil || callOrder(t, appt) < 0) {
				appt = t
			}
		}
	}
	if q := s.direct[w.ID]; q != nil {
		if t := q.appt.first(); t != nil && (appt == nil || callOrder(t, appt) < 0) {
			appt = t
		}
	}
	walkIn := s.pickWalkIn(w)
	switch {
	case appt == nil:
		return walkIn
	case walkIn == nil:
		return appt
	case appt.QueuedAt().After(now):
		return walkIn // its slot has not come
	case s.Windows[w.ID].InRow >= cmpOr(s.hall.Appointments.MaxInRow, 1):
		return walkIn
	}
	return appt
}

// pickWalkIn chooses among the walk-ins (priority and ordinary).
func (s *State) pickWalkIn(w *Window) *Ticket {
	var prio, ord *Ticket
	consider := func(q *waitLines) {
		if q == nil {
			return
		}
		if t := q.prio.first(); t != nil && (prio == nil || t.before(prio)) {
			prio = t
		}
		if t := q.ord.first(); t != nil && (ord == nil || t.before(ord)) {
			ord = t
		}
	}
	for _, c := range w.Categories {
		consider(s.queues[c])
	}
	// Tickets transferred to this window keep their place among its lines.
	consider(s.direct[w.ID])
	switch {
	case prio == nil:
		return ord
	case ord == nil:
		return prio
	case s.hall.Calling.Mode != "interleave":
		return prio
	case prio.QueuedAt().Before(ord.QueuedAt()):
		return prio
	case s.Windows[w.ID].Streak >= s.hall.Calling.Every:
		return prio
	default:
		return ord
	}
}

// ahead counts the tickets of its category called before a waiting
// ticket, following the calling policy as one window calling the category
// would: strict calls every priority ticket first; interleave lets up to
// Every ordinary tickets that came before a priority ticket go first, then
// the priority ticket. Binary searches only, so that a long line does not
// slow issuing; under interleave one per priority ticket before it.
func (s *State) ahead(t *Ticket) int {
	if t.Appointment() != "" {
		// Those booked for earlier slots of its line; walk-ins are
		// called between them, at most one per appointment.
		m, key := s.queues, t.Category
		if t.To() != "" {
			m, key = s.direct, t.To()
		}
		q := m[key]
		if q == nil {
			return 0
		}
		i := max(q.appt.index(t), 0)
		return i + min(i, q.prio.len()+q.ord.len())
	}
	if t.To() != "" {
		// Waiting for one window: the tickets transferred there before it
		// (priority first). The window's own lines are not counted: a
		// transferred ticket has waited already and goes by its first
		// issue time, usually ahead of most of them.
		q := s.direct[t.To()]
		if q == nil {
			return 0
		}
		if t.Priority {
			return max(q.prio.index(t), 0)
		}
		return q.prio.len() + max(q.ord.index(t), 0)
	}
	q := s.queues[t.Category]
	if q == nil {
		return 0
	}
	n := s.aheadAt(t.Category, t.Priority, max(q.of(t).index(t), 0), t.QueuedAt())
	return n + s.apptsBefore(t.Category, n)
}

// apptsBefore counts the checked-in appointments of a category a window
// calls before a walk-in with n walk-ins ahead of it: those whose slot has
// come by the time its turn is estimated to come, at most max_in_row
// before each of those n+1 walk-ins (pickNext's rule).
func (s *State) apptsBefore(category string, n int) int {
	q := s.queues[category]
	if q == nil || q.appt.len() == 0 {
		return 0
	}
	due := q.appt.upTo(s.Last.Add(s.waitFor(category, n)))
	return min(due, cmpOr(s.hall.Appointments.MaxInRow, 1)*(n+1))
}

// aheadAt is ahead for the ticket at place i of its line (priority or
// ordinary) of a category, queued at at. i may be the line's length: a
// ticket issued now, which the kiosk previews before the tap.
func (s *State) aheadAt(category string, priority bool, i int, at time.Time) int {
	q := s.queues[category]
	if q == nil {
		return 0
	}
	prio := q.prio.waiting()
	if s.hall.Calling.Mode != "interleave" {
		if priority {
			return i
		}
		return len(prio) + i
	}
	every := s.hall.Calling.Every
	// called counts the ordinary tickets called before each priority
	// ticket in turn: those queued no later than it, at most quota of them.
	called, quota := 0, every-s.streak(category)
	step := func(queued time.Time) {
		if n := q.ord.upTo(queued); n > called {
			called = min(n, called+max(quota, 0))
		}
		quota = every
	}
	if priority {
		for _, p := range prio[:i] {
			step(p.QueuedAt())
		}
		step(at)
		return i + called
	}
	for k, p := range prio {
		step(p.QueuedAt())
		if called > i {
			return i + k // the ticket goes before the k-th priority ticket
		}
	}
	return i + len(prio)
}

// streak is how many ordinary tickets the window serving a category that
// is nearest to its next priority call has called since its last one.
func (s *State) streak(category string) int {
	n := 0
	for _, w := range s.hall.Windows {
		if ws := s.Windows[w.ID]; ws != nil && slices.Contains(w.Categories, category) {
			n = max(n, ws.Streak)
		}
	}
	return n
}

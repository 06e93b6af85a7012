package queue

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// line holds one category's waiting tickets of one kind (priority or
// ordinary) in call order: by QueuedAt, then ID. Tickets join at the back
// (a transferred one keeps its place by QueuedAt) and are called from the
// front, so both ends are cheap and a ticket's place is a binary search,
// however long the line: a hall's busiest morning must not slow issuing.
type line struct {
	t    []*Ticket // t[head:] are waiting
	head int
}

func callOrder(a, b *Ticket) int {
	if c := cmp.Compare(a.queueKey(), b.queueKey()); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

func (l *line) len() int { return len(l.t) - l.head }

func (l *line) waiting() []*Ticket { return l.t[l.head:] }

func (l *line) first() *Ticket {
	if l.len() == 0 {
		return nil
	}
	return l.t[l.head]
}

// index is the ticket's place in the line, or -1.
func (l *line) index(t *Ticket) int {
	i, ok := slices.BinarySearchFunc(l.waiting(), t, callOrder)
	if !ok {
		return -1
	}
	return i
}

// upTo counts the tickets queued at or before at.
func (l *line) upTo(at time.Time) int {
	i, _ := slices.BinarySearchFunc(l.waiting(), at, func(t *Ticket, at time.Time) int {
		if t.QueuedAt().After(at) {
			return 1
		}
		return -1
	})
	return i
}

func (l *line) sort() { slices.SortFunc(l.waiting(), callOrder) }

func (l *line) insert(t *Ticket) {
	w := l.waiting()
	if n := len(w); n == 0 || callOrder(w[n-1], t) < 0 {
		l.t = append(l.t, t)
		return
	}
	i, _ := slices.BinarySearchFunc(w, t, callOrder)
	l.t = slices.Insert(l.t, l.head+i, t)
}

func (l *line) remove(t *Ticket) {
	i := l.index(t)
	switch {
	case i < 0:
		return
	case i == 0:
		l.t[l.head] = nil
		l.head++
		if l.head > 64 && l.head > len(l.t)/2 {
			// Reclaim the called front now and then, not on every call.
			n := copy(l.t, l.t[l.head:])
			clear(l.t[n:])
			l.t, l.head = l.t[:n], 0
		}
	default:
		l.t = slices.Delete(l.t, l.head+i, l.head+i+1)
	}
}

// waitLines is a category's lines: priority and ordinary walk-ins, and
// checked-in appointments (by slot: their QueuedAt is the slot's start).
type waitLines struct{ prio, ord, appt line }

func (q *waitLines) of(t *Ticket) *line {
	switch {
	case t.Appointment() != "":
		return &q.appt
	case t.Priority:
		return &q.prio
	}
	return &q.ord
}

func (q *waitLines) len() int { return q.prio.len() + q.ord.len() + q.appt.len() }

func (q *waitLines) sort() {
	q.prio.sort()
	q.ord.sort()
	q.appt.sort()
}

package queue

// The engine holds two states: the one commands decide on, ahead by the
// events still being written, and the committed one every reader sees. A
// busy day's tickets are most of both, so the two share ticket values: a
// ticket is changed in place only by the state that owns it, and copied
// by any other state before it changes it (copy on write). Tickets change
// only in Apply, through own.

// stateTag marks the tickets a state owns. It is not the state itself, so
// that a ticket value copied out does not keep a state alive; it has a
// size, so that every tag is a distinct pointer.
type stateTag struct{ _ byte }

// own returns the state's own copy of t, which it may change: the ticket
// itself when the state owns it, else a copy that takes t's place in the
// state's indexes. It records the event that changes it.
func (s *State) own(t *Ticket) *Ticket {
	if t.owner != s.tag {
		c := *t // its rare part is never changed in place: shared
		c.owner = s.tag
		s.replace(t, &c)
		t = &c
	}
	t.seq = s.Seq
	return t
}

// replace puts c where t was: the same ticket, another value.
func (s *State) replace(t, c *Ticket) {
	s.Tickets[t.ID] = c
	if s.byToken != nil && s.byToken.of(t) == t {
		s.byToken.put(c)
	}
	m, key := s.queues, t.Category
	if to := t.To(); to != "" {
		m, key = s.direct, to
	}
	if q := m[key]; q != nil {
		l := q.of(t)
		if i := l.index(t); i >= 0 && l.waiting()[i] == t {
			l.waiting()[i] = c
		}
	}
}

// adopt makes s hold from's value of ticket id where the two are the
// same: s changed it last by an event from has applied too (from is the
// committed state, s the one ahead of it). From then on neither changes
// it in place.
func (s *State) adopt(from *State, id string) {
	a, c := s.Tickets[id], from.Tickets[id]
	if a == nil || c == nil || a == c || a.seq > from.Seq || c.seq != a.seq {
		return
	}
	if c.owner == from.tag {
		c.owner = nil
	}
	s.replace(a, c)
}

// share rotates the tags of s and its clone c: every ticket s held is now
// shared, and each copies before it changes one.
func (s *State) share(c *State) {
	s.tag, c.tag = new(stateTag), new(stateTag)
}

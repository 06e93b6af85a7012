package queue

// pickNext chooses the ticket a window calls next, across every category it
// serves. Under the strict policy priority tickets go first, then the
// longest wait. Under the interleave policy a window calls one priority
// ticket per Every ordinary ones, but a priority ticket never waits behind
// an ordinary ticket that came after it.
func (s *State) pickNext(w *Window) *Ticket {
	var prio, ord *Ticket
	for _, c := range w.Categories {
		for _, t := range s.queues[c] {
			if t.Priority {
				if prio == nil || t.before(prio) {
					prio = t
				}
				continue
			}
			// Queues are in call order: the first ordinary one is the oldest.
			if ord == nil || t.before(ord) {
				ord = t
			}
			break
		}
	}
	switch {
	case prio == nil:
		return ord
	case ord == nil:
		return prio
	case s.hall.Calling.Mode != "interleave":
		return prio
	case prio.QueuedAt.Before(ord.QueuedAt):
		return prio
	case s.Windows[w.ID].Streak >= s.hall.Calling.Every:
		return prio
	default:
		return ord
	}
}

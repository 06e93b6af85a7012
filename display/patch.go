package display

import (
	"slices"

	"github.com/yimen-hall/yimen/queue"
)

// patch builds the message for one event, already applied to s. It returns
// false for events the screens do not show (print results, ratings) and
// for numbers taken, which the hub gathers into one message (Hub.event,
// issuedPatch).
func patch(s *queue.State, ev queue.Event) (Message, bool) {
	h := s.Hall()
	m := Message{Type: ev.Type}
	var windows, cats, staff []string
	addWindow := func(id string) {
		if w, ok := h.Window(id); ok && !slices.Contains(windows, id) {
			windows = append(windows, id)
			for _, c := range w.Categories {
				if !slices.Contains(cats, c) {
					cats = append(cats, c)
				}
			}
		}
	}
	addCat := func(id string) {
		if id != "" && !slices.Contains(cats, id) {
			cats = append(cats, id)
		}
	}
	addStaff := func(id string) {
		if m, ok := h.StaffMember(id); ok {
			staff = append(staff, id)
			for _, w := range m.Windows {
				addWindow(w)
			}
		}
	}
	t := s.Tickets[ev.Ticket]

	switch ev.Type {
	case queue.EvDay:
		m.Type = "day"
		board(s, &m)
		return m, true
	case queue.EvHall:
		// The configuration changed: one message with the new board
		// (categories, windows and staff as configured now), no reload.
		m.Type = "hall"
		m.Hall = hallView(h)
		board(s, &m)
		return m, true
	case queue.EvPrinted, queue.EvRated:
		return m, false
	case queue.EvCalled, queue.EvStarted, queue.EvFinished, queue.EvNoShow, queue.EvTransferred, queue.EvCancelled, queue.EvReturned,
		queue.EvHeld, queue.EvRequeued:
		if t != nil {
			m.Number = t.Number
			m.Category = t.Category
			addCat(t.Category)
			if ev.Type == queue.EvTransferred {
				addCat(ev.From)
			}
		}
		m.Window, m.Recall, m.Reason = ev.Window, ev.Recall, ev.Reason
		if t != nil && m.Window == "" {
			m.Window = t.Window()
		}
		addWindow(m.Window)
		if w, ok := h.Window(m.Window); ok {
			m.WindowName = w.Name
		}
		if ev.Type == queue.EvCalled && len(s.Recent) > 0 {
			// Only the new call: screens keep the list from the snapshot.
			c := callView(s, s.Recent[0])
			m.Call = &c
		}
		if ev.Type == queue.EvReturned {
			// The returned ticket's call is withdrawn: the whole list
			// again, so that no screen keeps sending the villager to the
			// window.
			m.Recent = recentView(s)
		}
	case queue.EvOpened, queue.EvClosed, queue.EvPaused, queue.EvResumed:
		m.Window, m.Reason = ev.Window, ev.Reason
		addWindow(ev.Window)
		addStaff(ev.Staff)
		if ev.Type == queue.EvOpened {
			// The clerk may have left another window, and taken this one
			// from someone else.
			for _, st := range h.Staff {
				if slices.Contains(st.Windows, ev.Window) && !slices.Contains(staff, st.ID) {
					staff = append(staff, st.ID)
				}
			}
		}
	case queue.EvStaff:
		addStaff(ev.Staff)
	case queue.EvOverride:
		// A window given to a clerk for today (加开窗口), or taken back:
		// their list of windows changed.
		if ev.Reason != "extra_window" && ev.Reason != "extra_window_undo" {
			return m, false
		}
		m.Window = ev.Window
		addWindow(ev.Window)
		addStaff(ev.To)
	case queue.EvCaseOpened, queue.EvCaseForwarded, queue.EvCaseSuspended, queue.EvCaseResumed,
		queue.EvCaseReady, queue.EvCasePickedUp, queue.EvCaseClosed:
		// A case page follows its case at once; screens learn only that
		// a number's case moved, and the lobby its 请取件 list.
		m.Type = "case"
		if c := s.Cases[ev.Ticket]; c != nil {
			m.Number = c.Number
		}
		m.Pickup = pickupView(s)
		return m, true
	default:
		return m, false
	}

	lines(s, &m, cats, !same(ev))
	for _, id := range windows {
		w, _ := h.Window(id)
		m.Windows = append(m.Windows, windowView(s, w))
	}
	for _, id := range staff {
		st, _ := h.StaffMember(id)
		m.Staff = append(m.Staff, staffView(s, st))
	}
	return m, true
}

// issuedPatch is the message for numbers taken in the lines cats.
func issuedPatch(s *queue.State, cats []string) Message {
	m := Message{Type: queue.EvIssued}
	lines(s, &m, cats, true)
	return m
}

// same says the event moves nobody in a line nor opens a window: a recall
// or a start leaves the services' buttons as they were.
func same(ev queue.Event) bool {
	return ev.Type == queue.EvStarted || (ev.Type == queue.EvCalled && ev.Recall)
}

// lines adds the lines cats to m and, with buttons, every service's
// button that any of them serves: a button changes when any of its lines
// does.
func lines(s *queue.State, m *Message, cats []string, buttons bool) {
	h := s.Hall()
	m.Queues = slices.Grow(m.Queues, len(cats))
	for _, id := range cats {
		if c, ok := h.Category(id); ok {
			m.Queues = append(m.Queues, queueView(s, c))
		}
	}
	if !buttons {
		return
	}
	touched := func(svc *queue.Service) bool {
		return slices.ContainsFunc(svc.Categories, func(c string) bool { return slices.Contains(cats, c) })
	}
	n := 0
	for i := range h.Services {
		if touched(&h.Services[i]) {
			n++
		}
	}
	m.Services = slices.Grow(m.Services, n)
	// A button depends on its service's lines alone, and many services
	// share theirs (every 民生 service routed to civil only): each set of
	// lines is worked out once.
	type shared struct {
		cats []string
		v    ServiceView
	}
	done := make([]shared, 0, 8)
	for i := range h.Services {
		svc := &h.Services[i]
		if !touched(svc) {
			continue
		}
		j := slices.IndexFunc(done, func(d shared) bool { return slices.Equal(d.cats, svc.Categories) })
		if j < 0 {
			done = append(done, shared{svc.Categories, serviceView(s, svc)})
			j = len(done) - 1
		}
		v := done[j].v
		v.ID = svc.ID
		m.Services = append(m.Services, v)
	}
}

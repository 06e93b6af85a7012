package queue

import (
	"context"
	"strings"
	"time"
)

// The clerk's calling tools beyond 下一位: call a given number (选呼), park
// the current ticket (挂起), put a no-show back in line (过号重排) and
// transfer to a given window (转办到窗口).

// ticketByNumber finds today's ticket by the number the villager shows.
func (s *State) ticketByNumber(number string) (*Ticket, error) {
	number = strings.ToUpper(strings.TrimSpace(number))
	if number == "" || len(number) > 8 {
		return nil, errorf(Invalid, "bad_number", "请输入号码，如 B012")
	}
	t := s.Tickets[strings.ReplaceAll(s.Day, "-", "")+"-"+number]
	if t == nil {
		return nil, errorf(NotFound, "unknown_number", "今天没有 %s 号", number)
	}
	return t, nil
}

// serves reports whether a window calls a waiting ticket.
func serves(w *Window, t *Ticket) bool {
	if t.To() != "" {
		return t.To() == w.ID
	}
	for _, c := range w.Categories {
		if c == t.Category {
			return true
		}
	}
	return false
}

// callTo calls t (nil: nobody) to a window and closes the ticket that was
// there, as 下一位 does (see Next).
func callTo(s *State, emit func(Event), window, staff string, t *Ticket) {
	cur := s.Current(window)
	// The call goes first: the hall waits for it, while the finished
	// ticket's patch can follow. The state is the same in either order.
	if t != nil {
		emit(Event{Type: EvCalled, Ticket: t.ID, Number: t.Number, Window: window, Staff: staff})
	}
	switch {
	case cur == nil:
	case cur.Status() == StatusServing:
		emitFinish(s, cur, window, staff, s.hall.Outcome(), CaseIntake{}, emit)
	default:
		emit(Event{Type: EvNoShow, Ticket: cur.ID, Window: window, Staff: staff})
	}
}

// CallNumber calls a given number to a window (选呼/特呼): one waiting in a
// line the window serves, or one parked at this window. The ticket at the
// window is closed first, as with Next.
func (e *Engine) CallNumber(ctx context.Context, window, staff, number string) (Ticket, error) {
	return exec(ctx, e, func(s *State, emit func(Event)) (Ticket, error) {
		w, err := e.take(s, emit, window, staff)
		if err != nil {
			return Ticket{}, err
		}
		if s.Windows[window].Paused {
			return Ticket{}, errorf(Conflict, "window_paused", "窗口已暂停，请先恢复服务")
		}
		t, err := s.ticketByNumber(number)
		if err != nil {
			return Ticket{}, err
		}
		switch {
		case t.Status() == StatusHeld && t.Window() != window:
			return Ticket{}, errorf(Conflict, "held_elsewhere", "%s 号挂起在%s，请到那里叫回", t.Number, s.windowName(t.Window()))
		case t.Status() == StatusHeld:
		case t.ID == s.Windows[window].Current:
			return Ticket{}, errorf(Conflict, "already_here", "%s 号就在本窗口，请用重呼", t.Number)
		case !t.Waiting():
			return Ticket{}, errorf(Conflict, "not_waiting", "%s 号不在等候", t.Number)
		case !serves(w, t):
			return Ticket{}, errorf(Conflict, "not_this_window", "%s 号不在本窗口办理的队列中", t.Number)
		}
		callTo(s, emit, window, staff, t)
		return *s.Tickets[t.ID], nil
	})
}

// Hold parks the window's current ticket (挂起: the villager went to copy
// a document) and calls the next one. The parked ticket stays with the
// window until it is called back by its number; at day end it is closed
// with the rest. It returns the parked ticket and the one called (nil when
// nobody waits).
func (e *Engine) Hold(ctx context.Context, window, staff string) (Ticket, *Ticket, error) {
	type held struct {
		held Ticket
		next *Ticket
	}
	r, err := exec(ctx, e, func(s *State, emit func(Event)) (held, error) {
		w, err := e.take(s, emit, window, staff)
		if err != nil {
			return held{}, err
		}
		cur := s.Current(window)
		if cur == nil {
			return held{}, errorf(Conflict, "no_current_ticket", "窗口当前没有号票")
		}
		emit(Event{Type: EvHeld, Ticket: cur.ID, Number: cur.Number, Window: window, Staff: staff})
		r := held{held: *s.Tickets[cur.ID]}
		if s.Windows[window].Paused {
			return r, nil // parked; a paused window calls nobody
		}
		if t := s.pickNext(w, e.now()); t != nil {
			callTo(s, emit, window, staff, t)
			c := *s.Tickets[t.ID]
			r.next = &c
		}
		return r, nil
	})
	return r.held, r.next, err
}

// CallBackHeld calls back a ticket parked at the window (叫回) for a call
// pad, which has digit keys and a one-byte argument only: with n 1 … 100
// the one whose number ends in n's two digits (12 for B012 or B112, 100
// for B100), or with n 0 the first parked as the clerk page lists them.
func (e *Engine) CallBackHeld(ctx context.Context, window, staff string, n int) (Ticket, error) {
	return exec(ctx, e, func(s *State, emit func(Event)) (Ticket, error) {
		if _, err := e.take(s, emit, window, staff); err != nil {
			return Ticket{}, err
		}
		if s.Windows[window].Paused {
			return Ticket{}, errorf(Conflict, "window_paused", "窗口已暂停，请先恢复服务")
		}
		var pick *Ticket
		for _, t := range s.Held(window) {
			switch {
			case n == 0 && pick == nil:
				pick = t
			case n != 0 && numberDigits(t.Number)%100 == n%100:
				if pick != nil {
					return Ticket{}, errorf(Conflict, "ambiguous_number", "挂起的号中 %s 和 %s 数字相同，请在叫号页叫回", pick.Number, t.Number)
				}
				pick = t
			}
		}
		if pick == nil {
			return Ticket{}, errorf(NotFound, "no_held", "本窗口没有这个挂起的号")
		}
		callTo(s, emit, window, staff, pick)
		return *s.Tickets[pick.ID], nil
	})
}

// numberDigits is a ticket number's digits as a number (B012: 12).
func numberDigits(number string) int {
	n := 0
	for _, r := range number {
		if r >= '0' && r <= '9' {
			n = n*10 + int(r-'0')
		}
	}
	return n
}

// Held returns the tickets parked at a window, oldest first.
func (s *State) Held(window string) []*Ticket {
	var out []*Ticket
	for _, t := range s.OpenTickets() {
		if t.Status() == StatusHeld && t.Window() == window {
			out = append(out, t)
		}
	}
	return out
}

// Requeue puts a no-show who came back within the hall's time back in
// their line, the hall's number of places behind its head (过号重排), by a
// clerk at a window serving that line.
func (e *Engine) Requeue(ctx context.Context, window, staff, number string) (Ticket, error) {
	return exec(ctx, e, func(s *State, emit func(Event)) (Ticket, error) {
		w, err := e.take(s, emit, window, staff)
		if err != nil {
			return Ticket{}, err
		}
		t, err := s.ticketByNumber(number)
		if err != nil {
			return Ticket{}, err
		}
		return e.requeueAt(s, emit, w, staff, t)
	})
}

// RequeueLast puts back the ticket this window marked 过号 last: a call
// pad has no letter keys to type a number with.
func (e *Engine) RequeueLast(ctx context.Context, window, staff string) (Ticket, error) {
	return exec(ctx, e, func(s *State, emit func(Event)) (Ticket, error) {
		w, err := e.take(s, emit, window, staff)
		if err != nil {
			return Ticket{}, err
		}
		var last *Ticket
		for _, t := range s.Tickets {
			if t.Status() == StatusNoShow && t.Window() == window && (last == nil || t.DoneAt().After(last.DoneAt())) {
				last = t
			}
		}
		if last == nil {
			return Ticket{}, errorf(NotFound, "no_no_show", "本窗口今天没有过号的号")
		}
		return e.requeueAt(s, emit, w, staff, last)
	})
}

func (e *Engine) requeueAt(s *State, emit func(Event), w *Window, staff string, t *Ticket) (Ticket, error) {
	if t.Status() != StatusNoShow {
		return Ticket{}, errorf(Conflict, "not_no_show", "%s 号没有过号，不需要重排", t.Number)
	}
	if !serves(w, t) {
		return Ticket{}, errorf(Conflict, "not_this_window", "%s 号不在本窗口办理的队列中", t.Number)
	}
	return e.requeueTicket(s, emit, w.ID, staff, t)
}

// requeue puts a no-show back in its line, e.Places behind the head: it
// takes a queue time between the tickets at those places, so the line's
// order (and every count of places) stays the one rule, by queue time.
func (s *State) requeue(t *Ticket, e Event) {
	m := t.change()
	t.setStatus(StatusWaiting)
	m.Window, m.Staff, m.DoneAt = "", "", time.Time{}
	m.Requeues++
	w := s.linesOf(t).of(t).waiting()
	switch n := max(e.Places, 1); {
	case len(w) > n:
		a, b := w[n-1].QueuedAt(), w[n].QueuedAt()
		t.setQueuedAt(a.Add(b.Sub(a) / 2))
	case len(w) > 0 && !w[len(w)-1].QueuedAt().Before(e.At):
		t.setQueuedAt(w[len(w)-1].QueuedAt().Add(time.Nanosecond))
	default:
		t.setQueuedAt(e.At)
	}
	s.enqueue(t)
}

// TransferToWindow sends the window's current ticket to another window
// (转办到窗口): only that window calls it, and it keeps its number and
// its place by its first issue time. It goes to the target window's line
// of the same category if it has one, else to the window's first line.
func (e *Engine) TransferToWindow(ctx context.Context, window, staff, target string) (Ticket, error) {
	return e.onCurrent(ctx, window, staff, func(s *State, t *Ticket, emit func(Event)) error {
		to, ok := s.hall.Window(target)
		switch {
		case !ok:
			return errorf(NotFound, "unknown_window", "没有这个窗口：%q", target)
		case target == window:
			return errorf(Conflict, "same_window", "号票已在本窗口")
		case s.Windows[target].Occupant == "":
			return errorf(Conflict, "window_closed", "%s无人在岗，请转到业务类别", to.Name)
		case len(to.Categories) == 0:
			return errorf(Conflict, "window_closed", "%s不办理业务", to.Name)
		}
		category := to.Categories[0]
		for _, c := range to.Categories {
			if c == t.Category {
				category = c
			}
		}
		emit(Event{Type: EvTransferred, Ticket: t.ID, Number: t.Number, Window: window, Staff: staff, Category: category, From: t.Category, To: target})
		return nil
	})
}

func (s *State) windowName(id string) string {
	if w, ok := s.hall.Window(id); ok {
		return w.Name
	}
	return id
}

package queue

import (
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Issued is the answer to a new ticket: the ticket and what the villager is
// told about it.
type Issued struct {
	Ticket Ticket
	Ahead  int
	Wait   time.Duration
	// NoWindow is true when no open window serves the ticket's line: Wait
	// is then no estimate, and the villager must be told so.
	NoWindow bool
}

// Issue gives a villager a number for a service, routed to the category
// with the shortest expected wait. A priority ticket says no kind; use
// IssueKind for 老弱病残孕 or 绿色通道.
func (e *Engine) Issue(ctx context.Context, service string, priority bool) (Issued, error) {
	kind := ""
	if priority {
		kind = PriorityAny
	}
	return e.IssueKind(ctx, service, kind)
}

// PriorityAny asks IssueKind for a priority ticket of no particular kind.
const PriorityAny = "priority"

// IssueKind issues a ticket: kind "" is an ordinary ticket, PriorityElder
// or PriorityGreen a priority ticket of that kind, PriorityAny one of no
// kind.
func (e *Engine) IssueKind(ctx context.Context, service, kind string) (Issued, error) {
	if err := ctx.Err(); err != nil {
		return Issued{}, err
	}
	priority := kind != ""
	switch kind {
	case "", PriorityElder, PriorityGreen:
	case PriorityAny:
		kind = ""
	default:
		return Issued{}, errorf(Invalid, "bad_priority", "优先类别应为 elder（老弱病残孕）或 green（绿色通道）")
	}
	return exec(ctx, e, func(s *State, emit func(Event)) (Issued, error) {
		svc, ok := s.hall.Service(service)
		if !ok {
			return Issued{}, errorf(NotFound, "unknown_service", "没有这个事项：%q", service)
		}
		svc, err := s.issuable(svc, e.now())
		if err != nil {
			return Issued{}, err
		}
		c, _ := s.hall.Category(s.Route(svc))
		return issueIn(s, emit, c, svc.ID, priority, kind, nil), nil
	})
}

// issueIn emits the next number of a category; cf links a pick-up ticket
// to its case.
func issueIn(s *State, emit func(Event), c *Category, service string, priority bool, kind string, cf *CaseFields) Issued {
	number := FormatNumber(c.Prefix, s.Counters[c.Prefix]+1)
	id := strings.ReplaceAll(s.Day, "-", "") + "-" + number
	emit(Event{Type: EvIssued, Ticket: id, Number: number, Category: c.ID, Service: service, Priority: priority, Kind: kind, Token: newToken(), Case: cf})
	t := s.Tickets[id]
	return Issued{Ticket: *t, Ahead: s.Ahead(t), Wait: s.EstimatedWait(t), NoWindow: s.OpenWindows(c.ID) == 0}
}

// MarkPrinted records how a ticket's print job ended, so the manager sees
// every ticket that did not come out whole.
func (e *Engine) MarkPrinted(ctx context.Context, ticket string, ok bool, detail string) error {
	_, err := exec(ctx, e, func(s *State, emit func(Event)) (struct{}, error) {
		if s.Tickets[ticket] == nil {
			return struct{}{}, errorf(NotFound, "unknown_ticket", "没有这张号票")
		}
		emit(Event{Type: EvPrinted, Ticket: ticket, Printed: ok, Reason: detail})
		return struct{}{}, nil
	})
	return err
}

// Open puts a clerk at a window (signing in there). A B post may take a
// window only while its A post is away; an A post may always take it back.
func (e *Engine) Open(ctx context.Context, window, staff string) (WindowState, error) {
	return exec(ctx, e, func(s *State, emit func(Event)) (WindowState, error) {
		if _, err := e.take(s, emit, window, staff); err != nil {
			return WindowState{}, err
		}
		return *s.Windows[window], nil
	})
}

// Leave takes a clerk off a window. A ticket called or served there goes
// back to its line (see returnCurrent).
func (e *Engine) Leave(ctx context.Context, window, staff string) error {
	_, err := exec(ctx, e, func(s *State, emit func(Event)) (struct{}, error) {
		if _, err := s.authorize(window, staff); err != nil {
			return struct{}{}, err
		}
		if s.Windows[window].Occupant == staff {
			returnCurrent(s, emit, window, staff)
			emit(Event{Type: EvClosed, Window: window, Staff: staff})
		}
		return struct{}{}, nil
	})
	return err
}

// SignOut ends a clerk's day at the hall: they leave their window (its
// ticket goes back to its line) and show as 未到岗.
func (e *Engine) SignOut(ctx context.Context, staff string) error {
	_, err := exec(ctx, e, func(s *State, emit func(Event)) (struct{}, error) {
		st := s.Staff[staff]
		if st == nil {
			return struct{}{}, errorf(NotFound, "unknown_staff", "没有这位工作人员")
		}
		if st.Window != "" {
			returnCurrent(s, emit, st.Window, staff)
			emit(Event{Type: EvClosed, Window: st.Window, Staff: staff})
		}
		if st.Status != StaffOff {
			emit(Event{Type: EvStaff, Staff: staff, Status: StaffOff})
		}
		return struct{}{}, nil
	})
	return err
}

// returnCurrent sends the ticket called or served at a window back to its
// line when the clerk leaves: a villager must never be left called to an
// empty window. It keeps its number and its place by issue time, so the
// next window serving its line (the B post, or another window) calls it
// before anyone who came after it.
func returnCurrent(s *State, emit func(Event), window, staff string) {
	if t := s.Current(window); t != nil {
		emit(Event{Type: EvReturned, Ticket: t.ID, Number: t.Number, Window: window, Staff: staff})
	}
}

// Next calls the next ticket to a window. A ticket still at the window is
// closed first: one being served (started) is finished with the hall's
// default outcome; one called but never started did not come to the
// counter and is recorded as 过号, never as 办结. It returns nil when
// nobody waits.
func (e *Engine) Next(ctx context.Context, window, staff string) (*Ticket, error) {
	return exec(ctx, e, func(s *State, emit func(Event)) (*Ticket, error) {
		w, err := e.take(s, emit, window, staff)
		if err != nil {
			return nil, err
		}
		if s.Windows[window].Paused {
			return nil, errorf(Conflict, "window_paused", "窗口已暂停，请先恢复服务")
		}
		t := s.pickNext(w, e.now())
		callTo(s, emit, window, staff, t)
		if t == nil {
			return nil, nil
		}
		c := *s.Tickets[t.ID]
		return &c, nil
	})
}

// Recall calls the window's current ticket again (重呼).
func (e *Engine) Recall(ctx context.Context, window, staff string) (Ticket, error) {
	return e.onCurrent(ctx, window, staff, func(s *State, t *Ticket, emit func(Event)) error {
		emit(Event{Type: EvCalled, Ticket: t.ID, Number: t.Number, Window: window, Staff: staff, Recall: true})
		return nil
	})
}

// Start marks that the called villager has arrived and service began.
func (e *Engine) Start(ctx context.Context, window, staff string) (Ticket, error) {
	return e.onCurrent(ctx, window, staff, func(s *State, t *Ticket, emit func(Event)) error {
		if t.Status() == StatusServing {
			return nil
		}
		emit(Event{Type: EvStarted, Ticket: t.ID, Window: window, Staff: staff})
		return nil
	})
}

// NoShow marks the window's current ticket as not come (过号).
func (e *Engine) NoShow(ctx context.Context, window, staff string) (Ticket, error) {
	return e.onCurrent(ctx, window, staff, func(s *State, t *Ticket, emit func(Event)) error {
		emit(Event{Type: EvNoShow, Ticket: t.ID, Window: window, Staff: staff})
		return nil
	})
}

// Finish ends service of the window's current ticket with an outcome
// (即办件 immediate, 承诺件 promised, 咨询 consult; the hall's
// default_outcome when empty).
// A promised ticket opens a case; FinishCase records its intake too.
func (e *Engine) Finish(ctx context.Context, window, staff, outcome string) (Ticket, error) {
	if outcome == "" {
		outcome = e.Hall().Outcome()
	}
	if outcome != OutcomeImmediate && outcome != OutcomePromised && outcome != OutcomeConsult {
		return Ticket{}, errorf(Invalid, "bad_outcome", "办结类型应为 immediate、promised 或 consult")
	}
	// A 承诺件 opens its case (case_commands.go).
	return e.finish(ctx, window, staff, outcome, CaseIntake{})
}

// Transfer sends the window's current ticket to another category (转办). It
// keeps its number and its place by the time it was first issued.
func (e *Engine) Transfer(ctx context.Context, window, staff, category string) (Ticket, error) {
	if _, ok := e.Hall().Category(category); !ok {
		return Ticket{}, errorf(NotFound, "unknown_category", "没有这个业务类别：%q", category)
	}
	return e.onCurrent(ctx, window, staff, func(s *State, t *Ticket, emit func(Event)) error {
		if _, ok := s.hall.Category(category); !ok { // removed meanwhile
			return errorf(NotFound, "unknown_category", "没有这个业务类别：%q", category)
		}
		if t.Category == category {
			return errorf(Conflict, "same_category", "号票已在该类别")
		}
		emit(Event{Type: EvTransferred, Ticket: t.ID, Number: t.Number, Window: window, Staff: staff, Category: category, From: t.Category})
		return nil
	})
}

func (e *Engine) onCurrent(ctx context.Context, window, staff string, act func(*State, *Ticket, func(Event)) error) (Ticket, error) {
	return exec(ctx, e, func(s *State, emit func(Event)) (Ticket, error) {
		if _, err := e.take(s, emit, window, staff); err != nil {
			return Ticket{}, err
		}
		t := s.Current(window)
		if t == nil {
			return Ticket{}, errorf(Conflict, "no_current_ticket", "窗口当前没有号票")
		}
		if err := act(s, t, emit); err != nil {
			return Ticket{}, err
		}
		return *s.Tickets[t.ID], nil
	})
}

// Pause stops a window from calling (暂停), with a reason shown to the hall.
func (e *Engine) Pause(ctx context.Context, window, staff, reason string) (WindowState, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		reason = "暂停服务"
	}
	if utf8.RuneCountInString(reason) > 40 {
		return WindowState{}, errorf(Invalid, "reason_too_long", "暂停原因最多 40 个字")
	}
	return exec(ctx, e, func(s *State, emit func(Event)) (WindowState, error) {
		if _, err := e.take(s, emit, window, staff); err != nil {
			return WindowState{}, err
		}
		if w := s.Windows[window]; !w.Paused || w.Reason != reason {
			emit(Event{Type: EvPaused, Window: window, Staff: staff, Reason: reason})
		}
		return *s.Windows[window], nil
	})
}

// Resume lets a paused window call again.
func (e *Engine) Resume(ctx context.Context, window, staff string) (WindowState, error) {
	return exec(ctx, e, func(s *State, emit func(Event)) (WindowState, error) {
		if _, err := e.take(s, emit, window, staff); err != nil {
			return WindowState{}, err
		}
		if s.Windows[window].Paused {
			emit(Event{Type: EvResumed, Window: window, Staff: staff})
		}
		return *s.Windows[window], nil
	})
}

// SetStaffStatus records a clerk's whereabouts. A clerk who is not on duty
// leaves their window, so that the B post may take it.
func (e *Engine) SetStaffStatus(ctx context.Context, staff, status, note, until string) (StaffState, error) {
	if _, ok := StaffStatusNames[status]; !ok {
		return StaffState{}, errorf(Invalid, "bad_status", "去向应为 on_duty、village、meeting、leave、out 或 break")
	}
	if utf8.RuneCountInString(note) > 40 {
		return StaffState{}, errorf(Invalid, "note_too_long", "备注最多 40 个字")
	}
	until, ok := clockTime(until)
	if !ok {
		return StaffState{}, errorf(Invalid, "bad_until", "返回时间应写成 16:30")
	}
	return exec(ctx, e, func(s *State, emit func(Event)) (StaffState, error) {
		st := s.Staff[staff]
		if st == nil {
			return StaffState{}, errorf(NotFound, "unknown_staff", "没有这位工作人员")
		}
		if status != StaffOnDuty && st.Window != "" {
			returnCurrent(s, emit, st.Window, staff)
		}
		emit(Event{Type: EvStaff, Staff: staff, Status: status, Note: note, Until: until})
		return *s.Staff[staff], nil
	})
}

// Rate records the villager's rating (1 very dissatisfied … 5 very
// satisfied) of the ticket just finished at a window.
func (e *Engine) Rate(ctx context.Context, window string, score int, reason string) (Ticket, error) {
	if score < 1 || score > 5 {
		return Ticket{}, errorf(Invalid, "bad_score", "评价应为 1 到 5")
	}
	return exec(ctx, e, func(s *State, emit func(Event)) (Ticket, error) {
		w := s.Windows[window]
		if w == nil {
			return Ticket{}, errorf(NotFound, "unknown_window", "没有这个窗口")
		}
		t := s.Tickets[w.LastDone]
		if t == nil || t.Score() != 0 {
			return Ticket{}, errorf(Conflict, "nothing_to_rate", "没有待评价的办件")
		}
		emit(Event{Type: EvRated, Ticket: t.ID, Window: window, Score: score, Reason: reason})
		return *s.Tickets[t.ID], nil
	})
}

// Cancel withdraws an open ticket (the manager's action).
func (e *Engine) Cancel(ctx context.Context, ticket, reason string) (Ticket, error) {
	return exec(ctx, e, func(s *State, emit func(Event)) (Ticket, error) {
		t := s.Tickets[ticket]
		if t == nil {
			return Ticket{}, errorf(NotFound, "unknown_ticket", "没有这张号票")
		}
		if !t.Open() {
			return Ticket{}, errorf(Conflict, "ticket_closed", "号票已结束")
		}
		emit(Event{Type: EvCancelled, Ticket: t.ID, Reason: reason})
		return *s.Tickets[t.ID], nil
	})
}

// Authorize checks that a clerk may work a window at all: the window
// exists (NotFound) and the clerk lists it (Forbidden). Every window
// command checks this first; read-only views of a window check it too.
func (e *Engine) Authorize(window, staff string) (w *Window, err error) {
	e.Read(func(s *State) { w, err = s.authorize(window, staff) })
	return w, err
}

// authorize lets a clerk work the windows the hall gives them, and those
// the manager gave them for today (加开窗口).
func (s *State) authorize(window, staff string) (*Window, error) {
	w, ok := s.hall.Window(window)
	if !ok {
		return nil, errorf(NotFound, "unknown_window", "没有这个窗口")
	}
	if !slices.Contains(s.WindowsOf(staff), window) {
		return nil, errorf(Forbidden, "not_your_window", "您不在%s工作", w.Name)
	}
	return w, nil
}

// take makes the clerk the window's occupant if they are not already,
// applying the A/B post rule.
func (e *Engine) take(s *State, emit func(Event), window, staff string) (*Window, error) {
	w, err := s.authorize(window, staff)
	if err != nil {
		return nil, err
	}
	ws := s.Windows[window]
	if ws.Occupant == staff && s.Staff[staff].Status == StaffOnDuty {
		return w, nil
	}
	if occ := ws.Occupant; occ != "" && occ != staff && s.Staff[occ].Status == StaffOnDuty && w.A != staff {
		name := occ
		if m, ok := s.hall.StaffMember(occ); ok {
			name = m.Name
		}
		return nil, errorf(Conflict, "window_busy", "%s正由%s在岗办理", w.Name, name)
	}
	emit(Event{Type: EvOpened, Window: window, Staff: staff})
	return w, nil
}

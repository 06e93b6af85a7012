package queue

import (
	"context"
	"slices"
	"time"
)

// 加开窗口: when the lines grow, the manager gives a clerk a window they do
// not usually work, for today only. It is an override of today like
// extending the hours (EvOverride, Reason "extra_window", Window, To the
// clerk, Staff who decided), logged, undone by one more ("extra_window_undo"),
// and cleared by the new day.

// ExtraWindow is a window given to a clerk for today.
type ExtraWindow struct {
	Window string    `json:"window"`
	Staff  string    `json:"staff"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

func (s *State) applyExtraWindow(e Event) {
	s.Today.Extra = slices.DeleteFunc(s.Today.Extra, func(x ExtraWindow) bool {
		return x.Window == e.Window && x.Staff == e.To
	})
	if e.Reason == "extra_window" {
		s.Today.Extra = append(s.Today.Extra, ExtraWindow{Window: e.Window, Staff: e.To, By: e.Staff, At: e.At})
	}
}

// WindowsOf lists the windows a clerk may work today: the hall's, then
// those the manager gave them for today.
func (s *State) WindowsOf(staff string) []string {
	var out []string
	if m, ok := s.hall.StaffMember(staff); ok {
		out = slices.Clone(m.Windows)
	}
	for _, x := range s.Today.Extra {
		if x.Staff == staff && !slices.Contains(out, x.Window) {
			out = append(out, x.Window)
		}
	}
	return out
}

// OpenExtraWindow gives a clerk a window for today. A clerk on duty
// (signed in and at the hall) is put at it at once, leaving their own
// window, whose ticket goes back to its line; one who is not finds it
// among their windows when they come. opened says which.
func (e *Engine) OpenExtraWindow(ctx context.Context, by, window, staff string) (opened bool, err error) {
	return exec(ctx, e, func(s *State, emit func(Event)) (bool, error) {
		w, ok := s.hall.Window(window)
		if !ok {
			return false, errorf(NotFound, "unknown_window", "没有这个窗口")
		}
		m, ok := s.hall.StaffMember(staff)
		if !ok {
			return false, errorf(NotFound, "unknown_staff", "没有这位工作人员")
		}
		if slices.Contains(s.WindowsOf(staff), window) {
			return false, errorf(Conflict, "already_their_window", "%s已可在%s工作", m.Name, w.Name)
		}
		if occ := s.Windows[window].Occupant; occ != "" && s.Staff[occ].Status == StaffOnDuty {
			name := occ
			if o, ok := s.hall.StaffMember(occ); ok {
				name = o.Name
			}
			return false, errorf(Conflict, "window_busy", "%s正由%s在岗办理", w.Name, name)
		}
		emit(Event{Type: EvOverride, Reason: "extra_window", Window: window, To: staff, Staff: by})
		if s.Staff[staff].Status != StaffOnDuty {
			return false, nil
		}
		if prev := s.Staff[staff].Window; prev != "" {
			returnCurrent(s, emit, prev, staff)
		}
		emit(Event{Type: EvOpened, Window: window, Staff: staff})
		return true, nil
	})
}

// UndoExtraWindow takes back a window given for today: the clerk leaves
// it if they are there (its ticket goes back to its line).
func (e *Engine) UndoExtraWindow(ctx context.Context, by, window, staff string) error {
	_, err := exec(ctx, e, func(s *State, emit func(Event)) (struct{}, error) {
		if !slices.ContainsFunc(s.Today.Extra, func(x ExtraWindow) bool { return x.Window == window && x.Staff == staff }) {
			return struct{}{}, errorf(NotFound, "no_extra_window", "今天没有给这位工作人员加开这个窗口")
		}
		if s.Windows[window].Occupant == staff {
			returnCurrent(s, emit, window, staff)
			emit(Event{Type: EvClosed, Window: window, Staff: staff})
		}
		emit(Event{Type: EvOverride, Reason: "extra_window_undo", Window: window, To: staff, Staff: by})
		return struct{}{}, nil
	})
	return err
}

package queue

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
)

// A low rating (不满意 or 非常不满意) is a complaint the manager must follow
// up within the hall's followup_days: call the villager back (回访) or put
// the cause right (整改), with a note. Complaints live on after their day,
// in the state, until followed up; a hall sees a handful a week, so the
// followed-up ones stay for the ledger's 差评 sheet.

// EvFollowedUp closes a complaint: Ticket is the rated ticket, Reason the
// action, Note what was done, Staff who did it ("admin" for the manager).
const EvFollowedUp = "followed_up"

// Follow-up actions.
const (
	FollowupCallback = "callback" // 回访
	FollowupRectify  = "rectify"  // 整改
)

// FollowupNames are the Chinese names of the follow-up actions.
var FollowupNames = map[string]string{FollowupCallback: "回访", FollowupRectify: "整改"}

// RatingReasons are the reasons offered after a low rating, on the rating
// pad's reason key (1-based) and on the rating tablet alike.
func RatingReasons() []string {
	return []string{"等候时间长", "态度不好", "办事效率低", "材料要求不清楚", "没有办成"}
}

// Complaint is a low rating and its follow-up.
type Complaint struct {
	Ticket string    `json:"ticket"`
	Number string    `json:"number"`
	Day    string    `json:"day"`
	Window string    `json:"window"`
	Staff  string    `json:"staff"`
	Score  int       `json:"score"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
	Due    time.Time `json:"due"`

	Closed   bool      `json:"closed,omitempty"`
	Action   string    `json:"action,omitempty"`
	Note     string    `json:"note,omitempty"`
	ClosedBy string    `json:"closed_by,omitempty"`
	ClosedAt time.Time `json:"closed_at,omitzero"`
}

// Overdue reports an open complaint past its deadline.
func (c *Complaint) Overdue(now time.Time) bool { return !c.Closed && now.After(c.Due) }

// noteRating opens a complaint for a low rating (EvRated).
func (s *State) noteRating(e Event, t *Ticket) {
	if t == nil || e.Score < 1 || e.Score > LowScore {
		return
	}
	if s.Complaints == nil {
		s.Complaints = map[string]*Complaint{}
	}
	days := DefaultFollowupDays
	if s.hall != nil {
		days = s.hall.FollowupDays()
	}
	s.Complaints[t.ID] = &Complaint{
		Ticket: t.ID, Number: t.Number, Day: s.Day, Window: t.Window(), Staff: t.Staff(),
		Score: e.Score, Reason: e.Reason, At: e.At, Due: e.At.AddDate(0, 0, days),
	}
}

func (s *State) applyFollowup(e Event) {
	if c := s.Complaints[e.Ticket]; c != nil {
		c.Closed, c.Action, c.Note, c.ClosedBy, c.ClosedAt = true, e.Reason, e.Note, e.Staff, e.At
	}
}

// ComplaintList gives the complaints, open ones first, then the newest.
func (s *State) ComplaintList() []Complaint {
	out := make([]Complaint, 0, len(s.Complaints))
	for _, c := range s.Complaints {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b Complaint) int {
		if a.Closed != b.Closed {
			if a.Closed {
				return 1
			}
			return -1
		}
		return cmp.Or(b.At.Compare(a.At), strings.Compare(a.Ticket, b.Ticket))
	})
	return out
}

// OverdueComplaints counts the open complaints past their deadline.
func (s *State) OverdueComplaints(now time.Time) int {
	n := 0
	for _, c := range s.Complaints {
		if c.Overdue(now) {
			n++
		}
	}
	return n
}

// FollowUp closes a complaint with what was done about it.
func (e *Engine) FollowUp(ctx context.Context, ticket, by, action, note string) (Complaint, error) {
	note = strings.TrimSpace(note)
	if FollowupNames[action] == "" {
		return Complaint{}, errorf(Invalid, "bad_action", "处理方式应为回访或整改")
	}
	if note == "" || len([]rune(note)) > 500 {
		return Complaint{}, errorf(Invalid, "bad_note", "请写明处理情况（500 字以内）")
	}
	return exec(ctx, e, func(s *State, emit func(Event)) (Complaint, error) {
		c := s.Complaints[ticket]
		if c == nil {
			return Complaint{}, errorf(NotFound, "unknown_complaint", "没有这条差评")
		}
		if c.Closed {
			return Complaint{}, errorf(Conflict, "already_followed_up", "这条差评已处理")
		}
		emit(Event{Type: EvFollowedUp, Ticket: ticket, Reason: action, Note: note, Staff: by})
		return *s.Complaints[ticket], nil
	})
}

// RateTicket records a rating from the rating tablet at a window: it rates
// the ticket the tablet showed, which must still be the one last finished
// there and not yet rated (one rating per ticket). A low rating needs a
// reason from RatingReasons.
func (e *Engine) RateTicket(ctx context.Context, window, ticket string, score int, reason string) (Ticket, error) {
	if score < 1 || score > 5 {
		return Ticket{}, errorf(Invalid, "bad_score", "评价应为 1 到 5")
	}
	if score <= LowScore && !slices.Contains(RatingReasons(), reason) {
		return Ticket{}, errorf(Invalid, "reason_needed", "请选择不满意的原因")
	}
	if score > LowScore {
		reason = ""
	}
	return exec(ctx, e, func(s *State, emit func(Event)) (Ticket, error) {
		w := s.Windows[window]
		if w == nil {
			return Ticket{}, errorf(NotFound, "unknown_window", "没有这个窗口")
		}
		t := s.Tickets[ticket]
		switch {
		case t == nil || w.LastDone != ticket:
			return Ticket{}, errorf(Conflict, "nothing_to_rate", "没有待评价的办件")
		case t.Score() != 0:
			return Ticket{}, errorf(Conflict, "already_rated", "这张号票已评价")
		}
		emit(Event{Type: EvRated, Ticket: t.ID, Window: window, Score: score, Reason: reason})
		return *s.Tickets[t.ID], nil
	})
}

// ActorName names who acted in the hall: a clerk by name, the manager's
// password session ("admin") as 管理员.
func (h *Hall) ActorName(id string) string {
	if id == "admin" {
		return "管理员"
	}
	if st, ok := h.StaffMember(id); ok {
		return st.Name
	}
	return id
}

package queue

import (
	"slices"
	"strings"
	"time"
)

// CaseTiming is where a case stands against its time limit on a day.
type CaseTiming struct {
	// Due is the date it is due by: while it is suspended, the due date
	// moves on by each working day of the suspension so far.
	Due      string `json:"due"`
	DaysLeft int    `json:"days_left"` // working days after today up to Due; 0 on the day
	Overdue  bool   `json:"overdue"`   // not done and Due has passed (超期)
	NearDue  bool   `json:"near_due"`  // not done and due today or the next working day
	Late     bool   `json:"late"`      // done after its due date
	// Alarm is raised by a case overdue or done late, and only closing
	// the case (结案) clears it: being done late does not.
	Alarm bool `json:"alarm"`
}

// Timing tells where a case stands at now.
func (s *State) Timing(c *Case, now time.Time) CaseTiming {
	cal := s.hall.Calendar()
	today := s.localDate(now)
	due := s.effectiveDue(c, cal, today)
	t := CaseTiming{Due: due.Format(time.DateOnly)}
	if c.Done() {
		t.Late = s.localDate(c.DoneAt).After(due)
		t.Alarm = t.Late && c.State != CaseClosed
		return t
	}
	t.Overdue = today.After(due)
	t.Alarm = t.Overdue
	if !t.Overdue {
		t.DaysLeft = cal.WorkingDaysBetween(today, due)
		t.NearDue = t.DaysLeft <= 1
	}
	return t
}

// effectiveDue is the due date, moved on by a suspension still running.
func (s *State) effectiveDue(c *Case, cal Calendar, today time.Time) time.Time {
	due, err := ParseDate(c.Due)
	if err != nil {
		return today
	}
	if c.Suspended && !c.SuspendedAt.IsZero() {
		due = cal.AddWorkingDays(due, cal.WorkingDaysBetween(s.localDate(c.SuspendedAt), today))
	}
	return due
}

// CaseFilter selects cases for a list. State is a case state, or "open"
// (not closed), "overdue" (raising the alarm: overdue, or done late and
// not closed) or "near_due"; From and To bound the local date
// the case was accepted (inclusive; zero: unbounded). Responsible keeps
// one clerk's cases.
type CaseFilter struct {
	State       string
	From, To    time.Time
	Responsible string
}

// ListCases returns the cases matching f, the most urgent first: overdue,
// then by due date, then by number.
func (s *State) ListCases(f CaseFilter, now time.Time) []*Case {
	var out []*Case
	timing := map[*Case]CaseTiming{}
	for _, c := range s.Cases {
		if f.Responsible != "" && c.Responsible != f.Responsible {
			continue
		}
		opened := s.localDate(c.OpenedAt)
		if (!f.From.IsZero() && opened.Before(civil(f.From))) || (!f.To.IsZero() && opened.After(civil(f.To))) {
			continue
		}
		keep := true
		switch f.State {
		case "", "overdue", "near_due":
		case "open":
			keep = c.State != CaseClosed
		default:
			keep = c.State == f.State
		}
		if !keep {
			continue
		}
		// The clock walks the calendar: only for the cases kept so far.
		t := s.Timing(c, now)
		if (f.State == "overdue" && !t.Alarm) || (f.State == "near_due" && !t.NearDue) {
			continue
		}
		out = append(out, c)
		timing[c] = t
	}
	slices.SortFunc(out, func(a, b *Case) int {
		ta, tb := timing[a], timing[b]
		if ta.Alarm != tb.Alarm {
			if ta.Alarm {
				return -1
			}
			return 1
		}
		if c := strings.Compare(ta.Due, tb.Due); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

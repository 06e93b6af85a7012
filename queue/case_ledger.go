package queue

import (
	"slices"
	"strings"
	"time"
)

// CaseLedger is the 承诺件 part of the ledger of a range of days.
type CaseLedger struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Due counts the cases due in the range, among them those still open
	// only once their due date has passed (a case due tomorrow is not yet
	// a promise kept or broken). OnTime counts those done by their due
	// date; Rate is OnTime / Due (按时办结率, 0..1 to three places), 0
	// when none is due.
	Due    int     `json:"due"`
	OnTime int     `json:"on_time"`
	Rate   float64 `json:"rate"`
	// Done counts the cases done (办结) in the range; AvgDays is their mean
	// working days from acceptance to done, suspensions not counted.
	Done    int     `json:"done"`
	AvgDays float64 `json:"avg_days"`
	// SuspendedDays adds up the working days the cases due in the range
	// spent suspended (补正材料); Suspensions counts how often.
	SuspendedDays int `json:"suspended_days"`
	Suspensions   int `json:"suspensions"`
	// Open and Overdue count the cases not done at the end of the range
	// (or now, if sooner), and those of them past due.
	Open    int `json:"open"`
	Overdue int `json:"overdue"`
	// ByService and ByClerk split the same figures.
	ByService []CaseGroup `json:"by_service"`
	ByClerk   []CaseGroup `json:"by_clerk"`
}

// CaseGroup is the figures of one service or one responsible clerk.
type CaseGroup struct {
	ID      string  `json:"id"`
	Name    string  `json:"name"`
	Due     int     `json:"due"`
	OnTime  int     `json:"on_time"`
	Rate    float64 `json:"rate"`
	Open    int     `json:"open"`
	Overdue int     `json:"overdue"`
}

// CaseReport computes the 承诺件 figures of the local days from to to
// (inclusive), as of now.
func (s *State) CaseReport(from, to, now time.Time) CaseLedger {
	cal := s.hall.Calendar()
	from, to = civil(from), civil(to)
	today := s.localDate(now)
	asOf := today // the day the open and overdue figures describe
	if to.Before(today) {
		asOf = to
	}
	l := CaseLedger{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly)}
	services, clerks := map[string]*CaseGroup{}, map[string]*CaseGroup{}
	group := func(m map[string]*CaseGroup, id string) *CaseGroup {
		g := m[id]
		if g == nil {
			g = &CaseGroup{ID: id}
			m[id] = g
		}
		return g
	}
	var doneDays int
	for _, c := range s.Cases {
		due, err := ParseDate(c.Due)
		if err != nil {
			continue
		}
		opened := s.localDate(c.OpenedAt)
		var done time.Time
		if c.Done() {
			done = s.localDate(c.DoneAt)
		}
		sv, cl := group(services, c.Service), group(clerks, c.Responsible)
		if !due.Before(from) && !due.After(to) && (c.Done() || due.Before(today)) {
			onTime := c.Done() && !done.After(due)
			for _, g := range []*CaseGroup{sv, cl} {
				g.Due++
				if onTime {
					g.OnTime++
				}
			}
			l.Due++
			if onTime {
				l.OnTime++
			}
			l.SuspendedDays += c.SuspendedDays
			for _, st := range c.Steps {
				if st.Action == EvCaseSuspended {
					l.Suspensions++
				}
			}
		}
		if c.Done() && !done.Before(from) && !done.After(to) {
			l.Done++
			doneDays += max(0, cal.WorkingDaysBetween(opened, done)-c.SuspendedDays)
		}
		if !opened.After(asOf) && (!c.Done() || done.After(asOf)) {
			l.Open++
			sv.Open++
			cl.Open++
			if asOf.After(s.effectiveDue(c, cal, asOf)) {
				l.Overdue++
				sv.Overdue++
				cl.Overdue++
			}
		}
	}
	l.Rate = ratio(l.OnTime, l.Due)
	if l.Done > 0 {
		l.AvgDays = round1(float64(doneDays) / float64(l.Done))
	}
	l.ByService = s.caseGroups(services, func(id string) string {
		if sv, ok := s.hall.Service(id); ok {
			return sv.Name
		}
		return id
	})
	l.ByClerk = s.caseGroups(clerks, func(id string) string {
		if st, ok := s.hall.StaffMember(id); ok {
			return st.Name
		}
		return id
	})
	return l
}

// caseGroups lists the groups that have anything to show, by id.
func (s *State) caseGroups(m map[string]*CaseGroup, name func(string) string) []CaseGroup {
	out := []CaseGroup{}
	for _, g := range m {
		if g.Due == 0 && g.Open == 0 {
			continue
		}
		g.Name = name(g.ID)
		g.Rate = ratio(g.OnTime, g.Due)
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b CaseGroup) int { return strings.Compare(a.ID, b.ID) })
	return out
}

package queue

import (
	"maps"
	"slices"
	"strconv"
	"time"
)

// Report is the ledger (台账) of a range of days: its total (the
// top-level figures), a row per day, and the same figures per category,
// window, clerk and hour of the day. It is a pure function of the days'
// summaries and the hall.
type Report struct {
	Hall              string  `json:"hall"`
	From              string  `json:"from"`
	To                string  `json:"to"`
	Day               string  `json:"day,omitempty"` // set when the range is one day
	TargetWaitMinutes float64 `json:"target_wait_minutes"`
	// Generated is when the report was made (the clock of its overdue marks).
	Generated time.Time `json:"generated,omitzero"`
	Figures             // the range's total (合计)

	Days       []DayRow    `json:"days"`
	Categories []Line      `json:"categories"`
	Windows    []Line      `json:"windows"`
	Clerks     []ClerkLine `json:"clerks"`
	Hours      []HourLine  `json:"hours"`
	// WaitBands is the wait distribution of the range's called tickets.
	WaitBands []Band `json:"wait_bands"`
	// LowRatings are the range's ratings of 不满意 or worse (差评).
	LowRatings []LowRating `json:"low_ratings"`
	// Cases are the 承诺件 figures of the range (case_ledger.go); nil in
	// a report built from day summaries alone.
	Cases *CaseLedger `json:"cases,omitempty"`
}

// DayRow is one day of the ledger.
type DayRow struct {
	Day string `json:"day"`
	Figures
}

// Line is the ledger of one category or window.
type Line struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Figures
}

// ClerkLine is one clerk's ledger and time at the windows.
type ClerkLine struct {
	Line
	SignedInHours  float64     `json:"signed_in_hours"`
	PausedHours    float64     `json:"paused_hours"`
	Pauses         []PauseLine `json:"pauses"`
	TicketsPerHour float64     `json:"tickets_per_hour"` // finished per signed-in hour
}

// PauseLine is a clerk's pauses for one reason.
type PauseLine struct {
	Reason  string  `json:"reason"`
	Count   int     `json:"count"`
	Minutes float64 `json:"minutes"`
}

// HourLine is the ledger of the tickets issued in one hour of the day.
type HourLine struct {
	Hour int `json:"hour"`
	Figures
}

// Band is one band of the wait distribution, [From, To) minutes (To 0: open).
type Band struct {
	Label string  `json:"label"`
	From  float64 `json:"from"`
	To    float64 `json:"to,omitempty"`
	Count int     `json:"count"`
}

var waitEdges = []float64{5, 10, 15, 20, 30, 45, 60}

// BuildReport adds up the summaries of the days from … to.
func BuildReport(h *Hall, from, to string, days []DaySummary) Report {
	target := h.TargetWait()
	r := Report{
		Hall: h.Name, From: from, To: to, TargetWaitMinutes: round1(target.Minutes()),
		Days: []DayRow{}, LowRatings: []LowRating{},
	}
	if from == to {
		r.Day = from
	}
	var (
		total  Tally
		cats   = map[string]*Tally{}
		wins   = map[string]*Tally{}
		clerks = map[string]*ClerkTally{}
		hours  = map[int]*Tally{}
	)
	addTo := func(m map[string]*Tally, src map[string]*Tally) {
		for id, t := range src {
			if m[id] == nil {
				m[id] = &Tally{}
			}
			m[id].Add(t)
		}
	}
	for i := range days {
		d := &days[i]
		r.Days = append(r.Days, DayRow{Day: d.Day, Figures: d.Total.Figures(target)})
		total.Add(&d.Total)
		addTo(cats, d.Categories)
		addTo(wins, d.Windows)
		for id, c := range d.Clerks {
			acc := clerks[id]
			if acc == nil {
				acc = &ClerkTally{Pauses: map[string]*PauseTally{}}
				clerks[id] = acc
			}
			acc.Tally.Add(&c.Tally)
			acc.SignedInSecs += c.SignedInSecs
			acc.PausedSecs += c.PausedSecs
			for reason, p := range c.Pauses {
				if acc.Pauses[reason] == nil {
					acc.Pauses[reason] = &PauseTally{}
				}
				acc.Pauses[reason].Count += p.Count
				acc.Pauses[reason].Secs += p.Secs
			}
		}
		for hr, t := range d.Hours {
			if hours[hr] == nil {
				hours[hr] = &Tally{}
			}
			hours[hr].Add(t)
		}
		r.LowRatings = append(r.LowRatings, d.Low...)
	}
	r.Figures = total.Figures(target)

	var catOrder, winOrder, staffOrder []idName
	for _, c := range h.Categories {
		catOrder = append(catOrder, idName{c.ID, c.Name})
	}
	for _, w := range h.Windows {
		winOrder = append(winOrder, idName{w.ID, w.Name})
	}
	for _, s := range h.Staff {
		staffOrder = append(staffOrder, idName{s.ID, s.Name})
	}
	r.Categories = lines(catOrder, cats, target)
	r.Windows = lines(winOrder, wins, target)
	r.Clerks = []ClerkLine{}
	for _, in := range ordered(staffOrder, clerks) {
		c := clerks[in.id]
		if c == nil {
			continue // a clerk who neither worked nor served in the range
		}
		cl := ClerkLine{
			Line:          Line{ID: in.id, Name: in.name, Figures: c.Tally.Figures(target)},
			SignedInHours: round1(c.SignedInSecs / 3600),
			PausedHours:   round1(c.PausedSecs / 3600),
			Pauses:        []PauseLine{},
		}
		if c.SignedInSecs > 0 {
			cl.TicketsPerHour = round1(float64(c.Finished) / (c.SignedInSecs / 3600))
		}
		for _, reason := range slices.Sorted(maps.Keys(c.Pauses)) {
			p := c.Pauses[reason]
			cl.Pauses = append(cl.Pauses, PauseLine{Reason: reason, Count: p.Count, Minutes: round1(p.Secs / 60)})
		}
		r.Clerks = append(r.Clerks, cl)
	}
	r.Hours = []HourLine{}
	for _, hr := range slices.Sorted(maps.Keys(hours)) {
		r.Hours = append(r.Hours, HourLine{Hour: hr, Figures: hours[hr].Figures(target)})
	}
	counts := total.Waits.Buckets(waitEdges)
	for i, n := range counts {
		b := Band{Count: n}
		if i > 0 {
			b.From = waitEdges[i-1]
		}
		if i < len(waitEdges) {
			b.To = waitEdges[i]
			b.Label = fmtMinutes(b.From) + "–" + fmtMinutes(b.To) + "分钟"
		} else {
			b.Label = fmtMinutes(b.From) + "分钟以上"
		}
		r.WaitBands = append(r.WaitBands, b)
	}
	slices.SortFunc(r.LowRatings, func(a, b LowRating) int { return a.At.Compare(b.At) })
	for i := range r.LowRatings {
		lr := &r.LowRatings[i]
		lr.At = lr.At.In(h.Location())
		lr.WindowName, lr.StaffName = lr.Window, lr.Staff
		if w, ok := h.Window(lr.Window); ok {
			lr.WindowName = w.Name
		}
		if s, ok := h.StaffMember(lr.Staff); ok {
			lr.StaffName = s.Name
		}
	}
	return r
}

type idName struct{ id, name string }

// ordered lists the hall's items in its order, then ids the hall no longer
// has (a window removed since) in id order, named by their id.
func ordered[T any](known []idName, m map[string]T) []idName {
	out := slices.Clone(known)
	var gone []string
	for id := range m {
		if !slices.ContainsFunc(known, func(k idName) bool { return k.id == id }) {
			gone = append(gone, id)
		}
	}
	slices.Sort(gone)
	for _, id := range gone {
		out = append(out, idName{id, id})
	}
	return out
}

// lines gives the figures of each item, zero for those without tickets.
func lines(known []idName, m map[string]*Tally, target time.Duration) []Line {
	out := []Line{}
	for _, in := range ordered(known, m) {
		t := m[in.id]
		if t == nil {
			t = &Tally{}
		}
		out = append(out, Line{ID: in.id, Name: in.name, Figures: t.Figures(target)})
	}
	return out
}

func fmtMinutes(m float64) string { return strconv.FormatFloat(m, 'f', -1, 64) }

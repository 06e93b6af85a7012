package queue

import (
	"time"
)

// summaryVersion changes whenever DaySummary's meaning changes; a stored
// summary of another version is rebuilt from the log.
const summaryVersion = 1

// DaySummary is everything the ledger needs of one day, in additive form.
// A closed day's summary is stored (SummaryStore) so that a month or a year
// of ledger never replays the log; it can always be rebuilt from the log.
type DaySummary struct {
	Version    int                    `json:"v"`
	Day        string                 `json:"day"`
	Total      Tally                  `json:"total"`
	Categories map[string]*Tally      `json:"categories,omitempty"` // by the category the ticket was issued to
	Windows    map[string]*Tally      `json:"windows,omitempty"`    // by the window that called it last
	Clerks     map[string]*ClerkTally `json:"clerks,omitempty"`     // by the clerk who called it last
	Hours      map[int]*Tally         `json:"hours,omitempty"`      // by the local hour it was issued
	Low        []LowRating            `json:"low,omitempty"`        // ratings of 不满意 or worse
}

// ClerkTally adds a clerk's time at the windows to their tickets' tally.
type ClerkTally struct {
	Tally
	SignedInSecs float64                `json:"signed_in_secs,omitempty"`
	PausedSecs   float64                `json:"paused_secs,omitempty"`
	Pauses       map[string]*PauseTally `json:"pauses,omitempty"` // by reason
}

// PauseTally counts a clerk's pauses for one reason.
type PauseTally struct {
	Count int     `json:"count"`
	Secs  float64 `json:"secs"`
}

// LowRating is a rating of 不满意 (2) or 非常不满意 (1): a case the manager
// must follow up.
type LowRating struct {
	Ticket string    `json:"ticket"`
	Number string    `json:"number"`
	Window string    `json:"window"`
	Staff  string    `json:"staff"`
	Score  int       `json:"score"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
	// Names and the follow-up as it stands, filled in by a report (not
	// stored).
	WindowName string     `json:"window_name,omitempty"`
	StaffName  string     `json:"staff_name,omitempty"`
	Followup   *Complaint `json:"followup,omitempty"`
	FollowupBy string     `json:"followup_by,omitempty"` // the name of who followed it up
}

// ScoreNames are the five levels of 好差评, by score.
var ScoreNames = map[int]string{1: "非常不满意", 2: "不满意", 3: "基本满意", 4: "满意", 5: "非常满意"}

// LowScore is the highest score that opens a follow-up case.
const LowScore = 2

// dayBuilder folds one day's events into its summary. It applies them to
// a State of its own (the same rules as the engine) and watches window
// occupancy and pauses to time each clerk.
type dayBuilder struct {
	st       *State
	last     time.Time
	sessions map[string]interval // window → the clerk working it since
	pauses   map[string]interval // window → the pause running since
	clerks   map[string]*ClerkTally
	low      []LowRating
	missed   int   // appointments not checked in (爽约)
	requests Tally // village stations' requests: Requests and Refused
}

type interval struct {
	staff  string
	reason string
	since  time.Time
}

func newDayBuilder(h *Hall) *dayBuilder {
	return &dayBuilder{
		st:       NewState(h),
		sessions: map[string]interval{},
		pauses:   map[string]interval{},
		clerks:   map[string]*ClerkTally{},
	}
}

func (b *dayBuilder) clerk(id string) *ClerkTally {
	c := b.clerks[id]
	if c == nil {
		c = &ClerkTally{}
		b.clerks[id] = c
	}
	return c
}

func (b *dayBuilder) apply(ev Event) {
	b.st.Apply(ev)
	b.last = ev.At
	switch ev.Type {
	case EvOpened, EvClosed, EvStaff, EvPaused, EvResumed, EvDay:
		b.watch(ev.At)
	case EvMissed:
		b.missed++
	case EvRequest:
		if ev.Request != nil && ev.Request.Accepted() {
			b.requests.Requests++
		} else if ev.Request != nil {
			b.requests.Refused++
		}
	case EvRated:
		if t := b.st.Tickets[ev.Ticket]; t != nil && ev.Score >= 1 && ev.Score <= LowScore {
			b.low = append(b.low, LowRating{
				Ticket: t.ID, Number: t.Number, Window: t.Window(), Staff: t.Staff(),
				Score: ev.Score, Reason: ev.Reason, At: ev.At,
			})
		}
	}
}

// watch closes and opens sign-in and pause intervals to match the state.
func (b *dayBuilder) watch(at time.Time) {
	for id, w := range b.st.Windows {
		s := b.sessions[id]
		if s.staff != w.Occupant {
			b.endSession(id, at)
			if w.Occupant != "" {
				b.sessions[id] = interval{staff: w.Occupant, since: at}
			}
		}
		p, pausing := b.pauses[id]
		if pausing && (!w.Paused || p.reason != w.Reason || p.staff != w.Occupant) {
			b.endPause(id, at)
			pausing = false
		}
		if !pausing && w.Paused && w.Occupant != "" {
			b.pauses[id] = interval{staff: w.Occupant, reason: w.Reason, since: at}
			c := b.clerk(w.Occupant)
			if c.Pauses == nil {
				c.Pauses = map[string]*PauseTally{}
			}
			if c.Pauses[w.Reason] == nil {
				c.Pauses[w.Reason] = &PauseTally{}
			}
			c.Pauses[w.Reason].Count++
		}
	}
}

func (b *dayBuilder) endSession(window string, at time.Time) {
	if s, ok := b.sessions[window]; ok {
		b.clerk(s.staff).SignedInSecs += wholeSecs(at.Sub(s.since))
		delete(b.sessions, window)
	}
}

func (b *dayBuilder) endPause(window string, at time.Time) {
	if p, ok := b.pauses[window]; ok {
		secs := wholeSecs(at.Sub(p.since))
		c := b.clerk(p.staff)
		c.PausedSecs += secs
		c.Pauses[p.reason].Secs += secs
		delete(b.pauses, window)
	}
}

// summary is the day as of end: intervals still running are counted up
// to end. It leaves the builder as it was, so a running day can be
// summarised again later.
func (b *dayBuilder) summary(day string, end time.Time) DaySummary {
	sum := DaySummary{
		Version: summaryVersion, Day: day,
		Categories: map[string]*Tally{}, Windows: map[string]*Tally{},
		Clerks: map[string]*ClerkTally{}, Hours: map[int]*Tally{},
		Low: b.low,
	}
	sum.Total.Missed = b.missed
	sum.Total.Requests, sum.Total.Refused = b.requests.Requests, b.requests.Refused
	for id, c := range b.clerks {
		cp := *c
		cp.Pauses = map[string]*PauseTally{}
		for r, p := range c.Pauses {
			pp := *p
			cp.Pauses[r] = &pp
		}
		sum.Clerks[id] = &cp
	}
	clerk := func(id string) *ClerkTally {
		c := sum.Clerks[id]
		if c == nil {
			c = &ClerkTally{}
			sum.Clerks[id] = c
		}
		return c
	}
	for _, s := range b.sessions {
		if end.After(s.since) {
			clerk(s.staff).SignedInSecs += wholeSecs(end.Sub(s.since))
		}
	}
	for _, p := range b.pauses {
		if end.After(p.since) {
			c := clerk(p.staff)
			c.PausedSecs += wholeSecs(end.Sub(p.since))
			if c.Pauses == nil {
				c.Pauses = map[string]*PauseTally{}
			}
			if c.Pauses[p.reason] == nil {
				c.Pauses[p.reason] = &PauseTally{Count: 1}
			}
			c.Pauses[p.reason].Secs += wholeSecs(end.Sub(p.since))
		}
	}
	tally := func(m map[string]*Tally, id string) *Tally {
		t := m[id]
		if t == nil {
			t = &Tally{}
			m[id] = t
		}
		return t
	}
	loc := b.st.hall.Location()
	for _, t := range b.st.Tickets {
		sum.Total.count(t)
		first := t.Category
		if len(t.Transfers()) > 0 {
			first = t.Transfers()[0]
		}
		tally(sum.Categories, first).count(t)
		if t.Window() != "" {
			tally(sum.Windows, t.Window()).count(t)
		}
		if t.Staff() != "" {
			clerk(t.Staff()).count(t)
		}
		h := t.IssuedAt().In(loc).Hour()
		if sum.Hours[h] == nil {
			sum.Hours[h] = &Tally{}
		}
		sum.Hours[h].count(t)
	}
	return sum
}

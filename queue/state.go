package queue

import (
	"slices"
	"sync"
	"time"
)

// State is the hall at one point of its log. It changes only through Apply,
// so the engine, the push hub and a ledger of a past day all share the same
// rules. State is not safe for concurrent use; its owner locks.
type State struct {
	hall *Hall

	Seq  uint64    `json:"seq"`  // last applied event
	Last time.Time `json:"last"` // its time
	Day  string    `json:"day"`  // local date, "2006-01-02"

	Tickets  map[string]*Ticket      `json:"tickets"`  // today's, by ID
	Counters map[string]int          `json:"counters"` // last number per prefix today
	Windows  map[string]*WindowState `json:"windows"`
	Staff    map[string]*StaffState  `json:"staff"`
	// ServiceSecs is the recent average service time per category
	// (exponentially weighted), used to estimate waits.
	ServiceSecs map[string]float64 `json:"service_secs"`
	Recent      []Call             `json:"recent"`
	// Days records where each day starts in the log, for ledgers of past days.
	Days []DayMark `json:"days"`
	// HallConfig is the configuration the log has set (see hall_config.go).
	HallConfig
	// Today holds the manager's overrides of today (issuing.go).
	Today Overrides `json:"today,omitzero"`
	// Cases are the promised jobs (承诺件), by ID; unlike tickets they
	// outlive the day (cases.go).
	Cases map[string]*Case `json:"cases"`
	// Complaints are the low ratings and their follow-up, by ticket ID
	// (complaints.go); they too outlive the day.
	Complaints map[string]*Complaint `json:"complaints,omitempty"`
	// Appointments are the bookings of today and the days ahead, by code
	// (appointments.go).
	Appointments map[string]*Appointment `json:"appointments,omitempty"`
	// Requests are the village stations' requests taken in the last
	// requestKeepDays, by id, so that a redelivery is known and the county
	// sees each outcome (requests.go).
	Requests map[string]*TakenRequest `json:"requests,omitempty"`

	queues map[string]*waitLines // waiting tickets per category
	// issued counts today's tickets per service and per category they
	// were issued to, for the daily caps: counted as they come, not by
	// going over every ticket on each issue.
	issuedService, issuedCategory map[string]int
	// direct holds the tickets transferred to one window, by window.
	direct map[string]*waitLines
	// byToken finds a ticket by its token, for the ticket pages; nil in
	// a state that keeps no such index (noTokens, forgetTokens).
	byToken  *tokenIndex
	noTokens bool
	// casesByToken finds a case by its ticket's token on later days.
	casesByToken map[string]*Case
	// tag marks the tickets this state owns (share.go).
	tag *stateTag
}

// WindowState is a window's live state.
type WindowState struct {
	ID       string `json:"id"`
	Occupant string `json:"occupant,omitempty"` // staff working it now
	Current  string `json:"current,omitempty"`  // ticket ID called or served
	Paused   bool   `json:"paused,omitempty"`
	Reason   string `json:"reason,omitempty"`
	// LastDone is the ticket finished last, the one a rating pad rates.
	LastDone string `json:"last_done,omitempty"`
	// Streak counts ordinary calls since the last priority call, for the
	// interleave policy.
	Streak int `json:"streak,omitempty"`
	// InRow counts appointments called since the last walk-in.
	InRow int `json:"in_row,omitempty"`
}

// StaffState is a clerk's whereabouts.
type StaffState struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Note   string `json:"note,omitempty"`
	Until  string `json:"until,omitempty"`
	Window string `json:"window,omitempty"` // the window they work now
}

// Call is one entry of the lobby's recent calls.
type Call struct {
	Number string    `json:"number"`
	Window string    `json:"window"`
	Recall bool      `json:"recall,omitempty"`
	At     time.Time `json:"at"`
	// Appointment marks a 预约 ticket's call, which the lobby says so.
	Appointment bool `json:"appointment,omitempty"`
}

// DayMark is the first log sequence of a local day.
type DayMark struct {
	Day string `json:"day"`
	Seq uint64 `json:"seq"`
	// Hall is the log sequence of the configuration in force when the day
	// began (0: the one the hall started with, before any was logged).
	Hall uint64 `json:"hall,omitempty"`
}

const recentCalls = 12

// NewState returns the empty state of a hall.
func NewState(h *Hall) *State {
	s := &State{
		Tickets:     map[string]*Ticket{},
		Counters:    map[string]int{},
		Windows:     map[string]*WindowState{},
		Staff:       map[string]*StaffState{},
		ServiceSecs: map[string]float64{},
		Cases:       map[string]*Case{},
	}
	s.attach(h)
	return s
}

// attach binds the state to a hall (possibly edited since the state was
// saved) and rebuilds the indexes that are not persisted.
func (s *State) attach(h *Hall) {
	s.hall = h
	if s.tag == nil {
		s.tag = new(stateTag)
	}
	for _, w := range h.Windows {
		if s.Windows[w.ID] == nil {
			s.Windows[w.ID] = &WindowState{ID: w.ID}
		}
	}
	for _, st := range h.Staff {
		if s.Staff[st.ID] == nil {
			s.Staff[st.ID] = &StaffState{ID: st.ID, Status: StaffOff}
		}
	}
	for _, c := range h.Categories {
		if s.ServiceSecs[c.ID] == 0 {
			m := c.ServiceMinutes
			if m == 0 {
				m = 5
			}
			s.ServiceSecs[c.ID] = m * 60
		}
	}
	s.queues = map[string]*waitLines{}
	s.direct = map[string]*waitLines{}
	s.byToken = nil
	if !s.noTokens {
		s.byToken = newTokenIndex(len(s.Tickets))
	}
	s.issuedService, s.issuedCategory = map[string]int{}, map[string]int{}
	var tokens sync.WaitGroup
	indexTokens := func() {
		for _, t := range s.Tickets {
			s.byToken.put(t)
		}
	}
	switch {
	case s.byToken == nil:
	case len(s.Tickets) < 10_000:
		indexTokens()
	default:
		// A busy day's start: the largest index is built on the other
		// core meanwhile (both only read the tickets).
		tokens.Go(indexTokens)
	}
	defer tokens.Wait()
	for _, t := range s.Tickets {
		s.countIssued(t)
		if t.Waiting() {
			l := s.linesOf(t).of(t)
			l.t = append(l.t, t) // in map order; sorted below, once
		}
	}
	for _, q := range s.queues {
		q.sort()
	}
	for _, q := range s.direct {
		q.sort()
	}
	s.indexCases()
}

// Hall returns the hall the state belongs to.
func (s *State) Hall() *Hall { return s.hall }

// Apply moves the state forward by one event. Events come from the log and
// were validated when they were made, so Apply never fails; it ignores what
// no longer exists (a window removed from the hall file since).
func (s *State) Apply(e Event) {
	s.Seq, s.Last = e.Seq, e.At
	t := s.Tickets[e.Ticket]
	if t != nil {
		// Every change to a ticket is to the one it names, on the
		// state's own copy.
		t = s.own(t)
	}
	w := s.Windows[e.Window]
	switch e.Type {
	case EvDay:
		s.newDay(e)
	case EvIssued:
		t := &Ticket{
			ID: e.Ticket, Number: e.Number, Category: e.Category, Service: e.Service,
			Priority: e.Priority, issued: unixNano(e.At), owner: s.tag, seq: e.Seq,
		}
		t.setStatus(StatusWaiting)
		if odd := t.kindOf(e.Kind); odd != "" {
			t.change().kind = odd
		}
		t.setQueuedAt(e.At)
		t.setToken(e.Token)
		if e.Reason == ReasonCarried {
			// 延续号: before every ticket of the new day.
			t.Carried, t.queued = true, 0
		}
		if n := len(t.ID) - len(t.Number); n > 0 && t.ID[n:] == t.Number {
			// One string for both: the number ends the ID.
			t.Number = t.ID[n:]
		}
		s.Tickets[t.ID] = t
		if s.byToken != nil {
			s.byToken.put(t)
		}
		s.countIssued(t)
		s.Counters[prefixOf(t.Number)] = max(s.Counters[prefixOf(t.Number)], numberOf(t.Number))
		s.linkPickup(t, e)
		if e.Appt != nil {
			s.checkedIn(t, e)
		}
		s.enqueue(t)
	case EvPrinted:
		if t != nil {
			t.Printed = e.Printed
		}
	case EvOpened:
		if w != nil {
			s.leave(e.Staff)
			if prev := s.Staff[w.Occupant]; prev != nil {
				prev.Window = ""
			}
			w.Occupant = e.Staff
			if st := s.Staff[e.Staff]; st != nil {
				st.Window = w.ID
				st.Status, st.Note, st.Until = StaffOnDuty, "", ""
			}
		}
	case EvClosed:
		if w != nil && w.Occupant == e.Staff {
			s.leave(e.Staff)
		}
	case EvCalled:
		if t == nil || w == nil {
			return
		}
		s.dequeue(t)
		m := t.change()
		m.To = ""
		if e.Recall {
			m.Recalls++
		} else if t.Status() == StatusHeld {
			// Back from 挂起: called once already, its wait ended then.
		} else {
			m.CalledAt = e.At
			if m.Received == "" {
				m.Received = e.Staff
			}
			switch {
			case m.Appointment != "":
				w.InRow++
			case t.Priority:
				w.Streak, w.InRow = 0, 0
			default:
				w.Streak++
				w.InRow = 0
			}
		}
		t.setStatus(StatusCalled)
		m.Window, m.Staff = w.ID, e.Staff
		w.Current = t.ID
		s.Recent = append([]Call{{Number: t.Number, Window: w.ID, Recall: e.Recall, At: e.At, Appointment: m.Appointment != ""}}, s.Recent...)
		if len(s.Recent) > recentCalls {
			s.Recent = s.Recent[:recentCalls]
		}
	case EvStarted:
		if t != nil {
			t.setStatus(StatusServing)
			t.change().StartedAt = e.At
		}
	case EvFinished:
		if t == nil {
			return
		}
		m := t.change()
		t.setStatus(StatusDone)
		m.Outcome, m.DoneAt = e.Outcome, e.At
		s.release(t)
		if w != nil {
			w.LastDone = t.ID
		}
		if secs := e.At.Sub(m.CalledAt).Seconds(); secs > 0 && secs < 4*3600 {
			// A short memory: a hall's pace changes within the morning.
			s.ServiceSecs[t.Category] = 0.8*s.ServiceSecs[t.Category] + 0.2*secs
		}
	case EvNoShow:
		if t != nil {
			t.setStatus(StatusNoShow)
			t.change().DoneAt = e.At
			s.release(t)
		}
	case EvTransferred:
		if t == nil {
			return
		}
		s.dequeue(t)
		s.release(t)
		m := t.change()
		m.appendTransfer(t.Category)
		t.setStatus(StatusTransferred)
		t.Category, m.Window, m.Staff = e.Category, "", ""
		m.To = e.To
		s.enqueue(t)
	case EvCancelled:
		if t != nil {
			s.dequeue(t)
			s.release(t)
			m := t.change()
			t.setStatus(StatusCancelled)
			m.Reason, m.DoneAt = e.Reason, e.At
		}
	case EvPaused:
		if w != nil {
			w.Paused, w.Reason = true, e.Reason
		}
	case EvResumed:
		if w != nil {
			w.Paused, w.Reason = false, ""
		}
	case EvStaff:
		st := s.Staff[e.Staff]
		if st == nil {
			return
		}
		st.Status, st.Note, st.Until = e.Status, e.Note, e.Until
		if e.Status != StaffOnDuty {
			s.leave(e.Staff)
		}
	case EvRated:
		if t != nil {
			m := t.change()
			m.Score, m.Reason = e.Score, e.Reason
		}
		s.noteRating(e, t)
	case EvFollowedUp:
		s.applyFollowup(e)
	case EvHall:
		s.applyHall(e)
	case EvOverride:
		s.applyOverride(e)
	case EvClosing:
		s.Today.Closing = e.Reason
	case EvCaseOpened, EvCaseForwarded, EvCaseSuspended, EvCaseResumed, EvCaseReady, EvCasePickedUp, EvCaseClosed:
		s.applyCase(e)
	case EvReturned:
		if t != nil {
			s.returnTicket(t)
		}
	case EvBooked, EvUnbooked, EvMissed:
		s.applyAppointment(e)
	case EvHeld:
		if t != nil {
			s.release(t)
			t.setStatus(StatusHeld)
			t.change().Holds++
		}
	case EvRequeued:
		if t != nil {
			s.requeue(t, e)
		}
	case EvRequest:
		s.applyRequest(e)
	}
}

// returnTicket puts a called or served ticket back in its line: the clerk
// left, so nobody waits for it at the window. Its call is withdrawn from
// the lobby's list, which must not send anyone to an empty window.
func (s *State) returnTicket(t *Ticket) {
	s.release(t)
	s.Recent = slices.DeleteFunc(s.Recent, func(c Call) bool {
		return c.Number == t.Number && c.Window == t.Window()
	})
	m := t.change()
	t.setStatus(StatusWaiting)
	m.Window, m.Staff = "", ""
	m.CalledAt, m.StartedAt = time.Time{}, time.Time{}
	m.Returns++
	s.enqueue(t)
}

// newDay closes what is left of the previous day and restarts numbering.
func (s *State) newDay(e Event) {
	s.Day = e.Day
	s.Days = append(s.Days, DayMark{Day: e.Day, Seq: e.Seq, Hall: s.HallSeq})
	clear(s.Tickets)
	clear(s.Counters)
	clear(s.queues)
	clear(s.direct)
	s.pruneAppointments(e.Day)
	s.byToken.clear()
	clear(s.issuedService)
	clear(s.issuedCategory)
	s.Recent = nil
	s.Today = Overrides{}
	s.pruneCases(e.Day)
	for _, w := range s.Windows {
		*w = WindowState{ID: w.ID}
	}
	for _, st := range s.Staff {
		// A new day: nobody has come in yet.
		*st = StaffState{ID: st.ID, Status: StaffOff}
	}
}

// leave takes a clerk off whatever window they work.
func (s *State) leave(staff string) {
	st := s.Staff[staff]
	if st == nil || st.Window == "" {
		return
	}
	if w := s.Windows[st.Window]; w != nil && w.Occupant == staff {
		w.Occupant = ""
	}
	st.Window = ""
}

// release frees the window a ticket was at.
func (s *State) release(t *Ticket) {
	if w := s.Windows[t.Window()]; w != nil && w.Current == t.ID {
		w.Current = ""
	}
}

func (s *State) enqueue(t *Ticket) {
	s.linesOf(t).of(t).insert(t)
}

func (s *State) dequeue(t *Ticket) {
	if q := s.linesOf(t); q != nil {
		q.of(t).remove(t)
	}
}

// countIssued counts a ticket of today for the daily caps, under the
// category it was issued to (its first, when it was transferred since).
func (s *State) countIssued(t *Ticket) {
	first := t.Category
	if tr := t.Transfers(); len(tr) > 0 {
		first = tr[0]
	}
	s.issuedService[t.Service]++
	s.issuedCategory[first]++
}

// linesOf returns the lines a waiting ticket is in: its category's, or
// the window's it was transferred to.
func (s *State) linesOf(t *Ticket) *waitLines {
	m, key := s.queues, t.Category
	if to := t.To(); to != "" {
		m, key = s.direct, to
	}
	q := m[key]
	if q == nil {
		q = &waitLines{}
		m[key] = q
	}
	return q
}

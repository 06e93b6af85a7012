package queue

import (
	"time"
)

// A case (承诺件) is a job the hall promised to finish within the service's
// time limit: it opens when a clerk finishes a ticket as 承诺件 and lives
// on after the ticket's day, found by the ticket's token, until it is
// closed. The clerk who first received the villager answers for it to the
// end (首问责任人), whoever served the ticket after a transfer.

// Case events. Ticket holds the case's ID (the ID of the ticket that
// opened it); Staff who acted.
const (
	EvCaseOpened    = "case_opened"    // accepted (受理): Case holds the intake and the due date
	EvCaseForwarded = "case_forwarded" // sent on to an office or the county (办理中), with a Note
	EvCaseSuspended = "case_suspended" // the clock stops, with a Reason (补正材料)
	EvCaseResumed   = "case_resumed"   // the clock runs again: Case.Due is the new due date
	EvCaseReady     = "case_ready"     // done, waiting for the villager (待取件)
	EvCasePickedUp  = "case_picked_up" // the villager took it (已取件)
	EvCaseClosed    = "case_closed"    // nothing more to do (结案), with an optional Reason
)

// Case states.
const (
	CaseAccepted   = "accepted"   // 受理
	CaseProcessing = "processing" // 办理中
	CaseReady      = "ready"      // 待取件
	CasePickedUp   = "picked_up"  // 已取件
	CaseClosed     = "closed"     // 已结案
)

// CaseStateNames gives the Chinese label of each case state.
var CaseStateNames = map[string]string{
	CaseAccepted:   "已受理",
	CaseProcessing: "办理中",
	CaseReady:      "待取件",
	CasePickedUp:   "已取件",
	CaseClosed:     "已结案",
}

// CaseFields are what case events carry beyond the flat event fields; an
// issued pick-up ticket carries For.
type CaseFields struct {
	Name      string   `json:"name,omitempty"`
	Phone     string   `json:"phone,omitempty"`
	Documents []string `json:"documents,omitempty"`
	Days      int      `json:"days,omitempty"` // the promise, in working days
	Due       string   `json:"due,omitempty"`  // local date
	// Suspended is the working days a resumed suspension lasted.
	Suspended int `json:"suspended,omitempty"`
	// For is the case a pick-up ticket is for.
	For string `json:"for,omitempty"`
	// Proxy marks a 代办 case a village station filed (requests.go).
	Proxy *CaseProxy `json:"proxy,omitempty"`
}

// Case is one promised job.
type Case struct {
	ID       string `json:"id"` // the opening ticket's ID, "20261121-B012"
	Number   string `json:"number"`
	Token    string `json:"token"`
	Service  string `json:"service"`
	Category string `json:"category"` // where it was accepted: pick-up tickets go there
	Window   string `json:"window,omitempty"`
	// Responsible is the 首问责任人: the clerk who first called the ticket.
	Responsible string   `json:"responsible"`
	Name        string   `json:"name,omitempty"`
	Phone       string   `json:"phone,omitempty"`
	Documents   []string `json:"documents,omitempty"`
	// Proxy is the village station and 代办员 that filed a 代办 case; it
	// has no ticket (requests.go).
	Proxy *CaseProxy `json:"proxy,omitempty"`

	State     string `json:"state"`
	Suspended bool   `json:"suspended,omitempty"`
	Reason    string `json:"reason,omitempty"` // why it is (or last was) suspended
	Note      string `json:"note,omitempty"`   // where it was forwarded

	Days int    `json:"days"`
	Due  string `json:"due"` // local date, moved on by each suspension
	// SuspendedDays are the working days of suspensions that ended.
	SuspendedDays int `json:"suspended_days,omitempty"`

	OpenedAt    time.Time `json:"opened_at"`
	SuspendedAt time.Time `json:"suspended_at,omitzero"`
	// DoneAt is when the job was done (办结): ready, or closed without
	// ever being ready.
	DoneAt     time.Time `json:"done_at,omitzero"`
	PickedUpAt time.Time `json:"picked_up_at,omitzero"`
	ClosedAt   time.Time `json:"closed_at,omitzero"`
	// Pickup is the last pick-up ticket issued for it.
	Pickup string     `json:"pickup,omitempty"`
	Steps  []CaseStep `json:"steps"`
}

// CaseStep is one line of a case's history.
type CaseStep struct {
	At     time.Time `json:"at"`
	Action string    `json:"action"` // the event type
	Staff  string    `json:"staff,omitempty"`
	Text   string    `json:"text,omitempty"`
}

// Done reports whether the job is done (办结): from 待取件 on.
func (c *Case) Done() bool { return !c.DoneAt.IsZero() }

// caseKeepDays is how long a closed case stays in the state (the log keeps
// it for ever): long enough for a year's ledger and for a villager who
// looks at an old ticket.
const caseKeepDays = 400

// applyCase moves a case by one case event, or links a pick-up ticket.
func (s *State) applyCase(e Event) {
	if e.Type == EvCaseOpened {
		if e.Case == nil {
			return
		}
		t := s.Tickets[e.Ticket]
		if e.Case.Proxy != nil {
			// A 代办 case comes without a ticket: the event says it all.
			t = &Ticket{ID: e.Ticket, Number: e.Number, Service: e.Service, Category: e.Category}
			t.setToken(e.Token)
		}
		if t == nil {
			return
		}
		c := &Case{
			ID: t.ID, Number: t.Number, Token: t.Token(), Service: t.Service, Category: t.Category,
			Window: e.Window, Responsible: e.Staff,
			Name: e.Case.Name, Phone: e.Case.Phone, Documents: e.Case.Documents, Proxy: e.Case.Proxy,
			State: CaseAccepted, Days: e.Case.Days, Due: e.Case.Due, OpenedAt: e.At,
		}
		s.Cases[c.ID] = c
		s.casesByToken[c.Token] = c
		c.step(e, e.Note)
		return
	}
	c := s.Cases[e.Ticket]
	if c == nil {
		return
	}
	text := e.Reason
	switch e.Type {
	case EvCaseForwarded:
		c.State, c.Note, text = CaseProcessing, e.Note, e.Note
	case EvCaseSuspended:
		c.Suspended, c.Reason, c.SuspendedAt = true, e.Reason, e.At
	case EvCaseResumed:
		c.Suspended, c.SuspendedAt = false, time.Time{}
		if e.Case != nil {
			c.Due = e.Case.Due
			c.SuspendedDays += e.Case.Suspended
		}
	case EvCaseReady:
		c.State, c.Suspended, c.SuspendedAt = CaseReady, false, time.Time{}
		if c.DoneAt.IsZero() {
			c.DoneAt = e.At
		}
	case EvCasePickedUp:
		c.State, c.PickedUpAt = CasePickedUp, e.At
	case EvCaseClosed:
		c.State, c.ClosedAt, c.Suspended = CaseClosed, e.At, false
		if c.DoneAt.IsZero() {
			c.DoneAt = e.At
		}
	}
	c.step(e, text)
}

func (c *Case) step(e Event, text string) {
	c.Steps = append(c.Steps, CaseStep{At: e.At, Action: e.Type, Staff: e.Staff, Text: text})
}

// linkPickup ties a pick-up ticket to its case.
func (s *State) linkPickup(t *Ticket, e Event) {
	if e.Case == nil || e.Case.For == "" {
		return
	}
	t.change().Pickup = e.Case.For
	if c := s.Cases[e.Case.For]; c != nil {
		c.Pickup = t.ID
	}
}

// pruneCases drops cases closed more than caseKeepDays before the day.
func (s *State) pruneCases(day string) {
	d, err := ParseDate(day)
	if err != nil {
		return
	}
	limit := d.AddDate(0, 0, -caseKeepDays)
	for id, c := range s.Cases {
		if c.State == CaseClosed && c.ClosedAt.Before(limit) {
			delete(s.Cases, id)
			delete(s.casesByToken, c.Token)
		}
	}
}

// CaseByToken finds a case by the token of the ticket that opened it, on
// any later day.
func (s *State) CaseByToken(token string) (*Case, bool) {
	c, ok := s.casesByToken[token]
	return c, ok
}

// indexCases rebuilds the token index of the cases.
func (s *State) indexCases() {
	s.casesByToken = make(map[string]*Case, len(s.Cases))
	for _, c := range s.Cases {
		s.casesByToken[c.Token] = c
	}
}

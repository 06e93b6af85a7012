package queue

import (
	"encoding/json"
	"time"
)

// Event types. Every change to the hall is one event in the log; the state
// is a pure function of the events, so replaying the log rebuilds it and
// the log doubles as the audit ledger.
const (
	EvDay         = "day"         // a new local day: open tickets are closed, numbering restarts
	EvIssued      = "issued"      // a villager took a number
	EvPrinted     = "printed"     // the ticket's print job ended (Printed says how)
	EvOpened      = "opened"      // a clerk took a window
	EvClosed      = "closed"      // a clerk left a window
	EvCalled      = "called"      // a ticket was called to a window (Recall on a repeat)
	EvStarted     = "started"     // the villager arrived; service began
	EvFinished    = "finished"    // service ended with an Outcome
	EvNoShow      = "no_show"     // the villager did not come (过号)
	EvTransferred = "transferred" // the ticket moved to another category (转办), keeping its number
	EvCancelled   = "cancelled"   // the ticket was withdrawn
	EvPaused      = "paused"      // the window paused with a Reason
	EvResumed     = "resumed"     // the window serves again
	EvStaff       = "staff"       // a clerk's whereabouts changed
	EvRated       = "rated"       // the villager rated a finished ticket
	EvHall        = "hall"        // the hall's configuration changed: Hall holds the whole new document
	// EvReturned: the clerk left (下村, 开会, signed out …) while the ticket
	// was called or served; it waits again in its line, in its place by
	// issue time, keeping its number.
	EvReturned = "returned"
	// EvHeld: the window's ticket is parked there (挂起); Window calls it
	// back by its number.
	EvHeld = "held"
	// EvRequeued: a no-show came back in time and waits again, Places
	// behind the head of its line (过号重排).
	EvRequeued = "requeued"
)

// Event is one entry of the hall's log. It is a flat record: each type uses
// the fields it needs and leaves the rest empty.
type Event struct {
	Seq  uint64    `json:"seq"`
	At   time.Time `json:"at"`
	Type string    `json:"type"`

	Day      string `json:"day,omitempty"`
	Ticket   string `json:"ticket,omitempty"`
	Number   string `json:"number,omitempty"`
	Category string `json:"category,omitempty"`
	From     string `json:"from,omitempty"` // previous category of a transfer
	Service  string `json:"service,omitempty"`
	Priority bool   `json:"priority,omitempty"`
	Kind     string `json:"kind,omitempty"` // priority kind: elder, green
	Token    string `json:"token,omitempty"`
	Window   string `json:"window,omitempty"`
	Staff    string `json:"staff,omitempty"`
	Recall   bool   `json:"recall,omitempty"`
	Outcome  string `json:"outcome,omitempty"`
	Reason   string `json:"reason,omitempty"`
	Status   string `json:"status,omitempty"`
	Note     string `json:"note,omitempty"`
	Until    string `json:"until,omitempty"`
	Score    int    `json:"score,omitempty"`
	Printed  bool   `json:"printed,omitempty"`
	To       string `json:"to,omitempty"`     // the window a transfer goes to (转办到窗口); the clerk of an extra window
	Places   int    `json:"places,omitempty"` // how far behind the head a requeued ticket goes
	// Appt is the appointment of a booking event, or the one a ticket
	// was issued for (预约取号).
	Appt *Appointment `json:"appointment,omitempty"`
	// Hall is the whole configuration after an EvHall (PIN hashes, never
	// plain PINs); Staff says who changed it, Reason how (see HallChange).
	Hall json.RawMessage `json:"hall,omitempty"`

	// hall is Hall already parsed, shared by every state that applies this
	// event in memory; an event read back from the log parses Hall again.
	hall *Hall

	// Case is the intake or due date of a case event (cases.go).
	Case *CaseFields `json:"case,omitempty"`

	// Request is a village station's request and its outcome (requests.go).
	Request *RequestFields `json:"request,omitempty"`
}

// Priority kinds (优先类别) a kiosk offers.
const (
	PriorityElder = "elder" // 老弱病残孕
	PriorityGreen = "green" // 绿色通道
)

// PriorityNames gives the Chinese label of each priority kind; a priority
// ticket without a kind is plain 优先.
var PriorityNames = map[string]string{
	"":            "优先",
	PriorityElder: "老弱病残孕优先",
	PriorityGreen: "绿色通道",
}

// Outcomes of a finished ticket (办结类型).
const (
	OutcomeImmediate = "immediate" // 即办件
	OutcomePromised  = "promised"  // 承诺件
	OutcomeConsult   = "consult"   // 咨询
)

// Staff whereabouts (工作人员去向). A clerk is StaffOff until they take a
// window or say where they are, and again after signing out and at the
// start of each day.
const (
	StaffOff     = "off"     // 未到岗
	StaffOnDuty  = "on_duty" // 在岗
	StaffVillage = "village" // 下村
	StaffMeeting = "meeting" // 开会
	StaffLeave   = "leave"   // 请假
	StaffOut     = "out"     // 外出办事
	StaffBreak   = "break"   // 午休
)

// StaffStatusNames gives the Chinese label of each whereabouts status.
var StaffStatusNames = map[string]string{
	StaffOff:     "未到岗",
	StaffOnDuty:  "在岗",
	StaffVillage: "下村",
	StaffMeeting: "开会",
	StaffLeave:   "请假",
	StaffOut:     "外出办事",
	StaffBreak:   "午休",
}

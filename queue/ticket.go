package queue

import "time"

// Ticket statuses, as the contract names them.
const (
	StatusWaiting     = "waiting"
	StatusCalled      = "called"
	StatusServing     = "serving"
	StatusDone        = "done"
	StatusNoShow      = "no_show"
	StatusTransferred = "transferred" // waiting again, in another category
	StatusCancelled   = "cancelled"
	// StatusHeld: parked at its window (挂起) while the villager fetches
	// something; the window calls it back by its number.
	StatusHeld = "held"
)

// Ticket is one number taken at the kiosk. ID is unique across days
// ("20261121-B012"); Number is what the villager sees ("B012").
type Ticket struct {
	ID       string `json:"id"`
	Number   string `json:"number"`
	Category string `json:"category"`
	Service  string `json:"service"`
	Priority bool   `json:"priority,omitempty"`
	// Kind says why a priority ticket goes first (PriorityElder,
	// PriorityGreen), "" when the kiosk did not say.
	Kind   string `json:"kind,omitempty"`
	Token  string `json:"token"`
	Status string `json:"status"`

	Window  string `json:"window,omitempty"`
	Staff   string `json:"staff,omitempty"`
	Recalls int    `json:"recalls,omitempty"`
	// Returns counts how often the clerk left while it was at the window.
	Returns int    `json:"returns,omitempty"`
	Outcome string `json:"outcome,omitempty"`
	Score   int    `json:"score,omitempty"`
	Reason  string `json:"reason,omitempty"`
	// Printed is false until the printer confirmed the whole ticket.
	Printed   bool     `json:"printed"`
	Transfers []string `json:"transfers,omitempty"` // categories it came from
	// Received is the clerk who first called it: a case it opens is theirs
	// (首问负责), through any transfer.
	Received string `json:"received,omitempty"`
	// Carried marks a 延续号: a ticket carried over from the day before.
	Carried bool `json:"carried,omitempty"`
	// Pickup is the case this ticket comes to pick up, if any.
	Pickup string `json:"pickup,omitempty"`
	// To is the window a ticket transferred to a window (转办到窗口) waits
	// for; only that window calls it.
	To string `json:"to,omitempty"`
	// Holds and Requeues count how often it was parked (挂起) and put back
	// in its line after a no-show (过号重排), for the ledger.
	Holds    int `json:"holds,omitempty"`
	Requeues int `json:"requeues,omitempty"`
	// Appointment is the code of the booking this ticket checked in
	// (预约), and Slot its time; it waits in its line's appointment line.
	Appointment string `json:"appointment,omitempty"`
	Slot        string `json:"slot,omitempty"`

	IssuedAt time.Time `json:"issued_at"`
	// QueuedAt orders the queue; a transferred ticket keeps its original
	// time so that it does not go to the back of the new line.
	QueuedAt  time.Time `json:"queued_at"`
	CalledAt  time.Time `json:"called_at,omitzero"`
	StartedAt time.Time `json:"started_at,omitzero"`
	DoneAt    time.Time `json:"done_at,omitzero"`

	// owner is the state that may change this value in place, and seq
	// the last event that changed it (share.go): states share tickets.
	owner *stateTag
	seq   uint64
}

// Waiting reports whether the ticket is in a queue.
func (t *Ticket) Waiting() bool {
	return t.Status == StatusWaiting || t.Status == StatusTransferred
}

// Open reports whether the ticket still needs the hall's attention.
func (t *Ticket) Open() bool {
	return t.Waiting() || t.Status == StatusCalled || t.Status == StatusServing || t.Status == StatusHeld
}

// before orders two waiting tickets: priority first, then the longest wait.
func (t *Ticket) before(o *Ticket) bool {
	if t.Priority != o.Priority {
		return t.Priority
	}
	if !t.QueuedAt.Equal(o.QueuedAt) {
		return t.QueuedAt.Before(o.QueuedAt)
	}
	return t.ID < o.ID
}

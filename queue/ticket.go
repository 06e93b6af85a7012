package queue

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"time"
)

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

// statuses are the ticket statuses a ticket keeps as their index here,
// one byte in place of a string.
var statuses = [...]string{"", StatusWaiting, StatusCalled, StatusServing, StatusDone, StatusNoShow, StatusTransferred, StatusCancelled, StatusHeld}

// statusCode is the index of a status in statuses.
func statusCode(status string) (uint8, bool) {
	for i, s := range statuses {
		if s == status {
			return uint8(i), true
		}
	}
	return 0, false
}

// Ticket is one number taken at the kiosk. ID is unique across days
// ("20261121-B012"); Number is what the villager sees ("B012").
//
// A busy morning holds a hundred thousand waiting tickets, so a ticket
// keeps only what a waiting one has in its own fields, each as compact as
// it goes: its status and priority kind as a byte (Status, Kind), its
// token as the bytes it encodes (Token), its times as Unix nanoseconds
// (IssuedAt, QueuedAt). What comes with a call, a transfer, an
// appointment or a pickup (Window, Staff, Outcome, the later times, ...)
// is read through methods from a part allocated when the ticket first
// needs it (ticketMore). Its JSON is the one of the contract all the same
// (ticketWire). TestTicketStaysSmall keeps it at 128 bytes.
type Ticket struct {
	ID       string
	Number   string
	Category string
	Service  string
	// tok is the token (Token, tokens.go) as the bytes it encodes, when
	// hasTok.
	tok [16]byte

	// issued is when it was issued (IssuedAt), and queued the time that
	// orders the queue (QueuedAt), in Unix nanoseconds, 0 for the zero
	// time (unixNano): an instant in 8 bytes, not a time.Time's 24.
	issued, queued int64
	// more is nil until the ticket is called, transferred, checked in for
	// an appointment and so on. It is never changed once set, only
	// replaced (change), so that copies of a ticket may share it.
	more *ticketMore

	// owner is the state that may change this value in place, and seq
	// the last event that changed it (share.go): states share tickets.
	owner *stateTag
	seq   uint64

	Priority bool
	// Printed is false until the printer confirmed the whole ticket.
	Printed bool
	// Carried marks a 延续号: a ticket carried over from the day before.
	Carried bool
	hasTok  bool
	// status is the index of its status (Status) in statuses, and kind
	// that of its priority kind (Kind) in kinds, or oddKind.
	status, kind uint8
}

// ticketMore is the part of a ticket that a waiting walk-in does not
// have.
type ticketMore struct {
	Window  string
	Staff   string
	Outcome string
	Reason  string
	// Received is the clerk who first called it: a case it opens is
	// theirs (首问负责), through any transfer.
	Received string
	// Pickup is the case this ticket comes to pick up, if any.
	Pickup string
	// To is the window a ticket transferred to a window (转办到窗口)
	// waits for; only that window calls it.
	To string
	// Appointment is the code of the booking this ticket checked in
	// (预约), and Slot its time; it waits in its line's appointment line.
	Appointment string
	Slot        string
	Transfers   []string // categories it came from
	// token is a token of another shape than newToken's (tokens.go),
	// kind a priority kind not in kinds.
	token, kind string

	CalledAt, StartedAt, DoneAt time.Time

	Recalls int
	// Returns counts how often the clerk left while it was at the window.
	Returns int
	Score   int
	// Holds and Requeues count how often it was parked (挂起) and put
	// back in its line after a no-show (过号重排), for the ledger.
	Holds, Requeues int
}

// m is the rare part to read; a ticket without one reads noMore. Never
// write through it (change gives a part to write).
func (t Ticket) m() *ticketMore {
	if t.more == nil {
		return &noMore
	}
	return t.more
}

// noMore is the rare part of every ticket that has none: read only.
var noMore ticketMore

// change returns a fresh copy of the ticket's rare part for the caller to
// change, in place of the one other copies of the ticket may share.
func (t *Ticket) change() *ticketMore {
	c := new(ticketMore)
	if t.more != nil {
		*c = *t.more
	}
	t.more = c
	return c
}

// Window is the window that called it, while it is there.
func (t Ticket) Window() string { return t.m().Window }

// Staff is the clerk who called it, while it is at the window.
func (t Ticket) Staff() string { return t.m().Staff }

// Outcome is how it was finished (OutcomeImmediate, ...).
func (t Ticket) Outcome() string { return t.m().Outcome }

// Reason is why it was cancelled, or the reason given with its rating.
func (t Ticket) Reason() string { return t.m().Reason }

// Received is the clerk who first called it (首问负责).
func (t Ticket) Received() string { return t.m().Received }

// Pickup is the case this ticket comes to pick up, if any.
func (t Ticket) Pickup() string { return t.m().Pickup }

// To is the window it was transferred to (转办到窗口), if any.
func (t Ticket) To() string { return t.m().To }

// Appointment is the code of the booking it checked in (预约), if any.
func (t Ticket) Appointment() string { return t.m().Appointment }

// Slot is its appointment's time.
func (t Ticket) Slot() string { return t.m().Slot }

// Transfers are the categories it came from, oldest first. The caller
// must not change the slice.
//
// The readers take a Ticket, not a pointer, so that the values commands
// return read the same way; they copy nothing once inlined.
func (t Ticket) Transfers() []string { return t.m().Transfers }

// CalledAt is when it was first called (zero before).
func (t Ticket) CalledAt() time.Time { return t.m().CalledAt }

// StartedAt is when its service started.
func (t Ticket) StartedAt() time.Time { return t.m().StartedAt }

// DoneAt is when it was finished, cancelled or missed.
func (t Ticket) DoneAt() time.Time { return t.m().DoneAt }

// Recalls counts the times it was called again.
func (t Ticket) Recalls() int { return t.m().Recalls }

// Returns counts how often the clerk left while it was at the window.
func (t Ticket) Returns() int { return t.m().Returns }

// Score is its rating, 0 before.
func (t Ticket) Score() int { return t.m().Score }

// Holds counts how often it was parked (挂起).
func (t Ticket) Holds() int { return t.m().Holds }

// Requeues counts how often it was put back after a no-show (过号重排).
func (t Ticket) Requeues() int { return t.m().Requeues }

// IssuedAt is when the ticket was issued. A ticket keeps the instant,
// not the zone it was written in: it is read in the local zone, and
// every reader shows it in the hall's (Hall.Location).
func (t Ticket) IssuedAt() time.Time { return fromUnixNano(t.issued) }

// QueuedAt orders the queue: a transferred ticket keeps its original
// time so that it does not go to the back of the new line. It is read as
// IssuedAt is.
func (t Ticket) QueuedAt() time.Time { return fromUnixNano(t.queued) }

func fromUnixNano(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

func (t *Ticket) setQueuedAt(at time.Time) { t.queued = unixNano(at) }

// unixNano stores a time as IssuedAt and QueuedAt do: 0 for the zero time, and the
// nanosecond range's ends for times beyond it (never one of a hall's; an
// instant at exactly 1970-01-01T00:00:00Z is read back as the zero time).
func unixNano(at time.Time) int64 {
	switch y := at.Year(); {
	case at.IsZero():
		return 0
	case y < 1678:
		return math.MinInt64 + 1
	case y > 2261:
		return math.MaxInt64
	}
	return at.UnixNano()
}

// queueKey orders queue times, the zero time (a 延续号's) first.
func (t *Ticket) queueKey() int64 {
	if t.queued == 0 {
		return math.MinInt64
	}
	return t.queued
}

// kinds are the priority kinds a ticket keeps as their index here; one
// of any other (a hand-made log) is kept in the rare part, as oddKind.
var kinds = [...]string{"", PriorityElder, PriorityGreen}

const oddKind = 255

// Kind says why a priority ticket goes first (PriorityElder,
// PriorityGreen), "" when the kiosk did not say.
func (t Ticket) Kind() string {
	if t.kind == oddKind {
		return t.more.kind
	}
	return kinds[t.kind]
}

// kindOf sets the ticket's kind, and returns what the rare part keeps of
// it: a kind of another shape than kinds.
func (t *Ticket) kindOf(kind string) (odd string) {
	for i, k := range kinds {
		if k == kind {
			t.kind = uint8(i)
			return ""
		}
	}
	t.kind = oddKind
	return kind
}

// Status is where the ticket stands: StatusWaiting, StatusCalled, ...
func (t Ticket) Status() string { return statuses[t.status] }

// setStatus sets one of the Status constants.
func (t *Ticket) setStatus(status string) {
	c, ok := statusCode(status)
	if !ok {
		panic("queue: unknown ticket status " + status) // the constants only
	}
	t.status = c
}

// Waiting reports whether the ticket is in a queue.
func (t *Ticket) Waiting() bool {
	s := t.Status()
	return s == StatusWaiting || s == StatusTransferred
}

// Open reports whether the ticket still needs the hall's attention.
func (t *Ticket) Open() bool {
	s := t.Status()
	return t.Waiting() || s == StatusCalled || s == StatusServing || s == StatusHeld
}

// before orders two waiting tickets: priority first, then the longest wait.
func (t *Ticket) before(o *Ticket) bool {
	if t.Priority != o.Priority {
		return t.Priority
	}
	if a, b := t.queueKey(), o.queueKey(); a != b {
		return a < b
	}
	return t.ID < o.ID
}

// ticketWire is a ticket as JSON has it (the snapshots of earlier
// versions, and the state's JSON): every field flat, as the ticket had
// them before it kept its rare ones apart.
type ticketWire struct {
	ID       string `json:"id"`
	Number   string `json:"number"`
	Category string `json:"category"`
	Service  string `json:"service"`
	Priority bool   `json:"priority,omitempty"`
	Kind     string `json:"kind,omitempty"`
	Token    string `json:"token"`
	Status   string `json:"status"`

	Window      string    `json:"window,omitempty"`
	Staff       string    `json:"staff,omitempty"`
	Recalls     int       `json:"recalls,omitempty"`
	Returns     int       `json:"returns,omitempty"`
	Outcome     string    `json:"outcome,omitempty"`
	Score       int       `json:"score,omitempty"`
	Reason      string    `json:"reason,omitempty"`
	Printed     bool      `json:"printed"`
	Transfers   []string  `json:"transfers,omitempty"`
	Received    string    `json:"received,omitempty"`
	Carried     bool      `json:"carried,omitempty"`
	Pickup      string    `json:"pickup,omitempty"`
	To          string    `json:"to,omitempty"`
	Holds       int       `json:"holds,omitempty"`
	Requeues    int       `json:"requeues,omitempty"`
	Appointment string    `json:"appointment,omitempty"`
	Slot        string    `json:"slot,omitempty"`
	IssuedAt    time.Time `json:"issued_at"`
	QueuedAt    time.Time `json:"queued_at"`
	CalledAt    time.Time `json:"called_at,omitzero"`
	StartedAt   time.Time `json:"started_at,omitzero"`
	DoneAt      time.Time `json:"done_at,omitzero"`
}

func (t Ticket) wire() ticketWire {
	m := t.m()
	return ticketWire{
		ID: t.ID, Number: t.Number, Category: t.Category, Service: t.Service, Priority: t.Priority,
		Kind: t.Kind(), Token: t.Token(), Status: t.Status(),
		Window: m.Window, Staff: m.Staff, Recalls: m.Recalls, Returns: m.Returns, Outcome: m.Outcome,
		Score: m.Score, Reason: m.Reason, Printed: t.Printed, Transfers: m.Transfers, Received: m.Received,
		Carried: t.Carried, Pickup: m.Pickup, To: m.To, Holds: m.Holds, Requeues: m.Requeues,
		Appointment: m.Appointment, Slot: m.Slot,
		IssuedAt: t.IssuedAt(), QueuedAt: t.QueuedAt(), CalledAt: m.CalledAt, StartedAt: m.StartedAt, DoneAt: m.DoneAt,
	}
}

// setWire sets every field of t from w; the rare part only when it has
// something. It fails on a status no version has written.
func (t *Ticket) setWire(w ticketWire) error {
	var ok bool
	if t.status, ok = statusCode(w.Status); !ok {
		return fmt.Errorf("ticket %s: unknown status %q", w.ID, w.Status)
	}
	t.ID, t.Number, t.Category, t.Service, t.Priority = w.ID, w.Number, w.Category, w.Service, w.Priority
	t.Printed, t.Carried = w.Printed, w.Carried
	t.issued = unixNano(w.IssuedAt)
	t.setQueuedAt(w.QueuedAt)
	var odd string
	if t.tok, t.hasTok = tokenKey(w.Token); !t.hasTok {
		odd = w.Token
	}
	t.setMore(ticketMore{token: odd, kind: t.kindOf(w.Kind),
		Window: w.Window, Staff: w.Staff, Outcome: w.Outcome, Reason: w.Reason, Received: w.Received,
		Pickup: w.Pickup, To: w.To, Appointment: w.Appointment, Slot: w.Slot, Transfers: w.Transfers,
		CalledAt: w.CalledAt, StartedAt: w.StartedAt, DoneAt: w.DoneAt,
		Recalls: w.Recalls, Returns: w.Returns, Score: w.Score, Holds: w.Holds, Requeues: w.Requeues,
	})
	return nil
}

// setMore sets the rare part, or none when m is empty: a waiting ticket
// read back holds no more than one just issued.
func (t *Ticket) setMore(m ticketMore) {
	// Read back, not on the hot path: reflect keeps the test whole as the
	// part gains fields.
	if reflect.ValueOf(m).IsZero() {
		t.more = nil
		return
	}
	t.more = &m
}

// MarshalJSON writes the ticket as the contract has it.
func (t Ticket) MarshalJSON() ([]byte, error) { return json.Marshal(t.wire()) }

// UnmarshalJSON reads a ticket as MarshalJSON writes it.
func (t *Ticket) UnmarshalJSON(data []byte) error {
	var w ticketWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	return t.setWire(w)
}

// appendTransfer records that the ticket leaves category c, without
// writing into a slice another copy of the ticket shares.
func (m *ticketMore) appendTransfer(c string) {
	m.Transfers = append(slices.Clip(m.Transfers), c)
}

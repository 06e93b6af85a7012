package queue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Hall is the configuration of one service hall: its categories (window
// queues), the services a villager can pick, the windows and the staff.
// It is loaded from the contract's JSON; fields this version does not know
// are kept in Extra so that a later version's file survives a round trip.
type Hall struct {
	// ID names the hall to its county (hall_id.go); optional for a hall
	// that never links.
	ID         string     `json:"id,omitempty"`
	Name       string     `json:"name"`
	Timezone   string     `json:"timezone,omitempty"`
	Categories []Category `json:"categories"`
	Services   []Service  `json:"services"`
	Windows    []Window   `json:"windows"`
	Staff      []Staff    `json:"staff"`
	// Calling is the fairness policy between priority and ordinary tickets.
	Calling CallingPolicy `json:"calling,omitzero"`
	// Appointments is the check-in window and calling rule of bookings
	// (appointments.go); each service says whether it takes them.
	Appointments AppointmentPolicy `json:"appointments,omitzero"`
	// Notices scroll along the bottom of the lobby screen.
	Notices []string `json:"notices,omitempty"`
	// Hours and MarketDays decide when numbers are handed out (hours.go);
	// without Hours, always.
	Hours  *Hours      `json:"hours,omitempty"`
	Market *MarketDays `json:"market_days,omitempty"`
	// DefaultOutcome is what a finish without an outcome records (the call
	// pad's 叫号 over a ticket being served): immediate when empty.
	DefaultOutcome string `json:"default_outcome,omitempty"`
	// Parent and Tour make the hall a service bus (便民服务车) of a
	// township hall, touring villages (hall_tour.go).
	Parent string     `json:"parent,omitempty"`
	Tour   []TourStop `json:"tour,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`

	loc *time.Location
}

// Category is a window queue with its own number prefix, e.g. B for 民生事业.
type Category struct {
	ID     string `json:"id"`
	Prefix string `json:"prefix"`
	Name   string `json:"name"`
	// ServiceMinutes seeds the average service time before any ticket is
	// finished; 5 minutes when zero.
	ServiceMinutes float64 `json:"service_minutes,omitempty"`
	// DailyCap bounds the numbers a day (0: none).
	DailyCap int `json:"daily_cap,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// Service is what a villager comes for (事项). Several categories may handle
// it; the first listed wins ties.
type Service struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Categories []string `json:"categories"`
	// PromiseDays is the time limit of a 承诺件 in working days (5 when
	// zero); Bring lists what the villager must bring (一次性告知), the
	// checklist a clerk ticks when accepting a case.
	PromiseDays int      `json:"promise_days,omitempty"`
	Bring       []string `json:"bring,omitempty"`
	Icon        string   `json:"icon,omitempty"`
	// Note is a line of the service commitment printed on the ticket.
	Note string `json:"note,omitempty"`
	// DailyCap bounds the numbers a day (0: none).
	DailyCap int `json:"daily_cap,omitempty"`
	// Booking, when set, lets the service be booked (预约).
	Booking *Booking `json:"booking,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// Window is a counter in the hall. A and B name the staff on its A post and
// B post (AB岗); when empty they default to the first and second staff
// member listing the window.
type Window struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Categories []string `json:"categories"`
	A          string   `json:"a,omitempty"`
	B          string   `json:"b,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// Staff is a clerk. PIN is the plain PIN as written in a hall file; it is
// hashed when loaded and never written back. PINHash holds the hash.
type Staff struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	PIN     string   `json:"pin,omitempty"`
	PINHash string   `json:"pin_hash,omitempty"`
	Windows []string `json:"windows"`
	Admin   bool     `json:"admin,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// CallingPolicy decides between priority and ordinary tickets.
// Mode "strict" (the default) always calls priority tickets first; mode
// "interleave" calls one priority ticket per Every ordinary ones, but never
// lets a priority ticket wait behind an ordinary ticket that came later.
type CallingPolicy struct {
	Mode  string `json:"mode,omitempty"`
	Every int    `json:"every,omitempty"`
	// A no-show who comes back within RequeueMinutes (30 when zero) of
	// being marked 过号 waits again RequeuePlaces (3 when zero) places
	// behind the head of their line (过号重排).
	RequeueMinutes int `json:"requeue_minutes,omitempty"`
	RequeuePlaces  int `json:"requeue_places,omitempty"`
}

// RequeueWithin is how long after 过号 a villager may be put back.
func (c CallingPolicy) RequeueWithin() time.Duration {
	if c.RequeueMinutes <= 0 {
		return 30 * time.Minute
	}
	return time.Duration(c.RequeueMinutes) * time.Minute
}

// Places is how many tickets a requeued one goes behind.
func (c CallingPolicy) Places() int {
	if c.RequeuePlaces <= 0 {
		return 3
	}
	return c.RequeuePlaces
}

// ParseHall reads and validates a hall file.
func ParseHall(r io.Reader) (*Hall, error) {
	data, err := io.ReadAll(io.LimitReader(r, 4<<20))
	if err != nil {
		return nil, fmt.Errorf("hall: read: %w", err)
	}
	if err := checkHallStaffKeys(data); err != nil {
		return nil, err
	}
	var h Hall
	if err := json.Unmarshal(data, &h); err != nil {
		return nil, fmt.Errorf("hall: %w", jsonErrorAt(data, err))
	}
	if err := h.Validate(); err != nil {
		return nil, err
	}
	return &h, nil
}

// jsonErrorAt says where a JSON mistake is: the line and column of a
// syntax error, the field of a value of the wrong type. (A type error's
// offset counts from the nested object being decoded, not the file.)
func jsonErrorAt(data []byte, err error) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	if errors.As(err, &typ) && typ.Field != "" {
		return fmt.Errorf("%s: want a JSON %s, not %s", typ.Field, typ.Type.Kind(), typ.Value)
	}
	if !errors.As(err, &syn) {
		return err
	}
	off := syn.Offset
	line := 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(data[:min(int(off), len(data))], '\n') - 1
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

// Location is the hall's time zone; numbering restarts at its midnight.
func (h *Hall) Location() *time.Location {
	if h.loc == nil {
		return time.UTC
	}
	return h.loc
}

// byID finds an item of a hall list by its id; the lists are short (tens
// of items), so a scan is as fast as a map and needs no upkeep.
func byID[T any](list []T, id string, idOf func(*T) string) (*T, bool) {
	for i := range list {
		if idOf(&list[i]) == id {
			return &list[i], true
		}
	}
	return nil, false
}

// Outcome is the outcome a finish records when the clerk gave none.
func (h *Hall) Outcome() string {
	if h.DefaultOutcome == "" {
		return OutcomeImmediate
	}
	return h.DefaultOutcome
}

// Category returns the category with the given id.
func (h *Hall) Category(id string) (*Category, bool) {
	return byID(h.Categories, id, func(c *Category) string { return c.ID })
}

// Service returns the service with the given id.
func (h *Hall) Service(id string) (*Service, bool) {
	return byID(h.Services, id, func(s *Service) string { return s.ID })
}

// Window returns the window with the given id.
func (h *Hall) Window(id string) (*Window, bool) {
	return byID(h.Windows, id, func(w *Window) string { return w.ID })
}

// StaffMember returns the staff member with the given id.
func (h *Hall) StaffMember(id string) (*Staff, bool) {
	return byID(h.Staff, id, func(s *Staff) string { return s.ID })
}

// Public returns a copy of the hall without any PIN or PIN hash, for
// anyone to read.
func (h *Hall) Public() *Hall {
	c := *h
	c.Staff = make([]Staff, len(h.Staff))
	for i, s := range h.Staff {
		s.PIN, s.PINHash = "", ""
		c.Staff[i] = s
	}
	return &c
}

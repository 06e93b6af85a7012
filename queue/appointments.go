package queue

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Appointments (预约): a clerk or the manager books a villager who phoned
// into a slot of a service; on the day the villager types the six-digit
// code at the kiosk and gets a ticket marked 预约, which a window calls when
// its slot comes, ahead of walk-ins but never more than
// AppointmentPolicy.MaxInRow of them in a row while walk-ins wait.

// Booking is a service's appointment rule.
type Booking struct {
	// Weekdays open for booking, ISO (1 Monday … 7 Sunday); every day the
	// hall works when empty. A hall whose clerks hold several posts books
	// two or three days a week and serves them together (集中办理日).
	Weekdays    []int `json:"weekdays,omitempty"`
	SlotMinutes int   `json:"slot_minutes,omitempty"` // 30 when zero
	Capacity    int   `json:"capacity,omitempty"`     // villagers a slot serves; 2 when zero
	DaysAhead   int   `json:"days_ahead,omitempty"`   // 7 when zero
	// WalkInShare is the share of each slot's capacity kept for walk-ins
	// (0 … 0.9): a slot books floor(capacity × (1 − share)), at least one.
	WalkInShare float64 `json:"walk_in_share,omitempty"`
}

func (b *Booking) slotMinutes() int { return cmpOr(b.SlotMinutes, 30) }
func (b *Booking) daysAhead() int   { return cmpOr(b.DaysAhead, 7) }

// Bookable is how many appointments a slot takes.
func (b *Booking) Bookable() int {
	n := int(float64(cmpOr(b.Capacity, 2)) * (1 - b.WalkInShare))
	return max(n, 1)
}

// AppointmentPolicy is the hall's check-in window and calling rule.
type AppointmentPolicy struct {
	// A villager checks in from CheckinBefore minutes before the slot to
	// CheckinAfter minutes after it (15 and 15 when zero); not checked in
	// by then, the appointment is released and counted 爽约.
	CheckinBefore int `json:"checkin_before_minutes,omitempty"`
	CheckinAfter  int `json:"checkin_after_minutes,omitempty"`
	// MaxInRow is how many appointments a window calls in a row while
	// walk-ins wait (1 when zero).
	MaxInRow int `json:"max_in_row,omitempty"`
	// SelfBooking lets villagers book on /book from a phone on the hall's
	// network (off unless the hall turns it on); PerPhone is how many
	// bookings not yet checked in one phone number may hold (2 when zero).
	SelfBooking bool `json:"self_booking,omitempty"`
	PerPhone    int  `json:"per_phone,omitempty"`
}

func cmpOr(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

// Appointment is one booking.
type Appointment struct {
	Code     string `json:"code"`
	Service  string `json:"service"`
	Category string `json:"category"`
	Day      string `json:"day"`  // local date
	Slot     string `json:"slot"` // "09:30"
	Name     string `json:"name,omitempty"`
	Phone    string `json:"phone,omitempty"`
	By       string `json:"by,omitempty"`     // who booked it
	Ticket   string `json:"ticket,omitempty"` // the ticket it was checked in as
	Missed   bool   `json:"missed,omitempty"` // 爽约
}

// Appointment events.
const (
	EvBooked   = "booked"   // Appt holds the new appointment
	EvUnbooked = "unbooked" // Appt.Code was cancelled
	EvMissed   = "missed"   // Appt.Code was not checked in in time (爽约)
)

// slotStart is when an appointment's slot begins, in the hall's zone.
func (h *Hall) slotStart(day, slot string) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, day, h.Location())
	m, ok := minuteOfDay(slot)
	if err != nil || !ok {
		return time.Time{}
	}
	return d.Add(time.Duration(m) * time.Minute)
}

// Slots lists the bookable slot starts ("09:00") of a service on a date:
// the hall's opening hours (breaks left out) cut into slots, on the days
// both the hall and the service's booking work.
func (h *Hall) Slots(svc *Service, day time.Time) []string {
	b := svc.Booking
	if b == nil {
		return nil
	}
	wd := int(day.Weekday())
	if wd == 0 {
		wd = 7
	}
	if len(b.Weekdays) > 0 && !slices.Contains(b.Weekdays, wd) {
		return nil
	}
	d := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, h.Location())
	var spans [][2]time.Time
	if h.Hours == nil {
		spans = [][2]time.Time{{d.Add(9 * time.Hour), d.Add(17 * time.Hour)}}
	} else {
		spans, _ = h.issuingSpans(d, "")
	}
	step := time.Duration(b.slotMinutes()) * time.Minute
	var out []string
	for _, sp := range spans {
		for at := sp[0]; !at.Add(step).After(sp[1]); at = at.Add(step) {
			out = append(out, at.Format("15:04"))
		}
	}
	return out
}

// booked counts the live appointments of a slot.
func (s *State) booked(service, day, slot string) int {
	n := 0
	for _, a := range s.Appointments {
		if a.Service == service && a.Day == day && a.Slot == slot && !a.Missed {
			n++
		}
	}
	return n
}

// SlotFree is a slot and how many can still book it.
type SlotFree struct {
	Slot string `json:"slot"`
	Free int    `json:"free"`
}

// FreeSlots lists a service's slots of a day still to come, with the
// places left in each.
func (s *State) FreeSlots(service, day string, now time.Time) ([]SlotFree, error) {
	svc, ok := s.hall.Service(service)
	if !ok {
		return nil, errorf(NotFound, "unknown_service", "没有这个事项：%q", service)
	}
	if svc.Booking == nil {
		return nil, errorf(Conflict, "not_bookable", "%s不接受预约", svc.Name)
	}
	d, err := time.ParseInLocation(time.DateOnly, day, s.hall.Location())
	if err != nil {
		return nil, errorf(Invalid, "bad_day", "日期应写成 2026-11-23")
	}
	out := []SlotFree{}
	for _, sl := range s.hall.Slots(svc, d) {
		if s.hall.slotStart(day, sl).After(now) {
			out = append(out, SlotFree{Slot: sl, Free: max(svc.Booking.Bookable()-s.booked(svc.ID, day, sl), 0)})
		}
	}
	return out, nil
}

// BookingError is a refused booking, with the next slot that is free.
type BookingError struct {
	Err               *Error
	NextDay, NextSlot string
}

func (e *BookingError) Error() string { return e.Err.Error() }
func (e *BookingError) Unwrap() error { return e.Err }

// nextFree finds the first slot from now on with room, within the days
// the service books ahead.
func (s *State) nextFree(svc *Service, now time.Time) (day, slot string) {
	loc := s.hall.Location()
	today := now.In(loc)
	for i := 0; i <= svc.Booking.daysAhead(); i++ {
		d := today.AddDate(0, 0, i)
		ds := d.Format(time.DateOnly)
		if s.bookingCapped(svc, ds) {
			continue
		}
		for _, sl := range s.hall.Slots(svc, d) {
			if !s.hall.slotStart(ds, sl).After(now) {
				continue
			}
			if s.booked(svc.ID, ds, sl) < svc.Booking.Bookable() {
				return ds, sl
			}
		}
	}
	return "", ""
}

func (s *State) refuseBooking(svc *Service, now time.Time, code, format string, args ...any) error {
	e := &BookingError{Err: errorf(Conflict, code, format, args...)}
	e.NextDay, e.NextSlot = s.nextFree(svc, now)
	if e.NextDay != "" {
		e.Err.Message += "；最近可约：" + e.NextDay + " " + e.NextSlot
	} else {
		e.Err.Message += "；近期已无可约时段"
	}
	return e
}

// Book books a villager into a slot of a service (by a clerk or the
// manager, for someone who phoned).
func (e *Engine) Book(ctx context.Context, by, service, day, slot, name, phone string) (Appointment, error) {
	name, phone, slot, err := checkBooking(name, phone, slot)
	if err != nil {
		return Appointment{}, err
	}
	return exec(ctx, e, func(s *State, emit func(Event)) (Appointment, error) {
		return s.book(emit, e.now(), by, service, day, slot, name, phone)
	})
}

// checkBooking checks and tidies what a booking was asked with, before
// the state is looked at.
func checkBooking(name, phone, slot string) (string, string, string, error) {
	name, phone = strings.TrimSpace(name), strings.TrimSpace(phone)
	if utf8.RuneCountInString(name) > 20 {
		return "", "", "", errorf(Invalid, "name_too_long", "姓名最多 20 个字")
	}
	if len(phone) > 15 || strings.Trim(phone, "0123456789") != "" {
		return "", "", "", errorf(Invalid, "bad_phone", "电话只写数字")
	}
	slot, ok := clockTime(slot)
	if !ok || slot == "" {
		return "", "", "", errorf(Invalid, "bad_slot", "时段应写成 09:30")
	}
	return name, phone, slot, nil
}

// book decides a checked booking against the state: the hall's rules, the
// same for a clerk's booking and a village station's request.
func (s *State) book(emit func(Event), now time.Time, by, service, day, slot, name, phone string) (Appointment, error) {
	svc, ok := s.hall.Service(service)
	if !ok {
		return Appointment{}, errorf(NotFound, "unknown_service", "没有这个事项：%q", service)
	}
	if svc.Booking == nil {
		return Appointment{}, errorf(Conflict, "not_bookable", "%s不接受预约", svc.Name)
	}
	d, err := time.ParseInLocation(time.DateOnly, day, s.hall.Location())
	if err != nil {
		return Appointment{}, errorf(Invalid, "bad_day", "日期应写成 2026-11-23")
	}
	today := now.In(s.hall.Location()).Format(time.DateOnly)
	switch {
	case day < today:
		return Appointment{}, s.refuseBooking(svc, now, "past_day", "%s 已经过去", day)
	case d.After(now.AddDate(0, 0, svc.Booking.daysAhead())):
		return Appointment{}, s.refuseBooking(svc, now, "too_far", "%s最多预约 %d 天内", svc.Name, svc.Booking.daysAhead())
	}
	slots := s.hall.Slots(svc, d)
	switch {
	case len(slots) == 0:
		return Appointment{}, s.refuseBooking(svc, now, "closed_day", "%s 不办理%s预约", day, svc.Name)
	case !slices.Contains(slots, slot):
		return Appointment{}, s.refuseBooking(svc, now, "bad_slot", "没有 %s 这个时段（可约：%s）", slot, strings.Join(slots, "、"))
	case !s.hall.slotStart(day, slot).After(now):
		return Appointment{}, s.refuseBooking(svc, now, "past_slot", "%s %s 已经过去", day, slot)
	case s.booked(svc.ID, day, slot) >= svc.Booking.Bookable():
		return Appointment{}, s.refuseBooking(svc, now, "slot_full", "%s %s 已约满", day, slot)
	case s.bookingCapped(svc, day):
		return Appointment{}, s.refuseBooking(svc, now, "cap_reached", "%s「%s」的号已满（每日限号）", day, svc.Name)
	}
	a := &Appointment{
		Code: s.newAppointmentCode(), Service: svc.ID, Category: svc.Categories[0],
		Day: day, Slot: slot, Name: name, Phone: phone, By: by,
	}
	emit(Event{Type: EvBooked, Appt: a})
	return *s.Appointments[a.Code], nil
}

// newAppointmentCode draws a six-digit code no live appointment has.
func (s *State) newAppointmentCode() string {
	for {
		n, err := rand.Int(rand.Reader, big.NewInt(900000))
		if err != nil {
			panic(fmt.Sprintf("queue: no randomness: %v", err)) // crypto/rand does not fail on supported systems
		}
		code := fmt.Sprintf("%06d", n.Int64()+100000)
		if s.Appointments[code] == nil {
			return code
		}
	}
}

// CancelAppointment cancels a booking not yet checked in.
func (e *Engine) CancelAppointment(ctx context.Context, by, code string) error {
	_, err := exec(ctx, e, func(s *State, emit func(Event)) (struct{}, error) {
		a := s.Appointments[code]
		switch {
		case a == nil:
			return struct{}{}, errorf(NotFound, "unknown_appointment", "没有这个预约码")
		case a.Ticket != "":
			return struct{}{}, errorf(Conflict, "checked_in", "该预约已取号")
		}
		emit(Event{Type: EvUnbooked, Appt: &Appointment{Code: code}, Staff: by})
		return struct{}{}, nil
	})
	return err
}

// AppointmentsOn lists a day's appointments by slot.
func (s *State) AppointmentsOn(day string) []Appointment {
	var out []Appointment
	for _, a := range s.Appointments {
		if a.Day == day {
			out = append(out, *a)
		}
	}
	slices.SortFunc(out, func(a, b Appointment) int {
		return strings.Compare(a.Slot+a.Code, b.Slot+b.Code)
	})
	return out
}

// CheckinError refuses a check-in; At is when to come back (too early).
type CheckinError struct {
	Err *Error
	At  time.Time
}

func (e *CheckinError) Error() string { return e.Err.Error() }
func (e *CheckinError) Unwrap() error { return e.Err }

// CheckIn issues the ticket of an appointment at the kiosk: from the
// hall's check-in window before the slot to its end after it.
func (e *Engine) CheckIn(ctx context.Context, code string) (Issued, error) {
	code = strings.TrimSpace(code)
	return exec(ctx, e, func(s *State, emit func(Event)) (Issued, error) {
		return e.checkIn(s, emit, s.Appointments[code])
	})
}

// checkIn issues an appointment's ticket if it is its time.
func (e *Engine) checkIn(s *State, emit func(Event), a *Appointment) (Issued, error) {
	switch {
	case a == nil:
		return Issued{}, errorf(NotFound, "unknown_appointment", "没有这个预约码，请核对或取普通号")
	case a.Missed:
		return Issued{}, errorf(Conflict, "too_late", "预约时段已过（%s），请取普通号", a.Slot)
	}
	if a.Ticket != "" {
		t := s.Tickets[a.Ticket]
		num := ""
		if t != nil {
			num = t.Number
		}
		return Issued{}, errorf(Conflict, "checked_in", "该预约已取号：%s", num)
	}
	now := e.now()
	start := s.hall.slotStart(a.Day, a.Slot)
	p := s.hall.Appointments
	from := start.Add(-time.Duration(cmpOr(p.CheckinBefore, 15)) * time.Minute)
	until := start.Add(time.Duration(cmpOr(p.CheckinAfter, 15)) * time.Minute)
	switch {
	case now.Before(from):
		when := from.In(s.hall.Location())
		day := "今天"
		if a.Day != s.Day {
			day = a.Day
		}
		return Issued{}, &CheckinError{Err: errorf(Conflict, "too_early", "您预约的是 %s %s，请%s %s 以后再来取号", a.Day, a.Slot, day, when.Format("15:04")), At: from}
	case now.After(until):
		return Issued{}, errorf(Conflict, "too_late", "预约时段已过（%s），请取普通号", a.Slot)
	}
	if err := s.openAt(now); err != nil {
		return Issued{}, err
	}
	c, ok := s.hall.Category(a.Category)
	if !ok {
		svc, ok := s.hall.Service(a.Service)
		if !ok {
			return Issued{}, errorf(NotFound, "unknown_service", "这个事项已取消，请到咨询台")
		}
		c, _ = s.hall.Category(s.Route(svc))
	}
	return issueAppt(s, emit, c, a), nil
}

func issueAppt(s *State, emit func(Event), c *Category, a *Appointment) Issued {
	number := FormatNumber(c.Prefix, s.Counters[c.Prefix]+1)
	id := strings.ReplaceAll(s.Day, "-", "") + "-" + number
	emit(Event{Type: EvIssued, Ticket: id, Number: number, Category: c.ID, Service: a.Service, Token: newToken(), Appt: &Appointment{Code: a.Code, Day: a.Day, Slot: a.Slot}})
	t := s.Tickets[id]
	return Issued{Ticket: *t, Ahead: s.Ahead(t), Wait: s.EstimatedWait(t), NoWindow: s.OpenWindows(c.ID) == 0}
}

// applyAppointment applies the appointment events.
func (s *State) applyAppointment(e Event) {
	if e.Appt == nil {
		return
	}
	if s.Appointments == nil {
		s.Appointments = map[string]*Appointment{}
	}
	switch e.Type {
	case EvBooked:
		a := *e.Appt
		s.Appointments[a.Code] = &a
	case EvUnbooked:
		delete(s.Appointments, e.Appt.Code)
	case EvMissed:
		if a := s.Appointments[e.Appt.Code]; a != nil {
			a.Missed = true
		}
	}
}

// checkedIn marks a ticket issued for an appointment: it waits in its
// category's appointment line, ordered by its slot.
func (s *State) checkedIn(t *Ticket, e Event) {
	m := t.change()
	m.Appointment, m.Slot = e.Appt.Code, e.Appt.Slot
	if at := s.hall.slotStart(e.Appt.Day, e.Appt.Slot); !at.IsZero() {
		t.setQueuedAt(at)
	}
	if a := s.Appointments[e.Appt.Code]; a != nil {
		a.Ticket = t.ID
	}
}

// missedAppointments are the day's bookings never checked in (爽约), for
// the day's end.
func (s *State) missedAppointments() []string {
	var out []string
	for code, a := range s.Appointments {
		if a.Day <= s.Day && a.Ticket == "" && !a.Missed {
			out = append(out, code)
		}
	}
	slices.Sort(out)
	return out
}

// lapsedAppointments are today's bookings whose check-in window has
// closed without a check-in: every command (and the day loop's minute
// tick) releases them as 爽约 at once, so that today's ledger counts them
// and the slot's place is free, rather than waiting for the day's end.
func (s *State) lapsedAppointments(now time.Time) []string {
	var out []string
	after := time.Duration(cmpOr(s.hall.Appointments.CheckinAfter, 15)) * time.Minute
	for code, a := range s.Appointments {
		if a.Day != s.Day || a.Ticket != "" || a.Missed {
			continue
		}
		if start := s.hall.slotStart(a.Day, a.Slot); !start.IsZero() && now.After(start.Add(after)) {
			out = append(out, code)
		}
	}
	slices.Sort(out)
	return out
}

// pruneAppointments forgets the appointments of days gone.
func (s *State) pruneAppointments(day string) {
	for code, a := range s.Appointments {
		if a.Day < day {
			delete(s.Appointments, code)
		}
	}
}

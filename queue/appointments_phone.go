package queue

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Appointments without a clerk: a villager books on /book from a phone on
// the hall's network (when the hall turns it on), and checks in at the
// kiosk by the last four digits of that phone when the code is lost.

// mobile reports whether phone is a mainland mobile number (11 digits,
// starting with 1): the per-phone limit counts by it, so it must be one.
func mobile(phone string) bool {
	return len(phone) == 11 && phone[0] == '1' && strings.Trim(phone, "0123456789") == ""
}

// BookSelf books a slot for a villager on their own phone: refused unless
// the hall allows it (self_booking_off), with a name and a mobile number,
// and while that number holds fewer than the hall's per_phone bookings
// not yet checked in (phone_limit).
func (e *Engine) BookSelf(ctx context.Context, service, day, slot, name, phone string) (Appointment, error) {
	name, phone = strings.TrimSpace(name), strings.TrimSpace(phone)
	if name == "" {
		return Appointment{}, errorf(Invalid, "missing_name", "请填写姓名")
	}
	if !mobile(phone) {
		return Appointment{}, errorf(Invalid, "bad_phone", "请填写 11 位手机号")
	}
	name, phone, slot, err := checkBooking(name, phone, slot)
	if err != nil {
		return Appointment{}, err
	}
	return exec(ctx, e, func(s *State, emit func(Event)) (Appointment, error) {
		now := e.now()
		p := s.hall.Appointments
		if !p.SelfBooking {
			return Appointment{}, errorf(Conflict, "self_booking_off", "本大厅未开放手机预约，请到大厅或打电话预约")
		}
		today := now.In(s.hall.Location()).Format(time.DateOnly)
		n := 0
		for _, a := range s.Appointments {
			if a.Phone == phone && a.Ticket == "" && !a.Missed && a.Day >= today {
				n++
			}
		}
		if limit := p.PhoneLimit(); n >= limit {
			return Appointment{}, errorf(Conflict, "phone_limit", "这个手机号已有 %d 个预约还没办理（每个手机号最多 %d 个），请办完或到大厅取消后再约", n, limit)
		}
		return s.book(emit, now, "phone", service, day, slot, name, phone)
	})
}

// phoneTail reports whether s is four digits.
func phoneTail(s string) bool {
	return len(s) == 4 && strings.Trim(s, "0123456789") == ""
}

// BookingsByPhone lists today's bookings still to check in whose phone
// ends with the four digits, by slot.
func (s *State) BookingsByPhone(last4 string) []Appointment {
	if !phoneTail(last4) {
		return nil
	}
	var out []Appointment
	for _, a := range s.Appointments {
		if a.Day == s.Day && a.Ticket == "" && !a.Missed && len(a.Phone) >= 4 && strings.HasSuffix(a.Phone, last4) {
			out = append(out, *a)
		}
	}
	slices.SortFunc(out, func(a, b Appointment) int {
		return strings.Compare(a.Slot+a.Service+a.Code, b.Slot+b.Service+b.Code)
	})
	return out
}

// CheckInByPhone checks in, at the kiosk, the first of today's bookings
// for a service and slot whose phone ends with the four digits: the
// villager picked it from BookingsByPhone. The same window as CheckIn.
func (e *Engine) CheckInByPhone(ctx context.Context, last4, service, slot string) (Issued, error) {
	if !phoneTail(last4) {
		return Issued{}, errorf(Invalid, "bad_phone_last4", "请输入手机号的后四位")
	}
	return exec(ctx, e, func(s *State, emit func(Event)) (Issued, error) {
		for _, a := range s.BookingsByPhone(last4) {
			if a.Service == service && a.Slot == slot {
				return e.checkIn(s, emit, s.Appointments[a.Code])
			}
		}
		return Issued{}, errorf(NotFound, "unknown_appointment", "今天没有这个手机号的这个预约，请核对或取普通号")
	})
}

// DayFree is a day a service books, with the places left on it.
type DayFree struct {
	Day  string `json:"day"`
	Free int    `json:"free"`
}

// BookableDays lists the days from today up to the service's days_ahead
// that have slots still to come, with the places left (0 on a full day,
// or one whose daily cap the bookings have taken).
func (s *State) BookableDays(service string, now time.Time) ([]DayFree, error) {
	svc, ok := s.hall.Service(service)
	if !ok {
		return nil, errorf(NotFound, "unknown_service", "没有这个事项：%q", service)
	}
	if svc.Booking == nil {
		return nil, errorf(Conflict, "not_bookable", "%s不接受预约", svc.Name)
	}
	out := []DayFree{}
	today := now.In(s.hall.Location())
	for i := 0; i <= svc.Booking.daysAhead(); i++ {
		day := today.AddDate(0, 0, i).Format(time.DateOnly)
		slots, err := s.FreeSlots(service, day, now)
		if err != nil || len(slots) == 0 {
			continue
		}
		d := DayFree{Day: day}
		if !s.bookingCapped(svc, day) {
			for _, sl := range slots {
				d.Free += sl.Free
			}
		}
		out = append(out, d)
	}
	return out, nil
}

// Ahead is how many days ahead the service books (7 when not set).
func (b *Booking) Ahead() int { return b.daysAhead() }

// PhoneLimit is how many bookings not yet checked in one phone number may
// hold on /book (2 when not set).
func (p AppointmentPolicy) PhoneLimit() int { return cmpOr(p.PerPhone, 2) }

// Window is the check-in window around a slot's start, in minutes before
// and after (15 and 15 when not set).
func (p AppointmentPolicy) Window() (before, after int) {
	return cmpOr(p.CheckinBefore, 15), cmpOr(p.CheckinAfter, 15)
}

package queue

import "slices"

// Daily caps and appointments. A booking made within the cap is a promise:
// its check-in is never refused for the cap, so the cap keeps its place
// from the moment it is booked. Walk-ins of its day count the bookings
// still to check in as taken, and a booking is refused (cap_reached) once
// a day's bookings, with the numbers already issued when the day is
// today, fill the cap. A cap the manager lifts today lifts both.

// pendingOn counts the bookings of a day that still hold a place: not
// 爽约, and for today not yet checked in (a checked-in one is an issued
// ticket, counted as such).
func (s *State) pendingOn(day string, match func(*Appointment) bool) int {
	n := 0
	for _, a := range s.Appointments {
		if a.Day == day && !a.Missed && (day != s.Day || a.Ticket == "") && match(a) {
			n++
		}
	}
	return n
}

// serviceCapped reports whether a service's daily cap is full on a day:
// the numbers issued (today) and the bookings holding a place.
func (s *State) serviceCapped(svc *Service, day string) bool {
	if svc.DailyCap <= 0 || (day == s.Day && slices.Contains(s.Today.Lifted, "service:"+svc.ID)) {
		return false
	}
	n := s.pendingOn(day, func(a *Appointment) bool { return a.Service == svc.ID })
	if day == s.Day {
		n += s.issuedService[svc.ID]
	}
	return n >= svc.DailyCap
}

// categoryCapped is serviceCapped for a category's cap.
func (s *State) categoryCapped(id, day string) bool {
	c, ok := s.hall.Category(id)
	if !ok || c.DailyCap <= 0 || (day == s.Day && slices.Contains(s.Today.Lifted, "category:"+id)) {
		return false
	}
	n := s.pendingOn(day, func(a *Appointment) bool { return a.Category == id })
	if day == s.Day {
		n += s.issuedCategory[id]
	}
	return n >= c.DailyCap
}

// bookingCapped reports whether a booking of a service on a day would
// pass its cap or its first category's (the one it is booked into).
func (s *State) bookingCapped(svc *Service, day string) bool {
	return s.serviceCapped(svc, day) || (len(svc.Categories) > 0 && s.categoryCapped(svc.Categories[0], day))
}

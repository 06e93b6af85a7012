package web

import (
	"net/http"

	"github.com/yimen-hall/yimen/queue"
)

// /book: a villager books on their own phone, on the hall's Wi-Fi, when
// the hall turns it on (appointments.self_booking). Nobody signs in, so
// every request is limited per address, and the queue limits the bookings
// one phone number holds (appointments.per_phone).

func (s *Server) bookRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /api/book", s.getBook)
	m.HandleFunc("GET /api/book/days", s.getBookDays)
	m.HandleFunc("GET /api/book/slots", s.getBookSlots)
	m.HandleFunc("POST /api/book", s.postBook)
}

// bookAllowed answers the refusal itself when self-booking is off or the
// address is past its limit.
func (s *Server) bookAllowed(w http.ResponseWriter, r *http.Request, limit *rateLimiter) bool {
	if !s.engine.Hall().Appointments.SelfBooking {
		failWith(w, http.StatusConflict, "self_booking_off", "本大厅未开放手机预约，请到大厅或打电话预约")
		return false
	}
	if !limit.allow("book:" + remoteHost(r)) {
		w.Header().Set("Retry-After", "600")
		failWith(w, http.StatusTooManyRequests, "rate_limited", "操作过于频繁，请稍后再试，或到大厅预约")
		return false
	}
	return true
}

// bookServiceJSON is a service as /book offers it.
type bookServiceJSON struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Icon      string   `json:"icon,omitempty"`
	Note      string   `json:"note,omitempty"`
	Bring     []string `json:"bring,omitempty"`
	DaysAhead int      `json:"days_ahead"`
}

func (s *Server) getBook(w http.ResponseWriter, r *http.Request) {
	h := s.engine.Hall()
	p := h.Appointments
	v := map[string]any{"open": p.SelfBooking, "hall": h.Name}
	if p.SelfBooking {
		if !s.bookAllowed(w, r, s.bookReads) {
			return
		}
		services := []bookServiceJSON{}
		for _, sv := range h.Services {
			if sv.Booking != nil {
				services = append(services, bookServiceJSON{ID: sv.ID, Name: sv.Name, Icon: sv.Icon, Note: sv.Note, Bring: sv.Bring, DaysAhead: sv.Booking.Ahead()})
			}
		}
		v["services"] = services
		v["per_phone"] = p.PhoneLimit()
		v["checkin_before_minutes"], v["checkin_after_minutes"] = p.Window()
	}
	WriteJSON(w, http.StatusOK, v)
}

func (s *Server) getBookDays(w http.ResponseWriter, r *http.Request) {
	if !s.bookAllowed(w, r, s.bookReads) {
		return
	}
	service := r.URL.Query().Get("service")
	var (
		days []queue.DayFree
		err  error
	)
	s.engine.Read(func(st *queue.State) { days, err = st.BookableDays(service, s.now()) })
	if err != nil {
		s.fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"service": service, "days": days})
}

func (s *Server) getBookSlots(w http.ResponseWriter, r *http.Request) {
	if !s.bookAllowed(w, r, s.bookReads) {
		return
	}
	s.getFreeSlots(w, r)
}

func (s *Server) postBook(w http.ResponseWriter, r *http.Request) {
	if !s.bookAllowed(w, r, s.bookPosts) {
		return
	}
	var req bookingRequest
	if !decode(w, r, &req) {
		return
	}
	a, err := s.engine.BookSelf(r.Context(), req.Service, req.Day, req.Slot, req.Name, req.Phone)
	if err != nil {
		s.failBooking(w, r, err)
		return
	}
	name := ""
	if sv, ok := s.engine.Hall().Service(a.Service); ok {
		name = sv.Name
	}
	// The answer leaves out the phone: it is the villager's own.
	WriteJSON(w, http.StatusCreated, map[string]string{
		"code": a.Code, "service": a.Service, "service_name": name, "day": a.Day, "slot": a.Slot, "name": a.Name,
	})
}

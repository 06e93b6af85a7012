package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/yimen-hall/yimen/kiosk"
	"github.com/yimen-hall/yimen/queue"
)

// Appointments (预约): booked by a clerk or the manager for a villager who
// phoned, checked in at the kiosk with the code.

func (s *Server) appointmentRoutes(m *http.ServeMux) {
	m.HandleFunc("POST /api/appointments", s.signedIn(s.postAppointment))
	m.HandleFunc("DELETE /api/appointments/{code}", s.signedIn(s.deleteAppointment))
	m.HandleFunc("GET /api/admin/appointments", s.signedIn(s.getAppointments))
	m.HandleFunc("GET /api/appointments/slots", s.signedIn(s.getFreeSlots))
}

func (s *Server) getFreeSlots(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var (
		slots []queue.SlotFree
		err   error
	)
	s.engine.Read(func(st *queue.State) { slots, err = st.FreeSlots(q.Get("service"), q.Get("day"), s.now()) })
	if err != nil {
		s.fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"service": q.Get("service"), "day": q.Get("day"), "slots": slots})
}

// bookingRequest is a booking as a clerk's page and /book send it.
type bookingRequest struct {
	Service string `json:"service"`
	Day     string `json:"day"`
	Slot    string `json:"slot"`
	Name    string `json:"name"`
	Phone   string `json:"phone"`
}

func (s *Server) postAppointment(w http.ResponseWriter, r *http.Request) {
	var req bookingRequest
	if !decode(w, r, &req) {
		return
	}
	a, err := s.engine.Book(r.Context(), who(r), req.Service, req.Day, req.Slot, req.Name, req.Phone)
	if err != nil {
		s.failBooking(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, a)
}

// failBooking answers a refused booking; a refusal of the slot offers the
// next free one.
func (s *Server) failBooking(w http.ResponseWriter, r *http.Request, err error) {
	var be *queue.BookingError
	if !errors.As(err, &be) {
		s.fail(w, r, err)
		return
	}
	body := map[string]any{"error": be.Err.Message, "code": be.Err.Code}
	if be.NextDay != "" {
		body["next"] = map[string]string{"day": be.NextDay, "slot": be.NextSlot}
	}
	WriteJSON(w, http.StatusConflict, body)
}

func (s *Server) deleteAppointment(w http.ResponseWriter, r *http.Request) {
	if err := s.engine.CancelAppointment(r.Context(), who(r), r.PathValue("code")); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) getAppointments(w http.ResponseWriter, r *http.Request) {
	day := r.URL.Query().Get("day")
	if day == "" {
		day = s.now().In(s.engine.Hall().Location()).Format(time.DateOnly)
	}
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		failWith(w, http.StatusBadRequest, "bad_day", "日期应写成 2026-11-23")
		return
	}
	var list []queue.Appointment
	s.engine.Read(func(st *queue.State) { list = st.AppointmentsOn(day) })
	if list == nil {
		list = []queue.Appointment{}
	}
	WriteJSON(w, http.StatusOK, map[string]any{"day": day, "appointments": list})
}

// checkIn issues the ticket of an appointment at a paired kiosk (by its
// code or by the phone's last four digits); too early says when to come
// back (come_back_at).
func (s *Server) checkIn(w http.ResponseWriter, r *http.Request, check func(url func(string) string) (kiosk.Result, error)) {
	url := s.statusURL(r)
	res, err := check(url)
	var ce *queue.CheckinError
	switch {
	case errors.As(err, &ce):
		WriteJSON(w, http.StatusConflict, map[string]any{
			"error": ce.Err.Message, "code": ce.Err.Code,
			"come_back_at": ce.At.In(s.engine.Hall().Location()).Format("15:04"),
		})
	case err != nil:
		s.failIssue(w, r, err)
	default:
		s.writeIssued(w, res, url)
	}
}

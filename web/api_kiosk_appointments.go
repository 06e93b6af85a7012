package web

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/yimen-hall/yimen/queue"
)

// What a paired kiosk does for a villager beyond taking a number: find
// today's bookings by the last four digits of the phone (for one who lost
// the code), and put back a 过号 ticket (过号重排) scanned or typed.
// Both are limited per kiosk: four digits are easy to guess, and a list of
// who booked what must not be read off the kiosk by trying them all.

func (s *Server) kioskAppointmentRoutes(m *http.ServeMux) {
	m.HandleFunc("POST /api/kiosk/bookings-by-phone", s.postBookingsByPhone)
	m.HandleFunc("POST /api/kiosk/requeue", s.postKioskRequeue)
}

// pairedKiosk answers the refusal itself unless r comes from a paired
// kiosk within limit's rate (per kiosk).
func (s *Server) pairedKiosk(w http.ResponseWriter, r *http.Request, limit *rateLimiter) bool {
	k, ok := s.kiosks.Of(r)
	if !ok || !k.Is(RoleKiosk) {
		failWith(w, http.StatusUnauthorized, "kiosk_not_paired", "只有大厅的取号机可以使用（本机未配对，请管理员在管理页面批准）")
		return false
	}
	if !limit.allow("kiosk:" + k.ID) {
		w.Header().Set("Retry-After", "60")
		failWith(w, http.StatusTooManyRequests, "rate_limited", "输入次数过多，请稍后再试或到咨询台")
		return false
	}
	return true
}

// bookingJSON is a booking as the kiosk may show it to whoever stands in
// front of it: the name masked, never the phone or the code.
type bookingJSON struct {
	Name        string `json:"name"`
	Service     string `json:"service"`
	ServiceName string `json:"service_name"`
	Slot        string `json:"slot"`
}

// maskName keeps a name's first character: 王大爷 → 王**.
func maskName(name string) string {
	n := utf8.RuneCountInString(name)
	if n == 0 {
		return ""
	}
	r, _ := utf8.DecodeRuneInString(name)
	return string(r) + strings.Repeat("*", max(n-1, 1))
}

func (s *Server) postBookingsByPhone(w http.ResponseWriter, r *http.Request) {
	if !s.pairedKiosk(w, r, s.phoneLookups) {
		return
	}
	var req struct {
		Last4 string `json:"last4"`
	}
	if !decode(w, r, &req) {
		return
	}
	if len(req.Last4) != 4 || strings.Trim(req.Last4, "0123456789") != "" {
		failWith(w, http.StatusBadRequest, "bad_phone_last4", "请输入手机号的后四位")
		return
	}
	h := s.engine.Hall()
	out := []bookingJSON{}
	s.engine.Read(func(st *queue.State) {
		for _, a := range st.BookingsByPhone(req.Last4) {
			b := bookingJSON{Name: maskName(a.Name), Service: a.Service, Slot: a.Slot}
			if sv, ok := h.Service(a.Service); ok {
				b.ServiceName = sv.Name
			}
			out = append(out, b)
		}
	})
	WriteJSON(w, http.StatusOK, map[string]any{"bookings": out})
}

func (s *Server) postKioskRequeue(w http.ResponseWriter, r *http.Request) {
	if !s.pairedKiosk(w, r, s.requeues) {
		return
	}
	var req struct {
		Ticket string `json:"ticket"` // the number typed, or the QR code's address scanned
	}
	if !decode(w, r, &req) {
		return
	}
	t, err := s.engine.RequeueAtKiosk(r.Context(), req.Ticket)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var v ticketJSON
	s.engine.Read(func(st *queue.State) {
		if p := st.Tickets[t.ID]; p != nil {
			v = ticketOf(st, p)
		}
	})
	WriteJSON(w, http.StatusOK, v)
}

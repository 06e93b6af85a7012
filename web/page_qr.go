package web

import (
	"net/http"

	qrcode "github.com/skip2/go-qrcode"
)

// ticketQR draws the QR code of a ticket's status page, for the kiosk's
// screen (the printer draws its own). Only this daemon's own ticket pages
// are ever encoded: the token must name a ticket of today.
func (s *Server) ticketQR(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if !s.ticketExists(token) {
		failWith(w, http.StatusNotFound, "unknown_ticket", "号票不存在或已过期（号票当日有效）")
		return
	}
	s.serveQR(w, r, s.statusURL(r)(token), "private, max-age=86400")
}

// bookQR draws the QR code of /book, for the lobby and the kiosk to show
// while the hall lets villagers book on their phones; none otherwise, so
// that no screen sends them to a page that refuses them.
func (s *Server) bookQR(w http.ResponseWriter, r *http.Request) {
	if !s.engine.Hall().Appointments.SelfBooking {
		failWith(w, http.StatusNotFound, "self_booking_off", "本大厅未开放手机预约，请到大厅或打电话预约")
		return
	}
	// no-cache: the answer turns into a 404 when booking is turned off.
	s.serveQR(w, r, s.publicBase(r)+"/book", "no-cache")
}

func (s *Server) serveQR(w http.ResponseWriter, r *http.Request, url, cache string) {
	png, err := qrcode.Encode(url, qrcode.Medium, 320)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", cache)
	w.Write(png)
}

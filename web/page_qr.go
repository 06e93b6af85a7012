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
	png, err := qrcode.Encode(s.statusURL(r)(token), qrcode.Medium, 320)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=86400")
	w.Write(png)
}

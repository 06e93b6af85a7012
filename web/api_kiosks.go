package web

import (
	"errors"
	"net"
	"net/http"
	"time"
)

// kioskRoutes serve pairing: a kiosk screen proposes itself and polls,
// the manager approves, lists, creates (for scripts) and removes kiosks.
func (s *Server) kioskRoutes(m *http.ServeMux) {
	m.HandleFunc("POST /api/kiosk/pair", s.postKioskPair)
	m.HandleFunc("GET /api/kiosk/pair", s.getKioskPair)
	m.HandleFunc("GET /api/kiosk/me", s.getKioskMe)
	m.HandleFunc("GET /kiosk/pair/{secret}", s.getKioskPairLink)
	m.HandleFunc("GET /api/admin/kiosks", s.admin(s.getKiosks))
	m.HandleFunc("POST /api/admin/kiosks", s.admin(s.postKiosk))
	m.HandleFunc("POST /api/admin/kiosks/pending/{id}/approve", s.admin(s.postApproveKiosk))
	m.HandleFunc("DELETE /api/admin/kiosks/{id}", s.admin(s.deleteKiosk))
}

// roleOf reads the role a request names, answering the refusal itself.
func roleOf(w http.ResponseWriter, s string) (Role, bool) {
	role, ok := parseRole(s)
	if !ok {
		failWith(w, http.StatusBadRequest, "bad_role", "role 只能是 kiosk（取号机）或 rating（评价器）")
	}
	return role, ok
}

func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) setKioskCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: kioskCookie, Value: token, Path: "/", MaxAge: 10 * 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
}

// postKioskPair: a screen asks to become a kiosk; it shows the code the
// manager then approves on /admin.
func (s *Server) postKioskPair(w http.ResponseWriter, r *http.Request) {
	if !s.pairRate.allow(remoteHost(r)) {
		w.Header().Set("Retry-After", "30")
		failWith(w, http.StatusTooManyRequests, "rate_limited", "请求过于频繁，请稍后再试")
		return
	}
	var req struct {
		Role string `json:"role"`
	}
	if !decode(w, r, &req) {
		return
	}
	role, ok := roleOf(w, req.Role)
	if !ok {
		return
	}
	secret, code := s.kiosks.Propose(remoteHost(r), role)
	http.SetCookie(w, &http.Cookie{
		Name: kioskPairCookie, Value: secret, Path: "/api/kiosk/pair", MaxAge: int(pendingKioskTTL / time.Second),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
	})
	WriteJSON(w, http.StatusCreated, map[string]any{"state": "pending", "code": code})
}

// getKioskPair: the proposing screen polls; once approved it gets its
// credential as a cookie.
func (s *Server) getKioskPair(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(kioskPairCookie)
	if err != nil {
		failWith(w, http.StatusNotFound, "no_pairing", "没有待批准的配对请求")
		return
	}
	code, token, name, found := s.kiosks.Poll(c.Value)
	if !found {
		failWith(w, http.StatusNotFound, "no_pairing", "配对请求已过期，请重新申请")
		return
	}
	if token == "" {
		WriteJSON(w, http.StatusOK, map[string]any{"state": "pending", "code": code})
		return
	}
	s.setKioskCookie(w, r, token)
	http.SetCookie(w, &http.Cookie{Name: kioskPairCookie, Value: "", Path: "/api/kiosk/pair", MaxAge: -1})
	WriteJSON(w, http.StatusOK, map[string]any{"state": "paired", "name": name})
}

func (s *Server) getKioskMe(w http.ResponseWriter, r *http.Request) {
	k, ok := s.kiosks.Of(r)
	WriteJSON(w, http.StatusOK, map[string]any{"paired": ok, "name": k.Name, "role": k.Role})
}

// getKioskPairLink pairs the screen that opens a one-time link printed at
// start, then shows it the kiosk page.
func (s *Server) getKioskPairLink(w http.ResponseWriter, r *http.Request) {
	token, ok := s.kiosks.usePairLink(r.PathValue("secret"))
	if !ok {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte("配对链接无效或已用过。请在管理页面（/admin）批准这台取号机。\n"))
		return
	}
	s.setKioskCookie(w, r, token)
	http.Redirect(w, r, "/kiosk", http.StatusSeeOther)
}

func (s *Server) getKiosks(w http.ResponseWriter, r *http.Request) {
	paired, pending := s.kiosks.views(s.engine.Hall().Location())
	WriteJSON(w, http.StatusOK, map[string]any{"kiosks": paired, "pending": pending})
}

// postKiosk pairs a kiosk without a screen: an integrator's script, a
// load test. The token is shown once.
func (s *Server) postKiosk(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name string `json:"name"`
		Role string `json:"role"`
	}
	if !decode(w, r, &req) {
		return
	}
	role, ok := roleOf(w, req.Role)
	if !ok {
		return
	}
	id, token, err := s.kiosks.Create(req.Name, role)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusCreated, map[string]string{"id": id, "token": token})
}

func (s *Server) postApproveKiosk(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Name string `json:"name"`
	}
	if !decode(w, r, &req) {
		return
	}
	k, err := s.kiosks.Approve(r.PathValue("id"), req.Name)
	switch {
	case errors.Is(err, errNoPending):
		failWith(w, http.StatusNotFound, "no_pairing", "该配对请求已过期或已批准")
	case err != nil:
		s.fail(w, r, err)
	default:
		WriteJSON(w, http.StatusOK, map[string]string{"id": k.ID, "name": k.Name})
	}
}

func (s *Server) deleteKiosk(w http.ResponseWriter, r *http.Request) {
	if !s.kiosks.Remove(r.PathValue("id")) {
		failWith(w, http.StatusNotFound, "unknown_kiosk", "没有这台取号机")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

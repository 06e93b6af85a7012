package web

import (
	"net/http"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// The rating tablet (/rate/{window}): a cheap tablet on the window's desk
// shows the number just finished there and five large choices. It is a
// paired screen like a kiosk: it pairs through the kiosk pairing in the
// rating role (the manager approves its code on /admin) and proves its
// credential on every call; a kiosk's credential does not rate, and the
// tablet's does not take numbers. pairedScreen is the one place that
// decides it.

// rateWindow is how long after 办结 the tablet still asks for a rating.
const rateWindow = 10 * time.Minute

func (s *Server) pairedScreen(r *http.Request) bool {
	k, ok := s.kiosks.Of(r)
	return ok && k.Is(RoleRating)
}

func (s *Server) rateRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /api/rate/{window}", s.getRate)
	m.HandleFunc("POST /api/rate/{window}", s.postRate)
	m.HandleFunc("GET /api/admin/complaints", s.admin(s.getComplaints))
	m.HandleFunc("GET /api/admin/forecast", s.admin(s.getForecast))
	m.HandleFunc("POST /api/admin/complaints/{ticket}/followup", s.admin(s.postFollowup))
}

type scoreChoice struct {
	Score int    `json:"score"`
	Name  string `json:"name"`
}

// getRate tells the tablet what to show: the ticket finished last at its
// window while it still awaits a rating, the choices and the reasons.
func (s *Server) getRate(w http.ResponseWriter, r *http.Request) {
	if !s.pairedScreen(r) {
		failWith(w, http.StatusUnauthorized, "not_paired", "本机尚未配对，请管理员批准")
		return
	}
	id := r.PathValue("window")
	win, ok := s.engine.Hall().Window(id)
	if !ok {
		failWith(w, http.StatusNotFound, "unknown_window", "没有这个窗口")
		return
	}
	now := s.now()
	var ticket any
	s.engine.Read(func(st *queue.State) {
		ws := st.Windows[id]
		if ws == nil {
			return
		}
		if t := st.Tickets[ws.LastDone]; t != nil && t.Score() == 0 && now.Sub(t.DoneAt()) < rateWindow {
			ticket = map[string]string{"id": t.ID, "number": t.Number}
		}
	})
	choices := []scoreChoice{}
	for sc := 5; sc >= 1; sc-- {
		choices = append(choices, scoreChoice{sc, queue.ScoreNames[sc]})
	}
	WriteJSON(w, http.StatusOK, map[string]any{
		"window": win.ID, "window_name": win.Name, "ticket": ticket,
		"choices": choices, "reasons": queue.RatingReasons(), "low_score": queue.LowScore,
	})
}

func (s *Server) postRate(w http.ResponseWriter, r *http.Request) {
	if !s.pairedScreen(r) {
		failWith(w, http.StatusUnauthorized, "not_paired", "本机尚未配对，请管理员批准")
		return
	}
	var req struct {
		Ticket string `json:"ticket"`
		Score  int    `json:"score"`
		Reason string `json:"reason"`
	}
	if !decode(w, r, &req) {
		return
	}
	t, err := s.engine.RateTicket(r.Context(), r.PathValue("window"), req.Ticket, req.Score, req.Reason)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"number": t.Number, "score": t.Score})
}

// complaintJSON is a complaint as /admin shows it.
type complaintJSON struct {
	queue.Complaint
	WindowName   string `json:"window_name"`
	StaffName    string `json:"staff_name"`
	ScoreName    string `json:"score_name"`
	Overdue      bool   `json:"overdue"`
	ActionName   string `json:"action_name,omitempty"`
	ClosedByName string `json:"closed_by_name,omitempty"`
}

func (s *Server) getComplaints(w http.ResponseWriter, r *http.Request) {
	h := s.engine.Hall()
	now := s.now()
	var list []queue.Complaint
	s.engine.Read(func(st *queue.State) { list = st.ComplaintList() })
	out := []complaintJSON{}
	for _, c := range list {
		out = append(out, s.complaintView(h, c, now))
	}
	WriteJSON(w, http.StatusOK, map[string]any{"complaints": out, "followup_days": h.FollowupDays()})
}

func (s *Server) complaintView(h *queue.Hall, c queue.Complaint, now time.Time) complaintJSON {
	loc := h.Location()
	c.At, c.Due = c.At.In(loc), c.Due.In(loc)
	if !c.ClosedAt.IsZero() {
		c.ClosedAt = c.ClosedAt.In(loc)
	}
	v := complaintJSON{Complaint: c, WindowName: c.Window, StaffName: h.ActorName(c.Staff), ScoreName: queue.ScoreNames[c.Score],
		Overdue: c.Overdue(now), ActionName: queue.FollowupNames[c.Action], ClosedByName: h.ActorName(c.ClosedBy)}
	if win, ok := h.Window(c.Window); ok {
		v.WindowName = win.Name
	}
	return v
}

// postFollowup records the manager's follow-up of a complaint.
func (s *Server) postFollowup(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Action string `json:"action"`
		Note   string `json:"note"`
	}
	if !decode(w, r, &req) {
		return
	}
	by := "admin"
	if sess := sessionOf(r); sess != nil && sess.Staff != "" {
		by = sess.Staff
	}
	c, err := s.engine.FollowUp(r.Context(), r.PathValue("ticket"), by, req.Action, req.Note)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, s.complaintView(s.engine.Hall(), c, s.now()))
}

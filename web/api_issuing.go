package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// Opening hours and caps as the kiosk, the lobby and the manager see them.

// issuingJSON says whether the kiosk hands out numbers now.
type issuingJSON struct {
	Open    bool   `json:"open"`
	Closing bool   `json:"closing,omitempty"` // 停止取号 until closing
	OpensAt string `json:"opens_at,omitempty"`
	StopsAt string `json:"stops_at,omitempty"`
	// Text is the reopening as the hall says it: "明天 08:30".
	Text string `json:"text,omitempty"`
}

func (s *Server) getIssuing(w http.ResponseWriter, r *http.Request) {
	is := s.engine.IssuingNow()
	v := issuingJSON{Open: is.Open, Closing: is.Closing}
	if !is.OpensAt.IsZero() {
		v.OpensAt = is.OpensAt.Format(time.RFC3339)
		v.Text = queue.ReopenText(s.now(), is.OpensAt, s.engine.Hall().Location())
	}
	if !is.StopsAt.IsZero() {
		v.StopsAt = is.StopsAt.Format(time.RFC3339)
	}
	WriteJSON(w, http.StatusOK, v)
}

// failIssue answers a refused ticket; a closed hall says when it opens.
func (s *Server) failIssue(w http.ResponseWriter, r *http.Request, err error) {
	var ce *queue.ClosedError
	var qe *queue.Error
	if errors.As(err, &ce) && errors.As(err, &qe) {
		body := map[string]any{"error": qe.Message, "code": qe.Code}
		if !ce.OpensAt.IsZero() {
			body["opens_at"] = ce.OpensAt.Format(time.RFC3339)
		}
		WriteJSON(w, http.StatusConflict, body)
		return
	}
	s.fail(w, r, err)
}

func (s *Server) postExtendToday(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Until string `json:"until"`
	}
	if !decode(w, r, &req) {
		return
	}
	if err := s.engine.ExtendToday(r.Context(), who(r), req.Until); err != nil {
		s.fail(w, r, err)
		return
	}
	s.getIssuing(w, r)
}

func (s *Server) postLiftCap(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Service  string `json:"service"`
		Category string `json:"category"`
	}
	if !decode(w, r, &req) {
		return
	}
	if err := s.engine.LiftCap(r.Context(), who(r), req.Service, req.Category); err != nil {
		s.fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]bool{"lifted": true})
}

// postCloseWaiting is the manager's choice for the tickets still waiting
// at closing time: serve, carry (延续号 tomorrow) or cancel with a reason.
func (s *Server) postCloseWaiting(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Choice string `json:"choice"`
		Reason string `json:"reason"`
	}
	if !decode(w, r, &req) {
		return
	}
	n, err := s.engine.CloseWaiting(r.Context(), who(r), req.Choice, req.Reason)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"choice": req.Choice, "count": n})
}

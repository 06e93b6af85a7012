package web

import "net/http"

// postConfirmDay is the manager saying the clock's date is right after a
// jump the engine refused to follow (queue.Engine.ConfirmDay).
func (s *Server) postConfirmDay(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Day string `json:"day"`
	}
	if !decode(w, r, &req) {
		return
	}
	if err := s.engine.ConfirmDay(req.Day); err != nil {
		s.fail(w, r, err)
		return
	}
	s.hub.ClearAlarm("clock")
	WriteJSON(w, http.StatusOK, map[string]string{"day": req.Day})
}

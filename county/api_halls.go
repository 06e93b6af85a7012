package county

import (
	"net/http"

	"github.com/yimen-hall/yimen/web"
)

// apiHalls is GET /api/county/halls: every hall at once.
func (s *Service) apiHalls(w http.ResponseWriter, r *http.Request) {
	now := s.cfg.Now()
	web.WriteJSON(w, http.StatusOK, map[string]any{"at": now, "halls": s.fold.views(now)})
}

// apiHall is GET /api/county/halls/{id}: one hall in detail.
func (s *Service) apiHall(w http.ResponseWriter, r *http.Request) {
	v, ok := s.fold.hallView(r.PathValue("id"), s.cfg.Now())
	if !ok {
		writeError(w, http.StatusNotFound, "unknown_hall", "没有这个乡镇大厅")
		return
	}
	web.WriteJSON(w, http.StatusOK, v)
}

package web

import (
	"net/http"

	"github.com/yimen-hall/yimen/queue"
)

// 加开窗口: the manager gives a clerk an unused window for today from the
// floor view, and takes it back (queue/extra_window.go).

func (s *Server) extraWindowRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /api/admin/today/extra-windows", s.admin(s.getExtraWindows))
	m.HandleFunc("POST /api/admin/today/extra-window", s.admin(s.postExtraWindow))
	m.HandleFunc("POST /api/admin/today/extra-window/undo", s.admin(s.postExtraWindowUndo))
}

// extraWindowJSON is a window given for today, with the names the floor
// view shows.
type extraWindowJSON struct {
	queue.ExtraWindow
	WindowName string `json:"window_name"`
	StaffName  string `json:"staff_name"`
}

func (s *Server) extraWindows() []extraWindowJSON {
	out := []extraWindowJSON{}
	s.engine.Read(func(st *queue.State) {
		for _, x := range st.Today.Extra {
			v := extraWindowJSON{ExtraWindow: x}
			if w, ok := st.Hall().Window(x.Window); ok {
				v.WindowName = w.Name
			}
			if m, ok := st.Hall().StaffMember(x.Staff); ok {
				v.StaffName = m.Name
			}
			out = append(out, v)
		}
	})
	return out
}

func (s *Server) getExtraWindows(w http.ResponseWriter, r *http.Request) {
	WriteJSON(w, http.StatusOK, map[string]any{"extra": s.extraWindows()})
}

type extraWindowRequest struct {
	Window string `json:"window"`
	Staff  string `json:"staff"`
}

func (s *Server) postExtraWindow(w http.ResponseWriter, r *http.Request) {
	var req extraWindowRequest
	if !decode(w, r, &req) {
		return
	}
	opened, err := s.engine.OpenExtraWindow(r.Context(), who(r), req.Window, req.Staff)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"opened": opened, "extra": s.extraWindows()})
}

func (s *Server) postExtraWindowUndo(w http.ResponseWriter, r *http.Request) {
	var req extraWindowRequest
	if !decode(w, r, &req) {
		return
	}
	if err := s.engine.UndoExtraWindow(r.Context(), who(r), req.Window, req.Staff); err != nil {
		s.fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"extra": s.extraWindows()})
}

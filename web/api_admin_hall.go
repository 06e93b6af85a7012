package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/yimen-hall/yimen/queue"
)

// The manager edits the hall's configuration live: the whole document with
// the version it was read at, validated with the loader's field paths,
// logged as one event and pushed to every screen.

func (s *Server) adminHallRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /api/admin/hall", s.admin(s.getAdminHall))
	m.HandleFunc("PUT /api/admin/hall", s.admin(s.putAdminHall))
	m.HandleFunc("POST /api/admin/hall/undo", s.admin(s.postHallUndo))
	m.HandleFunc("GET /api/admin/hall/export", s.admin(s.getHallExport))
	m.HandleFunc("POST /api/admin/staff/{id}/pin", s.admin(s.postStaffPIN))
	m.HandleFunc("GET /api/issuing", s.getIssuing)
	m.HandleFunc("POST /api/admin/today/extend", s.admin(s.postExtendToday))
	m.HandleFunc("POST /api/admin/today/lift-cap", s.admin(s.postLiftCap))
	m.HandleFunc("POST /api/admin/today/close", s.admin(s.postCloseWaiting))
	m.HandleFunc("POST /api/admin/printer/test", s.admin(s.postPrinterTest))
}

// who names the manager's session in the log: their staff id, or "admin"
// for the password session.
func who(r *http.Request) string {
	if sess := sessionOf(r); sess != nil && sess.Staff != "" {
		return sess.Staff
	}
	return "admin"
}

func (s *Server) getAdminHall(w http.ResponseWriter, r *http.Request) {
	v, marks := s.engine.HallVersion()
	if marks == nil {
		marks = []queue.HallMark{}
	}
	WriteJSON(w, http.StatusOK, map[string]any{
		"version": v,
		"hall":    s.engine.Hall().Public(),
		"history": marks,
	})
}

// getHallExport is the hall file to move the hall or start it again: the
// live document with its PIN hashes (so clerks keep their PINs).
func (s *Server) getHallExport(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Disposition", `attachment; filename="hall.json"`)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	data, err := json.MarshalIndent(s.engine.Hall(), "", "  ")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Write(append(data, '\n'))
}

// maxHallBody bounds a hall document: the demo hall is 6 KB.
const maxHallBody = 1 << 20

func (s *Server) putAdminHall(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Version uint64            `json:"version"`
		Hall    *queue.Hall       `json:"hall"`
		Moves   map[string]string `json:"moves"`
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxHallBody)
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		failWith(w, http.StatusBadRequest, "bad_json", "请求格式错误："+jsonProblem(err))
		return
	}
	if req.Hall == nil {
		failWith(w, http.StatusBadRequest, "missing_hall", "缺少 hall（整份配置）")
		return
	}
	// Plain PINs are hashed here; a new clerk without one gets one, shown
	// once in the answer.
	cur := s.engine.Hall()
	pins := map[string]string{}
	var problems []*queue.FieldError
	for i := range req.Hall.Staff {
		st := &req.Hall.Staff[i]
		st.PINHash = "" // only the daemon sets hashes
		_, known := cur.StaffMember(st.ID)
		switch {
		case st.PIN == "" && known:
			continue
		case st.PIN == "":
			st.PIN = NewPIN()
			pins[st.ID] = st.PIN
		case !queue.ValidPIN(st.PIN):
			problems = append(problems, &queue.FieldError{Path: fmt.Sprintf("staff[%d].pin", i), Problem: "must be 4 to 12 digits"})
			continue
		}
		hash, err := s.auth.HashPIN(st.PIN)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		st.PIN, st.PINHash = "", hash
	}
	// The id names the hall to its county, which knows it by nothing
	// else: it comes from the hall file or --hall-id, never from here.
	switch req.Hall.ID {
	case "":
		req.Hall.ID = cur.ID
	case cur.ID:
	default:
		problems = append(problems, &queue.FieldError{Path: "id", Problem: "the hall's id is set in the hall file (or --hall-id), not here"})
	}
	if len(problems) > 0 {
		WriteJSON(w, http.StatusBadRequest, hallProblems{apiError{Error: "配置有误，请按提示修改", Code: "invalid_hall"}, problems})
		return
	}
	v, err := s.engine.UpdateHall(r.Context(), queue.HallChange{By: who(r), Version: req.Version, Hall: req.Hall, Moves: req.Moves})
	if err != nil {
		s.failHall(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"version": v, "pins": pins})
}

// hallProblems is an error answer that lists each field to fix.
type hallProblems struct {
	apiError
	Problems []*queue.FieldError `json:"problems"`
}

// failHall answers a refused change with the problems by field path.
func (s *Server) failHall(w http.ResponseWriter, r *http.Request, err error) {
	var qe *queue.Error
	if probs := queue.FieldErrors(err); errors.As(err, &qe) && len(probs) > 0 {
		status := http.StatusBadRequest
		if qe.Kind == queue.Conflict {
			status = http.StatusConflict
		}
		WriteJSON(w, status, hallProblems{apiError{Error: qe.Message, Code: qe.Code}, probs})
		return
	}
	s.fail(w, r, err)
}

// postHallUndo brings back an earlier document: "to" names its version,
// by default the one before the current.
func (s *Server) postHallUndo(w http.ResponseWriter, r *http.Request) {
	var req struct {
		To      uint64            `json:"to"`
		Version uint64            `json:"version"`
		Moves   map[string]string `json:"moves"`
	}
	if !decode(w, r, &req) {
		return
	}
	if req.To == 0 {
		_, marks := s.engine.HallVersion()
		if len(marks) < 2 {
			failWith(w, http.StatusConflict, "nothing_to_undo", "没有可以撤销的修改")
			return
		}
		req.To = marks[len(marks)-2].Seq
	}
	v, err := s.engine.RevertHall(r.Context(), who(r), req.To, req.Version, req.Moves)
	if err != nil {
		s.failHall(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"version": v, "reverted_to": strconv.FormatUint(req.To, 10)})
}

// postStaffPIN sets a clerk's PIN, or without one makes one and shows it
// this once. The clerk is signed out everywhere.
func (s *Server) postStaffPIN(w http.ResponseWriter, r *http.Request) {
	var req struct {
		PIN string `json:"pin"`
	}
	if !decode(w, r, &req) {
		return
	}
	made := req.PIN == ""
	if made {
		req.PIN = NewPIN()
	} else if !queue.ValidPIN(req.PIN) {
		failWith(w, http.StatusBadRequest, "bad_pin", "密码应为 4 到 12 位数字")
		return
	}
	hash, err := s.auth.HashPIN(req.PIN)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	v, err := s.engine.SetPIN(r.Context(), who(r), id, hash)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.auth.EndSessions(id)
	out := map[string]any{"version": v, "staff": id}
	if made {
		out["pin"] = req.PIN
	}
	WriteJSON(w, http.StatusOK, out)
}

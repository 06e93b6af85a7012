package web

import (
	"net/http"

	"github.com/yimen-hall/yimen/queue"
)

// getFloor is the manager's live floor: the board, every open ticket and
// the tickets that did not print. (The printer's state is
// GET /api/admin/printer.)
func (s *Server) getFloor(w http.ResponseWriter, r *http.Request) {
	var open, unprinted []ticketJSON
	s.engine.Read(func(st *queue.State) {
		// In a stable order (by issue time, then id): the tickets map
		// iterates differently on every request.
		for _, t := range st.OpenTickets() {
			v := ticketOf(st, t)
			open = append(open, v)
			if !t.Printed {
				unprinted = append(unprinted, v)
			}
		}
	})
	WriteJSON(w, http.StatusOK, map[string]any{
		"board":     rawJSON(s.hub.Snapshot()),
		"alarms":    s.hub.Alarms(), // the board's are stripped for the public push
		"open":      open,
		"unprinted": unprinted,
	})
}

// getAlarms gives the manager the hall's alarms with their detail (which
// device, which window), which the public push leaves out.
func (s *Server) getAlarms(w http.ResponseWriter, r *http.Request) {
	WriteJSON(w, http.StatusOK, map[string]any{"alarms": s.hub.Alarms()})
}

type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }

func (s *Server) postReprint(w http.ResponseWriter, r *http.Request) {
	res, err := s.kiosk.Reprint(r.Context(), r.PathValue("id"), s.statusURL(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, map[string]any{"printed": res.Printed, "print_error": res.PrintError})
}

func (s *Server) postCancel(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Reason string `json:"reason"`
	}
	if !decode(w, r, &req) {
		return
	}
	t, err := s.engine.Cancel(r.Context(), r.PathValue("id"), req.Reason)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	WriteJSON(w, http.StatusOK, ticketView(s.engine.Hall(), &t, 0, 0))
}

func (s *Server) getDevices(w http.ResponseWriter, r *http.Request) {
	if s.devices == nil {
		WriteJSON(w, http.StatusOK, []any{})
		return
	}
	WriteJSON(w, http.StatusOK, s.devices.DevicesJSON())
}

func (s *Server) postAssignDevice(w http.ResponseWriter, r *http.Request) {
	if s.devices == nil {
		failWith(w, http.StatusNotFound, "no_bridge", "未启用设备桥")
		return
	}
	var req struct {
		Window string `json:"window"`
	}
	if !decode(w, r, &req) {
		return
	}
	if _, ok := s.engine.Hall().Window(req.Window); !ok && req.Window != "" {
		failWith(w, http.StatusBadRequest, "unknown_window", "没有这个窗口")
		return
	}
	if err := s.devices.Assign(r.PathValue("hwid"), req.Window); err != nil {
		failWith(w, http.StatusNotFound, "unknown_device", err.Error())
		return
	}
	WriteJSON(w, http.StatusOK, s.devices.DevicesJSON())
}

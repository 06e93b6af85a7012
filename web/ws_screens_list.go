package web

import (
	"net/http"
	"sort"
	"time"
)

// A lobby TV or window screen that went dark is only noticed if someone
// sees it missing: the screens say which page they are on the socket's URL
// (?screen=lobby, ?screen=window&window=3), and the manager's devices tab
// lists every connected one. Phones and clerk pages, which say nothing,
// are only counted.

// screenPage is what a screen says it shows; "" for any other page.
type screenPage struct {
	kind   string // "lobby" or "window"
	window string // for "window": the window's id
}

// pageOf reads and bounds what the socket's URL claims: it comes from
// anyone on the LAN, so only two kinds and a short plain id are kept.
func pageOf(r *http.Request) screenPage {
	q := r.URL.Query()
	switch q.Get("screen") {
	case "lobby":
		return screenPage{kind: "lobby"}
	case "window":
		if id := q.Get("window"); plainID(id) {
			return screenPage{kind: "window", window: id}
		}
	}
	return screenPage{}
}

func plainID(s string) bool {
	if s == "" || len(s) > 16 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// screenRow is one connected screen as GET /api/admin/screens shows it.
type screenRow struct {
	Screen      string    `json:"screen"`
	Window      string    `json:"window,omitempty"`
	Addr        string    `json:"addr"`
	ConnectedAt time.Time `json:"connected_at"`
	LastWrite   time.Time `json:"last_write,omitzero"`
}

// list is every connected lobby and window screen, oldest first, and how
// many other pages (phones, clerks) are connected.
func (ss *screens) list() (rows []screenRow, others int) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	rows = make([]screenRow, 0, len(ss.set))
	for s := range ss.set {
		if s.page.kind == "" {
			others++
			continue
		}
		row := screenRow{Screen: s.page.kind, Window: s.page.window, Addr: s.addr, ConnectedAt: s.since}
		if ns := s.lastWrite.Load(); ns != 0 {
			row.LastWrite = time.Unix(0, ns)
		}
		rows = append(rows, row)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].ConnectedAt.Before(rows[j].ConnectedAt) })
	return rows, others
}

func (s *Server) getScreens(w http.ResponseWriter, r *http.Request) {
	rows, others := s.screens.list()
	WriteJSON(w, http.StatusOK, map[string]any{"screens": rows, "others": others})
}

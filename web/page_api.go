package web

import (
	"net/http"
	"time"

	"github.com/yimen-hall/yimen/printer"
)

// pageAPIRoutes adds read-only calls the pages need beyond the contract.
func (s *Server) pageAPIRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /api/admin/printer", s.admin(s.getPrinterPage))
}

// printerPreview is one ticket the simulated printer printed.
type printerPreview struct {
	Number string `json:"number"`
	At     string `json:"at"`
	HTML   string `json:"html"`
	Bytes  int    `json:"bytes"`
}

// getPrinterPage gives the manager's page the printer's state and, for the
// simulated printer, its last tickets rendered as HTML.
func (s *Server) getPrinterPage(w http.ResponseWriter, r *http.Request) {
	ans := map[string]any{"present": s.printer != nil}
	if s.printer != nil {
		st := s.printer.Status()
		at := ""
		if !st.At.IsZero() {
			at = st.At.In(s.engine.Hall().Location()).Format(time.DateTime)
		}
		ans["status"] = map[string]string{"state": string(st.State), "detail": st.Detail, "at": at}
	}
	previews := []printerPreview{}
	if p, ok := s.printer.(printer.Previewer); ok {
		for _, pv := range p.Previews() {
			previews = append(previews, printerPreview{
				Number: pv.Number, HTML: string(pv.HTML), Bytes: pv.Bytes,
				At: pv.At.In(s.engine.Hall().Location()).Format(time.DateTime),
			})
		}
	}
	ans["previews"] = previews
	WriteJSON(w, http.StatusOK, ans)
}

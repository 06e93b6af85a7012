package web

import (
	"context"
	"net/http"

	"github.com/yimen-hall/yimen/printer"
)

// postPrinterTest prints the sample ticket on the hall's printer, so the
// manager checks paper, cutter and Chinese text without taking a number.
func (s *Server) postPrinterTest(w http.ResponseWriter, r *http.Request) {
	p, ok := s.printer.(interface {
		Print(ctx context.Context, t printer.Ticket) error
	})
	if !ok {
		failWith(w, http.StatusNotFound, "no_printer", "没有配置打印机")
		return
	}
	tk := printer.SampleTicket(s.now())
	tk.Hall = s.engine.Hall().Name
	ans := map[string]any{"printed": true}
	if err := p.Print(r.Context(), tk); err != nil {
		ans["printed"], ans["print_error"] = false, err.Error()
	}
	WriteJSON(w, http.StatusOK, ans)
}

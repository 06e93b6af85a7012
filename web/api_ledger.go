package web

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// maxLedgerDays bounds one ledger request: three years of daily rows.
const maxLedgerDays = 3 * 366

// ledgerRange reads ?from=&to= (or the older ?day=), both days inclusive
// in the hall's time; today when absent. It answers the client itself
// and returns ok false when the range is bad.
func (s *Server) ledgerRange(w http.ResponseWriter, r *http.Request) (from, to time.Time, ok bool) {
	loc := s.engine.Hall().Location()
	today := s.now().In(loc).Format(time.DateOnly)
	q := r.URL.Query()
	get := func(key, def string) string {
		if v := q.Get(key); v != "" {
			return v
		}
		return def
	}
	day := get("day", today)
	fromS, toS := get("from", day), get("to", get("from", day))
	var err1, err2 error
	from, err1 = time.ParseInLocation(time.DateOnly, fromS, loc)
	to, err2 = time.ParseInLocation(time.DateOnly, toS, loc)
	switch {
	case err1 != nil || err2 != nil:
		failWith(w, http.StatusBadRequest, "bad_day", "日期应写成 2026-11-21")
	case to.Before(from):
		failWith(w, http.StatusBadRequest, "bad_range", "结束日期早于开始日期")
	case to.Sub(from) > maxLedgerDays*24*time.Hour:
		failWith(w, http.StatusBadRequest, "range_too_long", "一次最多查询三年")
	default:
		return from, to, true
	}
	return from, to, false
}

// getLedger is the ledger (台账) of a range of days: JSON by default,
// ?format=xlsx for the county's workbook, ?format=csv for its 台账 sheet.
func (s *Server) getLedger(w http.ResponseWriter, r *http.Request) {
	from, to, ok := s.ledgerRange(w, r)
	if !ok {
		return
	}
	rep, err := s.engine.Report(from, to, s.summaries)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch f := r.URL.Query().Get("format"); f {
	case "", "json":
		WriteJSON(w, http.StatusOK, rep)
	case "csv":
		s.sendFile(w, r, rep, "csv", "text/csv; charset=utf-8", ledgerCSV)
	case "xlsx":
		s.sendFile(w, r, rep, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ledgerXLSX)
	default:
		failWith(w, http.StatusBadRequest, "bad_format", "格式应为 json、csv 或 xlsx")
	}
}

// sendFile answers with a download named for the hall and the range.
func (s *Server) sendFile(w http.ResponseWriter, r *http.Request, rep queue.Report, ext, mime string, build func(queue.Report) ([]byte, error)) {
	data, err := build(rep)
	if err != nil {
		s.fail(w, r, fmt.Errorf("web: ledger %s: %w", ext, err))
		return
	}
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", ContentDisposition(ledgerFileName(rep, ext)))
	w.Write(data)
}

// ledgerFileName is e.g. "乐昌镇便民服务中心台账_2026-11-01至2026-11-30.xlsx".
func ledgerFileName(rep queue.Report, ext string) string {
	span := rep.From
	if rep.To != rep.From {
		span += "至" + rep.To
	}
	return rep.Hall + "台账_" + span + "." + ext
}

// ContentDisposition names an attachment for every browser: an ASCII
// fallback, and the real (Chinese) name in RFC 5987's filename*.
func ContentDisposition(name string) string {
	ascii := make([]rune, 0, len(name))
	for _, c := range name {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			c = '_'
		}
		ascii = append(ascii, c)
	}
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, string(ascii), url.PathEscape(name))
}

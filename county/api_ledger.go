package county

import (
	"fmt"
	"net/http"
	"time"

	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/web"
)

// maxLedgerDays bounds one ledger request, as the hall's does.
const maxLedgerDays = 3 * 366

// Ledger is the county ledger of a range: each hall's own ledger, and a
// summary (汇总) of every hall's days added up.
type Ledger struct {
	From  string         `json:"from"`
	To    string         `json:"to"`
	Total queue.Report   `json:"total"`
	Halls []queue.Report `json:"halls"`
	IDs   []string       `json:"ids"` // the hall id of each of Halls
	// Townships roll each service bus into its township, by village
	// (ledger_bus.go); absent when no hall is a bus.
	Townships []Township `json:"townships,omitempty"`
}

// ledger builds the county ledger of from … to ("2006-01-02").
func (s *Service) ledger(fromS, toS string) (Ledger, error) {
	now := s.cfg.Now()
	led := Ledger{From: fromS, To: toS, Halls: []queue.Report{}, IDs: []string{}}
	byDay := map[string]*queue.DaySummary{}
	perHall := map[string][]queue.DaySummary{}
	for _, id := range s.fold.ids() {
		loc := s.fold.location(id)
		from, err1 := time.ParseInLocation(time.DateOnly, fromS, loc)
		to, err2 := time.ParseInLocation(time.DateOnly, toS, loc)
		if err1 != nil || err2 != nil {
			return Ledger{}, errBadDay
		}
		r, days, ok, err := s.fold.report(id, from, to, now)
		if err != nil {
			return Ledger{}, err
		}
		if !ok {
			continue
		}
		led.Halls = append(led.Halls, r)
		led.IDs = append(led.IDs, id)
		perHall[id] = days
		for _, d := range days {
			sum := byDay[d.Day]
			if sum == nil {
				sum = &queue.DaySummary{Day: d.Day}
				byDay[d.Day] = sum
			}
			sum.Total.Add(&d.Total)
		}
	}
	var days []queue.DaySummary
	for d, err := time.Parse(time.DateOnly, fromS); err == nil && d.Format(time.DateOnly) <= toS; d = d.AddDate(0, 0, 1) {
		if sum := byDay[d.Format(time.DateOnly)]; sum != nil {
			days = append(days, *sum)
		}
	}
	led.Total = queue.BuildReport(&queue.Hall{Name: "全县合计"}, fromS, toS, days)
	led.Total.Generated = now
	led.Townships = s.townships(perHall)
	return led, nil
}

func (s *Service) apiLedger(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	// Halls keep their own local days; the first hall's zone names today.
	loc := time.Local
	if ids := s.fold.ids(); len(ids) > 0 {
		loc = s.fold.location(ids[0])
	}
	today := s.cfg.Now().In(loc).Format(time.DateOnly)
	fromS, toS := q.Get("from"), q.Get("to")
	if fromS == "" {
		fromS = today
	}
	if toS == "" {
		toS = fromS
	}
	from, err1 := time.Parse(time.DateOnly, fromS)
	to, err2 := time.Parse(time.DateOnly, toS)
	switch {
	case err1 != nil || err2 != nil:
		writeError(w, http.StatusBadRequest, "bad_day", "日期应写成 2026-11-21")
		return
	case to.Before(from):
		writeError(w, http.StatusBadRequest, "bad_range", "结束日期早于开始日期")
		return
	case to.Sub(from) > maxLedgerDays*24*time.Hour:
		writeError(w, http.StatusBadRequest, "range_too_long", "一次最多查询三年")
		return
	}
	led, err := s.ledger(fromS, toS)
	if err != nil {
		s.cfg.Logger.Error("county: ledger", "err", err)
		writeError(w, http.StatusServiceUnavailable, "ledger", "读取台账失败")
		return
	}
	switch q.Get("format") {
	case "", "json":
		web.WriteJSON(w, http.StatusOK, led)
	case "csv":
		s.sendLedger(w, led, "csv", "text/csv; charset=utf-8", func() ([]byte, error) {
			return web.CountyLedgerCSV(led.Total, led.Halls)
		})
	case "xlsx":
		s.sendLedger(w, led, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", func() ([]byte, error) {
			return web.CountyLedgerXLSX("全县", led.Total, led.Halls, busRows(led.Townships)...)
		})
	default:
		writeError(w, http.StatusBadRequest, "bad_format", "格式应为 json、csv 或 xlsx")
	}
}

// sendLedger answers with the ledger as a download named for its range.
func (s *Service) sendLedger(w http.ResponseWriter, led Ledger, ext, mime string, build func() ([]byte, error)) {
	data, err := build()
	if err != nil {
		s.cfg.Logger.Error("county: ledger file", "format", ext, "err", err)
		writeError(w, http.StatusInternalServerError, "ledger_file", "生成台账文件失败")
		return
	}
	name := fmt.Sprintf("全县台账_%s_%s.%s", led.From, led.To, ext)
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", web.ContentDisposition(name))
	w.Write(data)
}

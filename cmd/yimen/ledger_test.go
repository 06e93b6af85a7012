package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// playDay runs a morning of the demo hall on the given day: n tickets at
// windows 2 and 1, waits growing through the morning, every fifth a
// no-show, ratings from every finished ticket (a 不满意 every fourth).
func playDay(t *testing.T, m *Main, clk *queuetest.Clock, day time.Time, n int) {
	t.Helper()
	ctx := context.Background()
	at := func(min int) { clk.Set(day.Add(9*time.Hour + time.Duration(min)*time.Minute)) }
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	at(0)
	must(m.engine.Open(ctx, "2", "S03"))
	must(m.engine.Open(ctx, "1", "S01"))
	for i := range n {
		at(i * 3)
		svc := "pension"
		if i%3 == 2 {
			svc = "guide"
		}
		is, err := m.engine.Issue(ctx, svc, i%7 == 0)
		must(is, err)
		must(nil, m.engine.MarkPrinted(ctx, is.Ticket.ID, i%9 != 4, ""))
	}
	clock := n * 3
	for i := range n {
		win, staff := "2", "S03"
		if i%2 == 1 {
			win, staff = "1", "S01"
		}
		clock += 2 + i%4
		at(clock)
		tk, err := m.engine.Next(ctx, win, staff)
		must(tk, err)
		if tk == nil {
			continue
		}
		if i%5 == 4 {
			must(m.engine.NoShow(ctx, win, staff))
			continue
		}
		must(m.engine.Start(ctx, win, staff))
		clock += 3 + i%5
		at(clock)
		outcome := []string{queue.OutcomeImmediate, queue.OutcomePromised, queue.OutcomeConsult}[i%3]
		must(m.engine.Finish(ctx, win, staff, outcome))
		score, reason := 5-i%3, ""
		if i%4 == 3 {
			score, reason = 2, "等候时间长"
		}
		must(m.engine.Rate(ctx, win, score, reason))
		if i == 6 {
			must(m.engine.Pause(ctx, win, staff, "午休"))
			clock += 20
			at(clock)
			must(m.engine.Resume(ctx, win, staff))
		}
	}
}

func TestLedgerFilesMatchTheJSON(t *testing.T) {
	clk := queuetest.NewClock(time.Date(2026, 11, 19, 8, 0, 0, 0, shanghai))
	m := startMain(t, func(m *Main) { m.Now = clk.Now })
	for d, n := range []int{12, 9, 14} {
		playDay(t, m, clk, time.Date(2026, 11, 19+d, 0, 0, 0, 0, shanghai), n)
	}
	admin := &client{t: t, base: m.URL}
	code, ans := admin.do("POST", "/api/admin/login", map[string]string{"password": testAdminPassword})
	if code != 200 {
		t.Fatalf("admin login = %d %v", code, ans)
	}
	admin.token = ans["token"].(string)
	get := func(query string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", m.URL+"/api/admin/ledger?"+query, nil)
		req.Header.Set("Authorization", "Bearer "+admin.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("ledger %s = %d %s", query, resp.StatusCode, body)
		}
		return resp, body
	}
	const rng = "from=2026-11-19&to=2026-11-21"
	_, body := get(rng)
	var rep queue.Report
	if err := json.Unmarshal(body, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Days) != 3 || rep.Issued != 35 || rep.Days[1].Issued != 9 || len(rep.LowRatings) == 0 || rep.Rated == 0 {
		t.Fatalf("JSON ledger: %d days, issued %d, %d low ratings", len(rep.Days), rep.Issued, len(rep.LowRatings))
	}

	// The closed days' summaries are in the bbolt file, equal to the log.
	stored, err := m.store.LoadSummaries("2026-11-19", "2026-11-21")
	if err != nil || len(stored) != 2 {
		t.Fatalf("stored summaries: %d, %v (want 11-19 and 11-20)", len(stored), err)
	}
	for day, data := range stored {
		sum, err := m.engine.RebuildSummary(day)
		if err != nil {
			t.Fatal(err)
		}
		if again, _ := json.Marshal(sum); !bytes.Equal(again, data) {
			t.Errorf("%s: stored summary differs from the log", day)
		}
	}

	resp, data := get(rng + "&format=xlsx")
	wantName := "乐昌镇便民服务中心台账_2026-11-19至2026-11-21.xlsx"
	cd := resp.Header.Get("Content-Disposition")
	_, enc, _ := strings.Cut(cd, "filename*=UTF-8''")
	if name, err := url.PathUnescape(enc); err != nil || name != wantName || !strings.HasPrefix(cd, "attachment; filename=\"") {
		t.Errorf("Content-Disposition = %q (name %q), want %q", cd, name, wantName)
	}
	book := readXLSX(t, data)
	if got := strings.Join(book.sheets, ","); got != "台账,按窗口,按人员,按时段,差评,承诺件" {
		t.Errorf("sheets = %s", got)
	}
	header := []string{"日期", "取号", "受理", "办结", "即办件", "承诺件", "咨询", "办结率", "过号", "平均等候(分钟)", "最长等候(分钟)", "评价数", "满意率"}
	for c, h := range header {
		if got := book.cell("台账", c+1, 1).text; got != h {
			t.Errorf("台账 header column %d = %q, want %q", c+1, got, h)
		}
	}
	type col struct {
		v    func(queue.Figures) float64
		rate bool
	}
	cols := []col{
		{func(f queue.Figures) float64 { return float64(f.Issued) }, false},
		{func(f queue.Figures) float64 { return float64(f.Accepted) }, false},
		{func(f queue.Figures) float64 { return float64(f.Finished) }, false},
		{func(f queue.Figures) float64 { return float64(f.Immediate) }, false},
		{func(f queue.Figures) float64 { return float64(f.Promised) }, false},
		{func(f queue.Figures) float64 { return float64(f.Consult) }, false},
		{func(f queue.Figures) float64 { return f.FinishRate }, true},
		{func(f queue.Figures) float64 { return float64(f.NoShow) }, false},
		{func(f queue.Figures) float64 { return f.AvgWaitMinutes }, false},
		{func(f queue.Figures) float64 { return f.MaxWaitMinutes }, false},
		{func(f queue.Figures) float64 { return float64(f.Rated) }, false},
		{func(f queue.Figures) float64 { return f.Satisfaction }, true},
	}
	rows := append([]queue.DayRow{}, rep.Days...)
	rows = append(rows, queue.DayRow{Day: "合计", Figures: rep.Figures})
	for r, row := range rows {
		if got := book.cell("台账", 1, r+2).text; got != row.Day {
			t.Errorf("台账 row %d date = %q, want %q", r+2, got, row.Day)
		}
		for c, cl := range cols {
			cell := book.cell("台账", c+2, r+2)
			if !cell.isNum || cell.num != cl.v(row.Figures) {
				t.Errorf("台账 %s %s = %+v, JSON says %v", row.Day, header[c+1], cell, cl.v(row.Figures))
			}
			if cl.rate && !strings.Contains(cell.format, "%") {
				t.Errorf("台账 %s %s has number format %q, want a percentage", row.Day, header[c+1], cell.format)
			}
		}
	}
	figs := []func(queue.Figures) float64{
		func(f queue.Figures) float64 { return float64(f.Issued) },
		func(f queue.Figures) float64 { return float64(f.Accepted) },
		func(f queue.Figures) float64 { return float64(f.Finished) },
		func(f queue.Figures) float64 { return f.FinishRate },
		func(f queue.Figures) float64 { return float64(f.NoShow) },
		func(f queue.Figures) float64 { return f.NoShowRate },
		func(f queue.Figures) float64 { return f.AvgWaitMinutes },
		func(f queue.Figures) float64 { return f.MedianWaitMinutes },
		func(f queue.Figures) float64 { return f.P90WaitMinutes },
		func(f queue.Figures) float64 { return f.MaxWaitMinutes },
		func(f queue.Figures) float64 { return f.AvgServiceMinutes },
		func(f queue.Figures) float64 { return f.WithinTarget },
		func(f queue.Figures) float64 { return float64(f.Rated) },
		func(f queue.Figures) float64 { return f.Satisfaction },
	}
	checkFigures := func(sheet string, row, firstCol int, label string, f queue.Figures) {
		t.Helper()
		for i, v := range figs {
			if cell := book.cell(sheet, firstCol+i, row); !cell.isNum || cell.num != v(f) {
				t.Errorf("%s %s column %d = %+v, JSON says %v", sheet, label, firstCol+i, cell, v(f))
			}
		}
	}
	for i, w := range rep.Windows {
		if got := book.cell("按窗口", 1, i+2).text; got != w.Name {
			t.Errorf("按窗口 row %d = %q, want %q", i+2, got, w.Name)
		}
		checkFigures("按窗口", i+2, 2, w.Name, w.Figures)
	}
	if len(rep.Clerks) < 2 {
		t.Fatalf("clerks = %+v", rep.Clerks)
	}
	for i, c := range rep.Clerks {
		if book.cell("按人员", 1, i+2).text != c.ID || book.cell("按人员", 2, i+2).text != c.Name ||
			book.cell("按人员", 3, i+2).num != c.SignedInHours || book.cell("按人员", 4, i+2).num != c.PausedHours ||
			book.cell("按人员", 6, i+2).num != c.TicketsPerHour {
			t.Errorf("按人员 row %d does not match %+v", i+2, c)
		}
		if len(c.Pauses) > 0 && !strings.Contains(book.cell("按人员", 5, i+2).text, c.Pauses[0].Reason) {
			t.Errorf("按人员 %s pauses = %q", c.ID, book.cell("按人员", 5, i+2).text)
		}
		checkFigures("按人员", i+2, 7, c.Name, c.Figures)
	}
	for i, h := range rep.Hours {
		if want := fmt.Sprintf("%02d:00–%02d:00", h.Hour, h.Hour+1); book.cell("按时段", 1, i+2).text != want {
			t.Errorf("按时段 row %d = %q, want %q", i+2, book.cell("按时段", 1, i+2).text, want)
		}
		checkFigures("按时段", i+2, 2, strconv.Itoa(h.Hour), h.Figures)
	}
	for i, lr := range rep.LowRatings {
		if book.cell("差评", 2, i+2).text != lr.Number || book.cell("差评", 6, i+2).text != lr.Reason ||
			book.cell("差评", 4, i+2).text != lr.StaffName || book.cell("差评", 5, i+2).text != "不满意" {
			t.Errorf("差评 row %d does not match %+v", i+2, lr)
		}
	}
	if book.cell("差评", 1, len(rep.LowRatings)+2).text != "" {
		t.Errorf("差评 has more rows than the JSON's %d low ratings", len(rep.LowRatings))
	}
	for _, s := range book.sheets {
		if p := book.panes[s]; p.State != "frozen" || p.YSplit != "1" {
			t.Errorf("%s: pane %+v, want the header row frozen", s, p)
		}
		if ps := book.setup[s]; ps.PaperSize != "9" || ps.Orientation != "landscape" || ps.FitToWidth != "1" {
			t.Errorf("%s: page setup %+v, want A4 (9) landscape one page wide", s, ps)
		}
		if book.widths[s] == 0 {
			t.Errorf("%s: no column widths", s)
		}
	}

	resp, data = get(rng + "&format=csv")
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("csv Content-Type = %q", ct)
	}
	if !bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		t.Fatalf("csv does not start with a UTF-8 BOM: % x", data[:min(8, len(data))])
	}
	recs, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != strings.Join(header, ",") || len(recs) != len(rows)+1 {
		t.Fatalf("csv header %v, %d rows", recs[0], len(recs))
	}
	for r, row := range rows {
		rec := recs[r+1]
		if rec[0] != row.Day {
			t.Errorf("csv row %d date %q, want %q", r+1, rec[0], row.Day)
		}
		for c, cl := range cols {
			s := rec[c+1]
			var got float64
			if cl.rate {
				p, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
				if err != nil || !strings.HasSuffix(s, "%") {
					t.Errorf("csv %s %s = %q, want a percentage", row.Day, header[c+1], s)
				}
				got = p / 100
				if diff := got - cl.v(row.Figures); diff > 0.0005 || diff < -0.0005 {
					t.Errorf("csv %s %s = %q, JSON says %v", row.Day, header[c+1], s, cl.v(row.Figures))
				}
				continue
			}
			if got, err = strconv.ParseFloat(s, 64); err != nil || got != cl.v(row.Figures) {
				t.Errorf("csv %s %s = %q, JSON says %v", row.Day, header[c+1], s, cl.v(row.Figures))
			}
		}
	}

	// Bad requests.
	for q, want := range map[string]int{"from=2026-11-21&to=2026-11-19": 400, "from=21.11.2026": 400, rng + "&format=pdf": 400} {
		req, _ := http.NewRequest("GET", m.URL+"/api/admin/ledger?"+q, nil)
		req.Header.Set("Authorization", "Bearer "+admin.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("ledger?%s = %d, want %d", q, resp.StatusCode, want)
		}
	}
}

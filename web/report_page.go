package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// The printable report (/admin/report?from=&to=): the hall's name, the
// range, its key figures, the charts and the ledger's tables, laid out for
// A4 landscape. /admin shows the same body (?part=body) in its report card.

// reportTable is one table of the report, already formatted.
type reportTable struct {
	Title string
	Head  []string
	Rows  [][]string
	Foot  []string // the 合计 row, when there is one
	Text  bool     // a table of words (差评), aligned left
}

type reportFigure struct{ Label, Value string }

type reportView struct {
	Hall, Title   string
	From, To      string
	Span          string
	Generated     string
	Figures       []reportFigure
	Charts        []template.HTML
	Tables        []reportTable
	Body          bool // only the body, for /admin
	TargetMinutes string
}

func pct(x float64) string  { return strconv.FormatFloat(x*100, 'f', 1, 64) + "%" }
func min1(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }
func itoa(n int) string     { return strconv.Itoa(n) }

// ledgerRoutes registers the report page and the rating tablet.
func (s *Server) ledgerRoutes(m *http.ServeMux, ps *pageSet) {
	s.rateRoutes(m)
	m.HandleFunc("GET /rate/{window}", func(w http.ResponseWriter, r *http.Request) {
		win, ok := s.engine.Hall().Window(r.PathValue("window"))
		if !ok {
			s.renderPage(w, r, ps, "notfound", pageData{Title: "没有这个窗口", Page: "notfound", Status: http.StatusNotFound})
			return
		}
		s.renderPage(w, r, ps, "rate", pageData{Title: "服务评价 · " + win.Name, Page: "rate", Window: win.ID})
	})
	// The manager's pages send anyone else to /admin to sign in.
	adminPage := func(h func(http.ResponseWriter, *http.Request, *pageSet)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if sess := s.auth.Session(r); sess == nil || !sess.Admin {
				http.Redirect(w, r, "/admin", http.StatusSeeOther)
				return
			}
			h(w, r, ps)
		}
	}
	m.HandleFunc("GET /admin/report", adminPage(s.getReportPage))
	m.HandleFunc("GET /admin/forecast", adminPage(s.getForecastPage))
}

func (s *Server) getReportPage(w http.ResponseWriter, r *http.Request, ps *pageSet) {
	from, to, ok := s.ledgerRange(w, r)
	if !ok {
		return
	}
	h := s.engine.Hall()
	loc := h.Location()
	now := s.now().In(loc)
	rep, err := s.engine.Report(from, to, s.summaries)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The arrivals chart compares the range's last day (today at most)
	// with the usual for its weekday, from the weeks before it.
	ref := to
	if today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc); ref.After(today) {
		ref = today
	}
	history, err := s.engine.Summaries(ref.AddDate(0, 0, -7*queue.ForecastWeeks), ref, s.summaries)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := reportView{
		Hall: h.Name, Title: "台账与服务报表", From: rep.From, To: rep.To, Span: rep.From,
		Generated: now.Format("2006-01-02 15:04"), Body: r.URL.Query().Get("part") == "body",
		TargetMinutes: min1(rep.TargetWaitMinutes),
	}
	if rep.To != rep.From {
		v.Span += " 至 " + rep.To
	}
	f := rep.Figures
	v.Figures = []reportFigure{
		{"取号", itoa(f.Issued)}, {"受理", itoa(f.Accepted)}, {"办结", itoa(f.Finished)},
		{"办结率", rate(f.FinishRate, f.Accepted)}, {"过号", itoa(f.NoShow)},
		{"平均等候", min1(f.AvgWaitMinutes) + " 分钟"}, {"按时率", rate(f.WithinTarget, f.Issued)},
		{"评价数", itoa(f.Rated)}, {"满意率", rate(f.Satisfaction, f.Rated)},
	}
	v.Charts = reportCharts(h, rep, history, ref)
	v.Tables = reportTables(rep)
	var buf bytes.Buffer
	if err := ps.tmpl.ExecuteTemplate(&buf, "report.html", v); err != nil {
		s.fail(w, r, fmt.Errorf("web: report page: %w", err))
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Referrer-Policy", "no-referrer")
	w.Write(buf.Bytes())
}

// reportCharts draws the five pictures of the report.
func reportCharts(h *queue.Hall, rep queue.Report, history []queue.DaySummary, ref time.Time) []template.HTML {
	refDay := ref.Format(time.DateOnly)
	var day queue.DaySummary
	for _, d := range history {
		if d.Day == refDay {
			day = d
		}
	}
	usual := queue.ForecastDay(h, history, ref)
	first, last := 8, 17
	for hr := range 24 {
		if usual.Hours[hr] > 0 || day.Hours[hr] != nil {
			first, last = min(first, hr), max(last, hr)
		}
	}
	arrivals := chart{Title: "每小时取号：" + refDay + " 与平常" + usual.Weekday, Unit: "人"}
	var today, normal []float64
	for hr := first; hr <= last; hr++ {
		arrivals.Labels = append(arrivals.Labels, strconv.Itoa(hr)+"时")
		n := 0.0
		if t := day.Hours[hr]; t != nil {
			n = float64(t.Issued)
		}
		today = append(today, n)
		normal = append(normal, usual.Hours[hr])
	}
	arrivals.Series = []chartSeries{{Name: refDay[5:], Values: today, Color: colorBlue}}
	if usual.BasisN > 0 { // no history yet: nothing usual to draw
		arrivals.Series = append(arrivals.Series, chartSeries{Name: "平常（" + usual.Basis + "）", Values: normal, Color: colorOrange, Line: true})
	}

	waits := chart{Title: "等候时间分布", Unit: "人"}
	var counts []float64
	for _, b := range rep.WaitBands {
		waits.Labels = append(waits.Labels, b.Label)
		counts = append(counts, float64(b.Count))
	}
	waits.Series = []chartSeries{{Name: "人数", Values: counts, Color: colorBlue}}

	rates := chart{Title: "每日办结率与满意率（开放日）", Percent: true}
	var fin, sat []float64
	for _, d := range rep.Days {
		if d.Issued == 0 {
			continue // the hall was shut: no rate to speak of
		}
		rates.Labels = append(rates.Labels, d.Day[5:])
		fin = append(fin, d.FinishRate)
		sat = append(sat, d.Satisfaction)
	}
	rates.Series = []chartSeries{
		{Name: "办结率", Values: fin, Color: colorBlue, Line: true},
		{Name: "满意率", Values: sat, Color: colorGreen, Line: true},
	}

	windows := chart{Title: "各窗口负荷", Unit: "件"}
	var wCalled, wDone []float64
	for _, l := range rep.Windows {
		windows.Labels = append(windows.Labels, l.Name)
		wCalled = append(wCalled, float64(l.Issued))
		wDone = append(wDone, float64(l.Finished))
	}
	windows.Series = []chartSeries{
		{Name: "叫号", Values: wCalled, Color: colorGrey},
		{Name: "办结", Values: wDone, Color: colorBlue},
	}

	clerks := chart{Title: "各工作人员负荷", Unit: "件"}
	var cDone, cHours []float64
	for _, c := range rep.Clerks {
		clerks.Labels = append(clerks.Labels, c.Name)
		cDone = append(cDone, float64(c.Finished))
		cHours = append(cHours, c.TicketsPerHour)
	}
	clerks.Series = []chartSeries{
		{Name: "办结", Values: cDone, Color: colorBlue},
		{Name: "每小时办结", Values: cHours, Color: colorOrange, Line: true},
	}
	return []template.HTML{arrivals.SVG(), waits.SVG(), rates.SVG(), windows.SVG(), clerks.SVG()}
}

// reportTables formats the ledger's tables as the report prints them.
func reportTables(rep queue.Report) []reportTable {
	daily := reportTable{Title: "台账", Head: ledgerHeader}
	row := func(label string, f queue.Figures) []string {
		return []string{label, itoa(f.Issued), itoa(f.Accepted), itoa(f.Finished), itoa(f.Immediate),
			itoa(f.Promised), itoa(f.Consult), rate(f.FinishRate, f.Accepted), itoa(f.NoShow),
			min1(f.AvgWaitMinutes), min1(f.MaxWaitMinutes), itoa(f.Rated), rate(f.Satisfaction, f.Rated)}
	}
	for _, d := range rep.Days {
		daily.Rows = append(daily.Rows, row(d.Day, d.Figures))
	}
	daily.Foot = row("合计", rep.Figures)

	head := []string{"取号", "受理", "办结", "办结率", "过号", "平均等候", "中位等候", "90%等候", "最长等候", "平均办理", "按时率", "评价数", "满意率"}
	figs := func(f queue.Figures) []string {
		return []string{itoa(f.Issued), itoa(f.Accepted), itoa(f.Finished), rate(f.FinishRate, f.Accepted), itoa(f.NoShow),
			min1(f.AvgWaitMinutes), min1(f.MedianWaitMinutes), min1(f.P90WaitMinutes), min1(f.MaxWaitMinutes),
			min1(f.AvgServiceMinutes), rate(f.WithinTarget, f.Issued), itoa(f.Rated), rate(f.Satisfaction, f.Rated)}
	}
	cats := reportTable{Title: "按类别", Head: append([]string{"类别"}, head...)}
	for _, l := range rep.Categories {
		cats.Rows = append(cats.Rows, append([]string{l.Name}, figs(l.Figures)...))
	}
	wins := reportTable{Title: "按窗口", Head: append([]string{"窗口"}, head...)}
	for _, l := range rep.Windows {
		wins.Rows = append(wins.Rows, append([]string{l.Name}, figs(l.Figures)...))
	}
	clerks := reportTable{Title: "按人员", Head: []string{"姓名", "在岗(小时)", "暂停(小时)", "暂停原因", "受理", "办结", "每小时办结", "平均等候", "平均办理", "评价数", "满意率"}}
	for _, c := range rep.Clerks {
		reasons := ""
		for i, p := range c.Pauses {
			if i > 0 {
				reasons += "；"
			}
			reasons += fmt.Sprintf("%s %d次 %s分钟", p.Reason, p.Count, min1(p.Minutes))
		}
		clerks.Rows = append(clerks.Rows, []string{c.Name, min1(c.SignedInHours), min1(c.PausedHours), reasons,
			itoa(c.Accepted), itoa(c.Finished), min1(c.TicketsPerHour), min1(c.AvgWaitMinutes),
			min1(c.AvgServiceMinutes), itoa(c.Rated), rate(c.Satisfaction, c.Rated)})
	}
	hours := reportTable{Title: "按时段", Head: append([]string{"时段"}, head...)}
	for _, hl := range rep.Hours {
		hours.Rows = append(hours.Rows, append([]string{fmt.Sprintf("%02d:00–%02d:00", hl.Hour, hl.Hour+1)}, figs(hl.Figures)...))
	}
	low := reportTable{Title: "差评", Text: true, Head: []string{"时间", "号码", "窗口", "工作人员", "评价", "原因", "处理期限", "状态", "处理方式", "处理情况", "处理人", "处理时间"}}
	for _, lr := range rep.LowRatings {
		row := []string{lr.At.Format("2006-01-02 15:04"), lr.Number, lr.WindowName, lr.StaffName, queue.ScoreNames[lr.Score], lr.Reason}
		for _, c := range followupCells(lr, rep.Generated) {
			row = append(row, c.(string))
		}
		low.Rows = append(low.Rows, row)
	}
	tables := []reportTable{daily, cats, wins, clerks, hours, low}
	if rep.Cases != nil {
		tables = append(tables, caseTable(rep.Cases))
	}
	return tables
}

// rate is a percentage, or a dash when there was nothing to count.
func rate(x float64, base int) string {
	if base == 0 {
		return "—"
	}
	return pct(x)
}

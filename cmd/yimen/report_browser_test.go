package main

import (
	"bytes"
	"context"
	"encoding/json"

	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

// adminTab opens /admin at the manager's size and signs in.
func adminTab(t *testing.T, browser context.Context, m *Main) context.Context {
	t.Helper()
	admin := tab(t, browser, false, 1366, 768, m.URL+"/admin", false)
	waitJS(t, admin, "the login form", `!document.getElementById('login').hidden`, 10*time.Second)
	typeInto(t, admin, "#password", browserAdminPassword)
	click(t, admin, "#admin-login-btn")
	waitJS(t, admin, "the floor", `!document.getElementById('floor').hidden`, 10*time.Second)
	return admin
}

func TestBrowserReport(t *testing.T) {
	// Today, yesterday and the same weekday one and two weeks ago: the
	// arrivals chart compares today with the two before it. The clock
	// ends at the real time, which the browser's session cookie needs.
	now := time.Now().In(shanghai)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, shanghai)
	clk := queuetest.NewClock(today.AddDate(0, 0, -14))
	// The demo hall, with a market day three days from now.
	hall := queue.DemoHall()
	hall.Market = &queue.MarketDays{Every: []int{today.AddDate(0, 0, 3).Day() % 10}}
	doc, err := json.Marshal(hall)
	if err != nil {
		t.Fatal(err)
	}
	hallFile := filepath.Join(t.TempDir(), "hall.json")
	if err := os.WriteFile(hallFile, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	m := startPagesDaemon(t, func(m *Main) { m.Now = clk.Now; m.HallFile = hallFile })
	for _, d := range []struct{ ago, n int }{{14, 10}, {7, 16}, {1, 8}, {0, 12}} {
		playDay(t, m, clk, today.AddDate(0, 0, -d.ago), d.n)
	}
	clk.Set(time.Now())
	from, to := today.AddDate(0, 0, -20).Format(time.DateOnly), today.Format(time.DateOnly)
	month, err := m.engine.Report(today.AddDate(0, 0, -20), today, m.store)
	if err != nil {
		t.Fatal(err)
	}
	day, err := m.engine.Report(today, today, m.store)
	if err != nil {
		t.Fatal(err)
	}
	browser := newBrowser(t)
	admin := adminTab(t, browser, m)

	// The report card: this month at first; the manager picks the last
	// three weeks and sees five charts and the tables.
	waitJS(t, admin, "the report's charts", `document.querySelectorAll('#report-body svg.chart').length === 5`, 10*time.Second)
	chromedp.Run(admin, chromedp.Evaluate[bool](`document.getElementById('report-from').value = `+quote(from)+`, document.getElementById('report-to').value = `+quote(to)+`, true`))
	click(t, admin, "#report-load")
	span := from + " 至 " + to
	waitJS(t, admin, "the three weeks' report", `document.querySelector('#report-body .r-span').textContent === `+quote(span)+` && document.querySelectorAll('#report-body svg.chart').length === 5`, 10*time.Second)
	figs := evalJS[map[string]string](t, admin, `(function(){var o={};document.querySelectorAll('#report-body .r-figures div').forEach(function(d){o[d.querySelector('span').textContent]=d.querySelector('b').textContent});return o})()`)
	if figs["取号"] != fmt.Sprint(month.Issued) || figs["办结"] != fmt.Sprint(month.Finished) ||
		figs["满意率"] != fmt.Sprintf("%.1f%%", month.Satisfaction*100) {
		t.Errorf("report figures %v, ledger issued %d finished %d satisfaction %v", figs, month.Issued, month.Finished, month.Satisfaction)
	}
	foot := evalJS[[]string](t, admin, `Array.prototype.map.call(document.querySelector('#report-body .r-table tfoot tr').children, function(td){return td.textContent})`)
	if len(foot) != 13 || foot[0] != "合计" || foot[1] != fmt.Sprint(month.Issued) || foot[3] != fmt.Sprint(month.Finished) {
		t.Errorf("台账 合计 row = %v", foot)
	}
	// Arrivals: a bar per hour for the 21st, whose tooltip gives the
	// ledger's count of that hour, and the usual Saturday as a line.
	bars := evalJS[[]string](t, admin, `Array.prototype.map.call(document.querySelectorAll('#report-body svg.chart')[0].querySelectorAll('rect title'), function(e){return e.textContent})`)
	for _, h := range day.Hours {
		want := fmt.Sprintf("%d时 %s：%d人", h.Hour, to[5:], h.Issued)
		found := false
		for _, b := range bars {
			found = found || b == want
		}
		if !found {
			t.Errorf("arrivals chart lacks the bar %q; bars %v", want, bars)
		}
	}
	if n := evalJS[int](t, admin, `document.querySelectorAll('#report-body svg.chart')[0].querySelectorAll('polyline').length`); n != 1 {
		t.Errorf("arrivals chart: %d lines for the usual Saturday, want 1", n)
	}
	// Rates by day: a point per day the hall opened for each rate.
	opened := 0
	for _, d := range month.Days {
		if d.Issued > 0 {
			opened++
		}
	}
	if n := evalJS[int](t, admin, `document.querySelectorAll('#report-body svg.chart')[2].querySelectorAll('circle').length`); n != 2*opened || opened != 4 {
		t.Errorf("rates chart has %d points, want %d (two for each of %d open days)", n, 2*opened, opened)
	}
	// Load per window: called and finished bars for each of 8 windows.
	if n := evalJS[int](t, admin, `document.querySelectorAll('#report-body svg.chart')[3].querySelectorAll('rect title').length`); n != 16 {
		t.Errorf("window chart has %d bars, want 16", n)
	}
	// The forecast card: tomorrow (and the next market day, when the hall
	// has them), as the forecast API says.
	_, login := apiCall(t, m.URL, "", "POST", "/api/admin/login", map[string]string{"password": browserAdminPassword})
	_, fc := apiCall(t, m.URL, login["token"].(string), "GET", "/api/admin/forecast", nil)
	days, _ := fc["days"].([]any)
	if len(days) != 2 || days[1].(map[string]any)["market_day"] != true || days[1].(map[string]any)["day"] != today.AddDate(0, 0, 3).Format(time.DateOnly) {
		t.Fatalf("forecast of tomorrow and the next market day = %v", fc)
	}
	waitJS(t, admin, "the forecast", `document.querySelectorAll('#forecast-body .f-day').length === `+fmt.Sprint(len(days)), 10*time.Second)
	for i, d := range days {
		want := fmt.Sprintf("%.1f", d.(map[string]any)["arrivals"].(float64))
		if got := evalJS[string](t, admin, fmt.Sprintf(`document.querySelectorAll('#forecast-body .f-arrivals')[%d].textContent`, i)); got != want {
			t.Errorf("forecast %d shows %s arrivals, the API says %s", i, got, want)
		}
	}
	if n := evalJS[int](t, admin, `document.querySelectorAll('#forecast-body .f-day')[0].querySelectorAll('tbody tr').length`); n == 0 {
		t.Errorf("tomorrow's forecast recommends no windows")
	}
	if h := evalJS[string](t, admin, `document.querySelectorAll('#forecast-body .f-day h3')[1].textContent`); !strings.Contains(h, "下一个墟日") || !strings.Contains(h, "（墟日）") {
		t.Errorf("second forecast is headed %q", h)
	}
	chromedp.Run(admin, chromedp.Evaluate[bool](`document.getElementById('forecast').scrollIntoView(), true`))
	screenshot(t, admin, "admin-forecast-1366x768")
	chromedp.Run(admin, chromedp.Evaluate[bool](`document.querySelector('.a-report').scrollIntoView(), true`))
	screenshot(t, admin, "admin-report-1366x768")

	// The printable page, as the printer sees it.
	printable := tab(t, browser, false, 1123, 794, m.URL+"/admin/report?from="+from+"&to="+to, false)
	waitJS(t, printable, "the printable report", `document.querySelectorAll('svg.chart').length === 5 && document.querySelector('h1')`, 10*time.Second)
	if h := evalJS[string](t, printable, `document.querySelector('h1').textContent`); !strings.Contains(h, "乐昌镇便民服务中心") {
		t.Errorf("report title = %q", h)
	}
	if _, err := chromedp.Call(printable, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	if hidden := evalJS[bool](t, printable, `getComputedStyle(document.querySelector('.r-tools')).display === 'none'`); !hidden {
		t.Errorf("the print button shows in print")
	}
	screenshot(t, printable, "report-print-view")
	yes := true
	pdf, err := chromedp.Call(printable, page.PrintToPDF, page.PrintToPDFParams{PrintBackground: &yes, PreferCSSPageSize: &yes})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf.Data, []byte("%PDF")) {
		t.Fatalf("print gave %d bytes that are not a PDF", len(pdf.Data))
	}
	pdfPath := filepath.Join(screenshotDir(t), "report-print.pdf")
	if err := os.WriteFile(pdfPath, pdf.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	// For a person to look at: the PDF's pages as pictures, where
	// poppler is installed.
	if _, err := exec.LookPath("pdftoppm"); err == nil {
		out, err := exec.Command("pdftoppm", "-png", "-r", "60", pdfPath, strings.TrimSuffix(pdfPath, ".pdf")).CombinedOutput()
		if err != nil {
			t.Errorf("pdftoppm: %v %s", err, out)
		}
	}

	// Not signed in: the report is not shown.
	stranger := tab(t, browser, true, 1366, 768, m.URL+"/admin/report", false)
	waitJS(t, stranger, "the login page", `document.getElementById('login') && !document.getElementById('login').hidden`, 10*time.Second)
}

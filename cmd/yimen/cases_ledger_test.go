package main

import (
	"io"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue/queuetest"
)

// A generated month of 承诺件 through the daemon: the ledger's 按时办结率,
// in its JSON and in the sheet 承诺件 of its workbook, equals a count made
// by hand from the plan.
func TestCaseLedgerMatchesHandCount(t *testing.T) {
	clk := queuetest.NewClock(time.Date(2026, 11, 2, 9, 0, 0, 0, shanghai)) // a Monday
	m := startMain(t, func(m *Main) { m.Now = clk.Now })
	kiosk := kioskClient(t, m)
	rng := rand.New(rand.NewPCG(11, 30))
	working := func(d time.Time) bool { return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday }
	addWorking := func(d time.Time, n int) time.Time {
		for n > 0 {
			d = d.AddDate(0, 0, 1)
			if working(d) {
				n--
			}
		}
		return d
	}
	type plan struct {
		id, token string
		ready     time.Time // zero: never
		due       time.Time
	}
	var plans []*plan
	day := func(d time.Time) string { return d.Format(time.DateOnly) }
	end := time.Date(2026, 11, 28, 0, 0, 0, 0, shanghai) // the last day played is Friday the 27th
	for d := clk.Now(); d.Before(end); d = d.AddDate(0, 0, 1) {
		if !working(d) {
			continue
		}
		clk.Set(d)
		clerk := kiosk.login("S03", "240103") // a day's session
		for range 1 + rng.IntN(3) {
			_, tk := kiosk.do("POST", "/api/tickets", map[string]any{"service": "pension"})
			clerk.do("POST", "/api/windows/2/next", nil)
			if code, ans := clerk.do("POST", "/api/windows/2/finish", map[string]any{"outcome": "promised"}); code != 200 {
				t.Fatalf("finish: %d %v", code, ans)
			}
			p := &plan{id: tk["id"].(string), token: tk["token"].(string), due: addWorking(d, 5)}
			if rng.IntN(8) > 0 {
				p.ready = addWorking(d, rng.IntN(9))
			}
			plans = append(plans, p)
		}
		for _, p := range plans {
			if !p.ready.IsZero() && day(p.ready) == day(d) {
				if code, ans := clerk.do("POST", "/api/cases/"+p.id+"/ready", nil); code != 200 {
					t.Fatalf("ready %s: %d %v", p.id, code, ans)
				}
			}
		}
	}
	clk.Set(time.Date(2026, 11, 30, 9, 0, 0, 0, shanghai))
	for _, p := range plans {
		_, ans := kiosk.do("GET", "/api/tickets/"+p.token, nil)
		if got := ans["case"].(map[string]any)["due"]; got != day(p.due) {
			t.Fatalf("case %s due %v, by hand %s", p.id, got, day(p.due))
		}
	}

	// By hand: November's cases due by the 30th, and done by their due date.
	from, to, today := "2026-11-01", "2026-11-30", "2026-11-30"
	var due, onTime int
	for _, p := range plans {
		d := day(p.due)
		done := !p.ready.IsZero() && p.ready.Before(end)
		if d < from || d > to || (!done && d >= today) {
			continue
		}
		due++
		if done && day(p.ready) <= d {
			onTime++
		}
	}
	if due < 15 || onTime == 0 || onTime == due {
		t.Fatalf("the generated month is too tame: %d due, %d on time", due, onTime)
	}
	rate := float64(int(float64(onTime)*1000/float64(due)+0.5)) / 1000
	t.Logf("%d cases; due in November %d, on time %d: 按时办结率 %.1f%%", len(plans), due, onTime, rate*100)

	admin := adminClient(t, m.URL, testAdminPassword)
	code, rep := admin.do("GET", "/api/admin/ledger?from="+from+"&to="+to, nil)
	cs, _ := rep["cases"].(map[string]any)
	if code != 200 || cs == nil {
		t.Fatalf("ledger: %d %v", code, rep)
	}
	if cs["due"] != float64(due) || cs["on_time"] != float64(onTime) || cs["rate"] != rate {
		t.Errorf("ledger cases: due %v on time %v rate %v; by hand %d %d %v", cs["due"], cs["on_time"], cs["rate"], due, onTime, rate)
	}
	req, _ := http.NewRequest("GET", m.URL+"/api/admin/ledger?from="+from+"&to="+to+"&format=xlsx", nil)
	req.Header.Set("Authorization", "Bearer "+admin.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	book := readXLSX(t, data)
	if h := book.cell("承诺件", 5, 1).text; h != "按时办结率" {
		t.Fatalf("sheet 承诺件, column E = %q", h)
	}
	if label, d, o, r := book.cell("承诺件", 1, 2).text, book.cell("承诺件", 3, 2).num, book.cell("承诺件", 4, 2).num, book.cell("承诺件", 5, 2); label != "合计" || d != float64(due) || o != float64(onTime) || r.num != rate || r.format != "0.0%" {
		t.Errorf("sheet 承诺件 合计: %q due %v on time %v rate %v (%s); by hand %d %d %v", label, d, o, r.num, r.format, due, onTime, rate)
	}
}

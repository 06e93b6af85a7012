package queue_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

func TestWindowsForErlangC(t *testing.T) {
	// 30 an hour, 6 minutes each: 3 erlangs. Three windows never catch
	// up; four wait 3.1 minutes on average (Erlang C 0.509); five 0.7.
	for _, c := range []struct {
		target float64
		n      int
		wait   float64
	}{{15, 4, 3.1}, {3, 5, 0.7}, {0.5, 6, 0.2}} {
		n, w := queue.WindowsFor(30, 6, c.target)
		if n != c.n || w != c.wait {
			t.Errorf("WindowsFor(30/h, 6 min, target %v) = %d windows, %v min; want %d, %v", c.target, n, w, c.n, c.wait)
		}
	}
	if w := queue.ErlangCWait(3, 0.5, 1.0/6); !math.IsInf(w, 1) {
		t.Errorf("three windows at 3 erlangs wait %v, want +Inf", w)
	}
	if n, _ := queue.WindowsFor(0, 6, 15); n != 0 {
		t.Errorf("no arrivals need %d windows", n)
	}
}

// marketHistory writes three months of a hall with market days 逢一四七
// into a log: closed on Sundays; 60 numbers on an ordinary day, 90 on a
// Monday, 120 on a Tuesday from October (60 before), 240 on a market day,
// most of them from 8 to 11. Seven in ten are 民生事业 (6 minutes), the
// rest 卫生计生 (10 minutes).
func marketHistory(t *testing.T, h *queue.Hall, from, to time.Time) *queuetest.MemLog {
	t.Helper()
	log := new(queuetest.MemLog)
	var (
		seq   uint64
		batch []queue.Event
	)
	emit := func(ev queue.Event) {
		seq++
		ev.Seq = seq
		batch = append(batch, ev)
	}
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		if d.Weekday() == time.Sunday {
			continue
		}
		n := 60
		switch {
		case h.IsMarketDay(d):
			n = 240
		case d.Weekday() == time.Monday:
			n = 90
		case d.Weekday() == time.Tuesday && d.Month() >= time.October:
			n = 120
		}
		emit(queue.Event{At: d.Add(7 * time.Hour), Type: queue.EvDay, Day: d.Format(time.DateOnly)})
		for i := range n {
			// Spread over 08:00–17:00; on a market day 60% within 08–11.
			frac := float64(i) / float64(n)
			at := d.Add(8*time.Hour + time.Duration(frac*9*float64(time.Hour)))
			if h.IsMarketDay(d) {
				if frac < 0.6 {
					at = d.Add(8*time.Hour + time.Duration(frac/0.6*3*float64(time.Hour)))
				} else {
					at = d.Add(11*time.Hour + time.Duration((frac-0.6)/0.4*6*float64(time.Hour)))
				}
			}
			cat, win, svc := "civil", "2", 6*time.Minute
			if i%10 >= 7 {
				cat, win, svc = "health", "6", 10*time.Minute
			}
			id := fmt.Sprintf("%s-%d", d.Format("20060102"), i)
			emit(queue.Event{At: at, Type: queue.EvIssued, Ticket: id, Number: fmt.Sprintf("B%03d", i+1), Category: cat, Service: "pension", Token: id})
			emit(queue.Event{At: at.Add(5 * time.Minute), Type: queue.EvCalled, Ticket: id, Window: win, Staff: "A2"})
			emit(queue.Event{At: at.Add(5 * time.Minute), Type: queue.EvStarted, Ticket: id, Window: win, Staff: "A2"})
			emit(queue.Event{At: at.Add(5*time.Minute + svc), Type: queue.EvFinished, Ticket: id, Window: win, Staff: "A2", Outcome: queue.OutcomeImmediate})
		}
	}
	if err := log.Append(batch); err != nil {
		t.Fatal(err)
	}
	return log
}

func TestForecastFollowsMarketDaysAndRecentWeeks(t *testing.T) {
	h := parseHall(t, strings.Replace(smallHall, "{", `{"market_days": {"every": [1, 4, 7]},`, 1))
	loc := h.Location()
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, loc) }
	log := marketHistory(t, h, day(8, 1), day(10, 31))
	now := day(10, 31).Add(18 * time.Hour)
	e, err := queue.NewEngine(h, log, queue.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	store := &memSummaries{}
	forecast := func(d time.Time) queue.Forecast {
		t.Helper()
		f, err := e.Forecast(d, store)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	next, ok := h.NextMarketDay(day(10, 31))
	if !ok || !next.Equal(day(11, 1)) {
		t.Fatalf("next market day after 10-31 = %v", next)
	}
	market := forecast(next)         // Sunday 11-01, a market day
	monday := forecast(day(11, 2))   // ordinary Monday
	tuesday := forecast(day(11, 3))  // ordinary Tuesday, busier since October
	thursday := forecast(day(11, 5)) // ordinary Thursday
	for _, f := range []queue.Forecast{market, monday, tuesday, thursday} {
		t.Logf("%s %s market=%v: %v arrivals from %d days (%s); %+v", f.Day, f.Weekday, f.MarketDay, f.Arrivals, f.BasisN, f.Basis, f.Categories)
	}
	if !market.MarketDay || market.Arrivals < 235 || market.Arrivals > 245 || market.Basis != "过去的墟日" {
		t.Errorf("market day forecast: %v arrivals (basis %s, %d days), want about 240 from past market days", market.Arrivals, market.Basis, market.BasisN)
	}
	if peak := market.Categories[0].PeakHour; peak < 8 || peak > 10 {
		t.Errorf("market day peak at %d o'clock, want 8–10", peak)
	}
	if monday.MarketDay || monday.Arrivals < 88 || monday.Arrivals > 92 {
		t.Errorf("Monday forecast: %v, want about 90 (market days left out)", monday.Arrivals)
	}
	if thursday.Arrivals < 58 || thursday.Arrivals > 62 {
		t.Errorf("Thursday forecast: %v, want about 60", thursday.Arrivals)
	}
	// October's Tuesdays had 120, earlier ones 60: recent weeks count
	// more than the plain mean of the Tuesdays it learnt from.
	var sum, n float64
	for d := day(11, 3).AddDate(0, 0, -7*queue.ForecastWeeks); d.Before(day(11, 3)); d = d.AddDate(0, 0, 7) {
		if !d.Before(day(8, 1)) && !h.IsMarketDay(d) {
			n++
			sum += map[bool]float64{true: 120, false: 60}[d.Month() >= time.October]
		}
	}
	if plain := sum / n; tuesday.BasisN != int(n) || tuesday.Arrivals <= plain+2 || tuesday.Arrivals >= 120 {
		t.Errorf("Tuesday forecast: %v from %d days, want above the plain mean %.1f of %v days and below 120", tuesday.Arrivals, tuesday.BasisN, plain, n)
	}
	civil := func(f queue.Forecast) queue.CategoryForecast { return f.Categories[0] }
	if c := civil(market); c.ID != "civil" || c.ServiceMinutes != 6 || c.Arrivals < 160 || c.Arrivals > 176 {
		t.Errorf("market day 民生事业 = %+v, want about 168 arrivals at 6 minutes", c)
	}
	if health := market.Categories[1]; health.ID != "health" || health.ServiceMinutes != 10 {
		t.Errorf("卫生计生 = %+v, want 10-minute services measured from the log", health)
	}
	// The recommendation follows the load: more windows on a market day,
	// and each keeps the expected wait under the 15-minute target.
	for _, f := range []queue.Forecast{market, monday, tuesday, thursday} {
		for _, c := range f.Categories {
			if c.Arrivals > 0 && (c.Windows < 1 || c.WaitMinutes > 15) {
				t.Errorf("%s %s: %d windows, wait %v", f.Day, c.Name, c.Windows, c.WaitMinutes)
			}
		}
	}
	if civil(market).Windows <= civil(thursday).Windows || civil(market).Windows < 3 {
		t.Errorf("民生事业 windows: market day %d, Thursday %d; the market day needs more", civil(market).Windows, civil(thursday).Windows)
	}
	if civil(tuesday).Windows < civil(thursday).Windows {
		t.Errorf("民生事业 windows: Tuesday %d < Thursday %d", civil(tuesday).Windows, civil(thursday).Windows)
	}
}

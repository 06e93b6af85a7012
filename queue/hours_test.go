package queue_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

const hoursHall = `"hours": {"open": "08:30", "close": "17:30", "breaks": [{"from": "12:00", "to": "14:00"}],
  "stop_issuing_minutes": 30, "weekdays": [1,2,3,4,5], "closed_dates": ["2026-10-01"], "open_dates": ["2026-09-27"]},
  "market_days": {"every": [1, 4, 7], "close": "18:30"},`

func withHours(extra string) string {
	return strings.Replace(smallHall, `"categories": [`, extra+"\n  \"categories\": [", 1)
}

// sh is a time in Shanghai.
func sh(day, hhmm string) time.Time {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+hhmm, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func TestIssuingHours(t *testing.T) {
	h := parseHall(t, withHours(hoursHall))
	// 2026-11-20 is a Friday; the 21st (Sat), 22nd (Sun); the 24th a
	// Tuesday and market day (逢四).
	for _, c := range []struct {
		name, at, extend string
		open, closing    bool
		opens            string // "2006-01-02 15:04", when closed
	}{
		{"before opening", "2026-11-20 07:59", "", false, false, "2026-11-20 08:30"},
		{"at opening", "2026-11-20 08:30", "", true, false, ""},
		{"lunch break", "2026-11-20 12:30", "", false, false, "2026-11-20 14:00"},
		{"afternoon", "2026-11-20 16:59", "", true, false, ""},
		{"stop issuing before closing", "2026-11-20 17:00", "", false, true, "2026-11-23 08:30"},
		{"after closing on Friday: Monday", "2026-11-20 18:00", "", false, false, "2026-11-23 08:30"},
		{"Saturday", "2026-11-21 10:00", "", false, false, "2026-11-23 08:30"},
		{"market day closes later", "2026-11-24 17:30", "", true, false, ""},
		{"market day stops 30 min before 18:30", "2026-11-24 18:05", "", false, true, "2026-11-25 08:30"},
		{"today extended to 19:00", "2026-11-20 18:00", "19:00", true, false, ""},
		{"holiday on a Thursday", "2026-10-01 10:00", "", false, false, "2026-10-02 08:30"},
		{"working Sunday", "2026-09-27 10:00", "", true, false, ""},
	} {
		is := h.IssuingAt(sh(c.at[:10], c.at[11:]), c.extend)
		if is.Open != c.open || is.Closing != c.closing {
			t.Errorf("%s (%s): open %v closing %v, want %v %v", c.name, c.at, is.Open, is.Closing, c.open, c.closing)
		}
		if c.opens != "" && !is.OpensAt.Equal(sh(c.opens[:10], c.opens[11:])) {
			t.Errorf("%s (%s): opens at %v, want %s", c.name, c.at, is.OpensAt, c.opens)
		}
	}
	if got := queue.ReopenText(sh("2026-11-20", "18:00"), sh("2026-11-23", "08:30"), h.Location()); got != "11月23日（星期一）08:30" {
		t.Errorf("ReopenText = %q", got)
	}
	if got := queue.ReopenText(sh("2026-11-20", "12:30"), sh("2026-11-20", "14:00"), h.Location()); got != "今天 14:00" {
		t.Errorf("ReopenText = %q", got)
	}
}

func TestHoursValidation(t *testing.T) {
	_, err := queue.ParseHall(strings.NewReader(withHours(`"hours": {"open": "8:30", "close": "07:00", "weekdays": [0, 8],
	  "breaks": [{"from": "13:00", "to": "12:00"}], "closed_dates": ["10/01"]}, "market_days": {"every": [11]},`)))
	var got []string
	for _, fe := range queue.FieldErrors(err) {
		got = append(got, fe.Path)
	}
	want := "hours.open hours.close hours.breaks[0].to hours.weekdays[0] hours.weekdays[1] hours.closed_dates[0] market_days.every[0]"
	if strings.Join(got, " ") != want {
		t.Errorf("problems at %q, want %q (%v)", got, want, err)
	}
}

func TestKioskClosedAndCaps(t *testing.T) {
	f := newFixture(t, withHours(`"hours": {"open": "08:30", "close": "17:30"},`))
	f.clock.Set(sh("2026-11-20", "07:00"))
	_, err := f.e.Issue(ctx, "pension", false)
	var ce *queue.ClosedError
	if code(err) != "closed" || !errors.As(err, &ce) || !ce.OpensAt.Equal(sh("2026-11-20", "08:30")) {
		t.Fatalf("issue before opening: %v", err)
	}
	if !strings.Contains(err.Error(), "今天 08:30") {
		t.Errorf("the message does not say when: %v", err)
	}
	f.clock.Set(sh("2026-11-20", "18:00"))
	if err := f.e.ExtendToday(ctx, "admin", "19:00"); err != nil {
		t.Fatal(err)
	}
	f.issue("pension", false)
	f.clock.Set(sh("2026-11-21", "18:00")) // the extension was for yesterday only
	if _, err := f.e.Issue(ctx, "pension", false); code(err) != "closed" {
		t.Errorf("the next day after hours: %v", err)
	}

	g := newFixture(t, strings.Replace(strings.Replace(smallHall,
		`"name": "养老保险",   "categories": ["civil"]}`, `"name": "养老保险",   "categories": ["civil"], "daily_cap": 2}`, 1),
		`"prefix": "D", "name": "卫生计生", "service_minutes": 5}`, `"prefix": "D", "name": "卫生计生", "service_minutes": 5, "daily_cap": 1}`, 1))
	g.issue("pension", false)
	g.issue("pension", false)
	if _, err := g.e.Issue(ctx, "pension", false); code(err) != "cap_reached" {
		t.Errorf("third ticket of a service capped at 2: %v", err)
	}
	if err := g.e.LiftCap(ctx, "admin", "pension", ""); err != nil {
		t.Fatal(err)
	}
	g.issue("pension", false)
	g.open("6", "A6") // health now routes first
	if n := g.issue("birth", false).Ticket.Number; n != "D001" {
		t.Fatalf("birth = %s", n)
	}
	if _, err := g.e.Issue(ctx, "birth", false); code(err) != "cap_reached" {
		t.Errorf("second ticket of a category capped at 1: %v", err)
	}
	// A service of two categories goes on in the one not capped.
	if n := g.issue("medicare", false).Ticket.Category; n != "civil" {
		t.Errorf("medicare with health full went to %s, want civil", n)
	}
	g.restart()
	g.issue("pension", false) // the lifted cap survives a restart within the day
	if _, err := g.e.Issue(ctx, "birth", false); code(err) != "cap_reached" {
		t.Errorf("after a restart the day's tickets still count against the cap: %v", err)
	}
}

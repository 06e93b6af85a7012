package queue_test

import (
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

func date(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := queue.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The 2026 National Day week: closed 10-01 to 10-07, with Sunday 09-27 and
// Saturday 10-10 worked instead.
var nationalDay = queue.Calendar{
	Weekdays: []int{1, 2, 3, 4, 5},
	Closed:   []string{"2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"},
	Open:     []string{"2026-09-27", "2026-10-10"},
}

func TestAddWorkingDays(t *testing.T) {
	for _, tc := range []struct {
		name string
		cal  queue.Calendar
		from string
		n    int
		want string
	}{
		{"within the week", nationalDay, "2026-11-23", 3, "2026-11-26"},
		{"over a weekend", nationalDay, "2026-11-20", 3, "2026-11-25"},
		{"from a Saturday", nationalDay, "2026-11-21", 1, "2026-11-23"},
		{"zero days is the same day", nationalDay, "2026-11-21", 0, "2026-11-21"},
		{"a worked Sunday counts", nationalDay, "2026-09-25", 1, "2026-09-27"},
		{"over the holiday", nationalDay, "2026-09-30", 1, "2026-10-08"},
		{"holiday then a worked Saturday", nationalDay, "2026-09-30", 3, "2026-10-10"},
		{"a closed weekday that is also listed open stays closed", queue.Calendar{Weekdays: []int{1, 2, 3, 4, 5}, Closed: []string{"2026-11-24"}, Open: []string{"2026-11-24"}}, "2026-11-23", 1, "2026-11-25"},
		{"no weekdays: every day", queue.Calendar{}, "2026-11-20", 3, "2026-11-23"},
		{"market town open Saturdays", queue.Calendar{Weekdays: []int{1, 2, 3, 4, 5, 6}}, "2026-11-20", 2, "2026-11-23"},
		{"twenty days over four weekends", nationalDay, "2026-11-23", 20, "2026-12-21"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.cal.AddWorkingDays(date(t, tc.from), tc.n).Format(time.DateOnly)
			if got != tc.want {
				t.Errorf("%s + %d working days = %s, want %s", tc.from, tc.n, got, tc.want)
			}
		})
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to string
		want     int
	}{
		{"same day", "2026-11-23", "2026-11-23", 0},
		{"backwards", "2026-11-24", "2026-11-23", 0},
		{"Friday to Monday", "2026-11-20", "2026-11-23", 1},
		{"a whole week", "2026-11-20", "2026-11-27", 5},
		{"over the holiday with a worked Saturday", "2026-09-30", "2026-10-10", 3},
		{"a worked Sunday", "2026-09-26", "2026-09-27", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := nationalDay.WorkingDaysBetween(date(t, tc.from), date(t, tc.to)); got != tc.want {
				t.Errorf("working days in (%s, %s] = %d, want %d", tc.from, tc.to, got, tc.want)
			}
		})
	}
}

func TestHallCalendar(t *testing.T) {
	// Without hours: the statutory week.
	if c := parseHall(t, smallHall).Calendar(); c.Works(date(t, "2026-11-21")) || !c.Works(date(t, "2026-11-20")) {
		t.Errorf("a hall without hours: Saturday works %v, Friday %v; want the Monday-to-Friday week", c.Works(date(t, "2026-11-21")), c.Works(date(t, "2026-11-20")))
	}
	h := parseHall(t, withCaseHall(`"hours": {"open": "08:30", "close": "17:30", "weekdays": [1,2,3,4,5,6], "closed_dates": ["2026-11-24"], "open_dates": ["2026-11-22"]},`))
	c := h.Calendar()
	for d, want := range map[string]bool{"2026-11-21": true, "2026-11-22": true, "2026-11-23": true, "2026-11-24": false, "2026-11-29": false} {
		if c.Works(date(t, d)) != want {
			t.Errorf("hall works on %s: %v, want %v", d, !want, want)
		}
	}
}

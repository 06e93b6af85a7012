package queue

import (
	"slices"
	"time"
)

// Working days count a promise's time limit (限时办结): "5 个工作日" means
// five days the hall works, by its own calendar of weekdays, holidays
// (closed_dates) and working weekends (open_dates).

// Calendar says which local dates the hall works.
type Calendar struct {
	// Weekdays worked, ISO (1 Monday … 7 Sunday); every day when empty.
	Weekdays []int
	Closed   []string // "2006-01-02" dates not worked although a weekday
	Open     []string // dates worked although not a weekday
}

// officeWeek is the statutory working week, used for promises when a hall
// gives no calendar of its own.
var officeWeek = []int{1, 2, 3, 4, 5}

// maxCalendarDays bounds every walk over the calendar: a calendar with no
// working day in ten years is a broken hall file, not a reason to hang.
const maxCalendarDays = 3660

// Works reports whether the hall works on the date d (its year, month and
// day; the clock time and zone are ignored).
func (c Calendar) Works(d time.Time) bool {
	if len(c.Closed)+len(c.Open) > 0 {
		date := d.Format(time.DateOnly)
		if slices.Contains(c.Closed, date) {
			return false
		}
		if slices.Contains(c.Open, date) {
			return true
		}
	}
	wd := int(d.Weekday())
	if wd == 0 {
		wd = 7
	}
	return len(c.Weekdays) == 0 || slices.Contains(c.Weekdays, wd)
}

// AddWorkingDays returns the n-th working day after the date d; d itself
// when n is 0 (a promise of 0 days is due the day it is made).
func (c Calendar) AddWorkingDays(d time.Time, n int) time.Time {
	d = civil(d)
	for i := 0; n > 0 && i < maxCalendarDays; i++ {
		d = d.AddDate(0, 0, 1)
		if c.Works(d) {
			n--
		}
	}
	return d
}

// WorkingDaysBetween counts the working days after a up to and including
// b; 0 when b is not after a.
func (c Calendar) WorkingDaysBetween(a, b time.Time) int {
	a, b = civil(a), civil(b)
	n := 0
	for d := a.AddDate(0, 0, 1); !d.After(b) && n < maxCalendarDays; d = d.AddDate(0, 0, 1) {
		if c.Works(d) {
			n++
		}
	}
	return n
}

// civil drops the clock time of a date, keeping its year, month and day
// as written in its own zone, so that arithmetic never meets a DST jump.
func civil(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// ParseDate reads a "2006-01-02" date.
func ParseDate(s string) (time.Time, error) { return time.Parse(time.DateOnly, s) }

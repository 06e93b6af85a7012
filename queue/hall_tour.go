package queue

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The service bus (便民服务车): a township's laptop that tours villages on
// an announced schedule runs as a small hall of its own, with its own
// numbers and ledger. Its hall file names its township hall (Parent) and
// the villages it serves on which days (Tour), so that the county counts
// the bus's tickets in the township's 台账 under the village it served
// (docs/county/protocol.md, "The service bus").

// TourStop is one line of a bus's schedule: a village on one date, or on
// some weekdays. A dated stop wins over a weekday one on its date.
type TourStop struct {
	Day      string `json:"day,omitempty"`      // "2026-11-23"
	Weekdays []int  `json:"weekdays,omitempty"` // ISO, 1 Monday … 7 Sunday
	Village  string `json:"village"`
}

const maxVillageName = 20 // runes

// VillageOn is the village the tour serves on a local date ("2026-11-23"),
// or "" when the tour says nothing of that day.
func (h *Hall) VillageOn(day string) string {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return ""
	}
	wd := int(d.Weekday())
	if wd == 0 {
		wd = 7
	}
	weekly := ""
	for _, s := range h.Tour {
		switch {
		case s.Day == day:
			return s.Village
		case weekly == "" && slices.Contains(s.Weekdays, wd):
			weekly = s.Village
		}
	}
	return weekly
}

// validateTour checks the bus's fields: a parent named as a hall id, and a
// tour of stops each with a village and either a date or weekdays, no date
// or weekday twice.
func (h *Hall) validateTour(bad func(path, format string, args ...any)) {
	if h.Parent != "" {
		if err := CheckHallID(h.Parent); err != nil {
			bad("parent", "%v", err)
		} else if h.Parent == h.ID {
			bad("parent", "a hall cannot be its own parent")
		}
	}
	if len(h.Tour) > 0 && h.Parent == "" {
		bad("tour", "a tour belongs to a service bus: name its township hall in \"parent\"")
	}
	days, weekdays := map[string]bool{}, map[int]bool{}
	for i, s := range h.Tour {
		p := fmt.Sprintf("tour[%d]", i)
		if v := strings.TrimSpace(s.Village); v == "" || utf8.RuneCountInString(v) > maxVillageName {
			bad(p+".village", "a village name of 1 to %d characters is needed", maxVillageName)
		}
		switch {
		case s.Day != "" && len(s.Weekdays) > 0:
			bad(p, "give either day or weekdays, not both")
		case s.Day != "":
			if _, err := time.Parse(time.DateOnly, s.Day); err != nil {
				bad(p+".day", "want a date like 2026-11-23, not %q", s.Day)
			} else if days[s.Day] {
				bad(p+".day", "%s is already on the tour", s.Day)
			}
			days[s.Day] = true
		case len(s.Weekdays) > 0:
			for _, d := range s.Weekdays {
				switch {
				case d < 1 || d > 7:
					bad(p+".weekdays", "weekdays are 1 (Monday) … 7 (Sunday), not %d", d)
				case weekdays[d]:
					bad(p+".weekdays", "weekday %d is already on the tour", d)
				}
				weekdays[d] = true
			}
		default:
			bad(p, "give the stop's day or weekdays")
		}
	}
}

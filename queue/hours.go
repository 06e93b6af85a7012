package queue

import (
	"fmt"
	"slices"
	"time"
)

// Opening hours decide when the kiosk hands out numbers: a hall opens on
// its weekdays (and on open_dates, e.g. a working Sunday), not on
// closed_dates (holidays); on market days (逢一、四、七: the day of the
// month modulo 10) it may open longer; it stops issuing a while before it
// closes so that the last villager is served, and not during breaks.

// Hours are a hall's opening hours. Times are "HH:MM" in the hall's zone.
type Hours struct {
	Open   string  `json:"open"`
	Close  string  `json:"close"`
	Breaks []Break `json:"breaks,omitempty"`
	// StopIssuingMinutes: numbers stop this long before closing.
	StopIssuingMinutes int `json:"stop_issuing_minutes,omitempty"`
	// Weekdays the hall opens, ISO (1 Monday … 7 Sunday); every day when
	// empty.
	Weekdays    []int    `json:"weekdays,omitempty"`
	ClosedDates []string `json:"closed_dates,omitempty"`
	OpenDates   []string `json:"open_dates,omitempty"`
}

// Break is a pause of issuing (午休).
type Break struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// MarketDays are the local market days (逢集), when the hall is busier.
type MarketDays struct {
	// Every lists days of the month modulo 10: [1, 4, 7] is 逢一、四、七
	// (the 1st, 4th, 7th, 11th, 14th … 31st); 0 stands for 10, 20, 30.
	Every []int `json:"every"`
	// Open and Close, when set, replace the usual hours on market days.
	Open  string `json:"open,omitempty"`
	Close string `json:"close,omitempty"`
}

// Issuing is whether the kiosk hands out numbers at a moment.
type Issuing struct {
	Open bool `json:"open"`
	// OpensAt is when it next does (closed); StopsAt when it stops (open).
	OpensAt time.Time `json:"opens_at,omitzero"`
	StopsAt time.Time `json:"stops_at,omitzero"`
	// Closing is true from StopsAt until closing time: the lobby shows
	// 停止取号 while clerks still serve.
	Closing bool `json:"closing,omitempty"`
}

// IssuingAt says whether numbers are handed out at t. extendTo, when set
// ("HH:MM"), is the manager's extension of today's closing time.
func (h *Hall) IssuingAt(t time.Time, extendTo string) Issuing {
	if h.Hours == nil {
		return Issuing{Open: true}
	}
	loc := h.Location()
	local := t.In(loc)
	for i := 0; i < 62; i++ {
		d := time.Date(local.Year(), local.Month(), local.Day()+i, 0, 0, 0, 0, loc)
		ext := ""
		if i == 0 {
			ext = extendTo
		}
		spans, closeAt := h.issuingSpans(d, ext)
		for _, sp := range spans {
			switch {
			case t.Before(sp[0]):
				return Issuing{OpensAt: sp[0]}
			case t.Before(sp[1]):
				return Issuing{Open: true, StopsAt: sp[1]}
			}
		}
		if i == 0 && len(spans) > 0 && t.Before(closeAt) {
			// Past the last number but before closing: 停止取号.
			is := h.IssuingAt(closeAt, "")
			is.Closing = true
			return is
		}
	}
	return Issuing{} // closed for two months: no reopening to announce
}

// issuingSpans gives a day's periods of issuing, in order, and its
// closing time; none on a day the hall is shut.
func (h *Hall) issuingSpans(d time.Time, extendTo string) ([][2]time.Time, time.Time) {
	hs := h.Hours
	if !h.Calendar().Works(d) {
		return nil, time.Time{}
	}
	from, to := hs.Open, hs.Close
	if m := h.Market; m != nil && h.IsMarketDay(d) {
		if m.Open != "" {
			from = m.Open
		}
		if m.Close != "" {
			to = m.Close
		}
	}
	if extendTo != "" && extendTo > to {
		to = extendTo
	}
	at := func(hhmm string) time.Time {
		m, _ := minuteOfDay(hhmm)
		return time.Date(d.Year(), d.Month(), d.Day(), m/60, m%60, 0, 0, d.Location())
	}
	closeAt := at(to)
	stop := closeAt.Add(-time.Duration(hs.StopIssuingMinutes) * time.Minute)
	spans := [][2]time.Time{{at(from), stop}}
	for _, b := range hs.Breaks {
		bf, bt := at(b.From), at(b.To)
		var next [][2]time.Time
		for _, sp := range spans {
			if !bf.Before(sp[1]) || !bt.After(sp[0]) {
				next = append(next, sp)
				continue
			}
			if sp[0].Before(bf) {
				next = append(next, [2]time.Time{sp[0], bf})
			}
			if bt.Before(sp[1]) {
				next = append(next, [2]time.Time{bt, sp[1]})
			}
		}
		spans = next
	}
	return slices.DeleteFunc(spans, func(sp [2]time.Time) bool { return !sp[0].Before(sp[1]) }), closeAt
}

// validateHours checks the hours, market days and caps of a hall.
func (h *Hall) validateHours(bad func(path, format string, args ...any)) {
	clock := func(p, v string) {
		if _, ok := minuteOfDay(v); !ok {
			bad(p, "want a time of day as \"08:30\", not %q", v)
		}
	}
	date := func(p, v string) {
		if _, err := time.Parse(time.DateOnly, v); err != nil {
			bad(p, "want a date as \"2026-10-01\", not %q", v)
		}
	}
	if hs := h.Hours; hs != nil {
		clock("hours.open", hs.Open)
		clock("hours.close", hs.Close)
		if hs.Open >= hs.Close {
			bad("hours.close", "must be after hours.open (%s)", hs.Open)
		}
		for i, b := range hs.Breaks {
			p := fmt.Sprintf("hours.breaks[%d]", i)
			clock(p+".from", b.From)
			clock(p+".to", b.To)
			if b.From >= b.To {
				bad(p+".to", "must be after from (%s)", b.From)
			}
		}
		if hs.StopIssuingMinutes < 0 || hs.StopIssuingMinutes > 240 {
			bad("hours.stop_issuing_minutes", "must be 0 to 240")
		}
		for i, d := range hs.Weekdays {
			if d < 1 || d > 7 {
				bad(fmt.Sprintf("hours.weekdays[%d]", i), "must be 1 (Monday) to 7 (Sunday), not %d", d)
			}
		}
		for i, d := range hs.ClosedDates {
			date(fmt.Sprintf("hours.closed_dates[%d]", i), d)
		}
		for i, d := range hs.OpenDates {
			date(fmt.Sprintf("hours.open_dates[%d]", i), d)
		}
	}
	if m := h.Market; m != nil {
		for i, d := range m.Every {
			if d < 0 || d > 9 {
				bad(fmt.Sprintf("market_days.every[%d]", i), "must be 0 to 9 (the day of the month's last digit), not %d", d)
			}
		}
		if m.Open != "" {
			clock("market_days.open", m.Open)
		}
		if m.Close != "" {
			clock("market_days.close", m.Close)
		}
		if (m.Open != "" || m.Close != "") && h.Hours == nil {
			bad("market_days", "market-day hours need hours")
		}
	}
	for i, c := range h.Categories {
		if c.DailyCap < 0 {
			bad(fmt.Sprintf("categories[%d].daily_cap", i), "must not be negative")
		}
	}
	for i, s := range h.Services {
		if s.DailyCap < 0 {
			bad(fmt.Sprintf("services[%d].daily_cap", i), "must not be negative")
		}
	}
}

// minuteOfDay reads "HH:MM" (24 h, two digits each; "24:00" is midnight
// at the end of the day).
func minuteOfDay(v string) (int, bool) {
	if len(v) != 5 || v[2] != ':' {
		return 0, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if v[i] < '0' || v[i] > '9' {
			return 0, false
		}
	}
	h, m := int(v[0]-'0')*10+int(v[1]-'0'), int(v[3]-'0')*10+int(v[4]-'0')
	if m > 59 || h > 24 || (h == 24 && m > 0) {
		return 0, false
	}
	return h*60 + m, true
}

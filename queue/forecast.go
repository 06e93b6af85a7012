package queue

import (
	"math"
	"slices"
	"time"
)

// Forecast is the expected arrivals of one date, per hour and per
// category, learnt from the hall's own history, and the windows each
// category needs to keep the expected wait under the hall's target.
type Forecast struct {
	Day       string `json:"day"`
	Weekday   string `json:"weekday"`
	MarketDay bool   `json:"market_day"`
	// Basis says which past days it learnt from ("过去 6 个墟日").
	Basis    string  `json:"basis"`
	BasisN   int     `json:"basis_days"`
	Arrivals float64 `json:"arrivals"` // the whole day
	// Hours are the expected arrivals per local hour, 0–23.
	Hours      [24]float64        `json:"hours"`
	Categories []CategoryForecast `json:"categories"`
}

// CategoryForecast is one category's expected load and the windows it
// needs at its busiest hour.
type CategoryForecast struct {
	ID             string  `json:"id"`
	Name           string  `json:"name"`
	Arrivals       float64 `json:"arrivals"`
	PeakHour       int     `json:"peak_hour"`
	PeakArrivals   float64 `json:"peak_arrivals"` // per hour
	ServiceMinutes float64 `json:"service_minutes"`
	Windows        int     `json:"windows"`           // recommended open windows at the peak
	WaitMinutes    float64 `json:"wait_minutes"`      // expected wait with that many
	Served         int     `json:"served_by_windows"` // windows of the hall serving it
}

// recencyHalfLife: a day this long ago counts half as much as yesterday.
const recencyHalfLife = 28 * 24 * time.Hour

// ForecastWeeks is how far back a forecast (and the report's "usual")
// learns from.
const ForecastWeeks = 12

// Forecast forecasts a date from the weeks of history before it (closed
// days' summaries from store, as the ledger keeps them).
func (e *Engine) Forecast(date time.Time, store SummaryStore) (Forecast, error) {
	h := e.Hall()
	loc := h.Location()
	date = time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, loc)
	hist, err := e.Summaries(date.AddDate(0, 0, -7*ForecastWeeks), date.AddDate(0, 0, -1), store)
	if err != nil {
		return Forecast{}, err
	}
	return ForecastDay(h, hist, date), nil
}

// NextMarketDay is the first market day after the given date, if the hall
// has market days.
func (h *Hall) NextMarketDay(after time.Time) (time.Time, bool) {
	if len(h.MarketDays()) == 0 {
		return time.Time{}, false
	}
	for i := 1; i <= 31; i++ {
		if d := after.AddDate(0, 0, i); h.IsMarketDay(d) {
			return d, true
		}
	}
	return time.Time{}, false
}

var weekdayNames = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// ForecastDay forecasts a date from the summaries of earlier days: the
// same kind of day (a market day from past market days; otherwise the
// same weekday on ordinary days), recent ones weighted more. Days the hall
// did not open are left out.
func ForecastDay(h *Hall, history []DaySummary, date time.Time) Forecast {
	loc := h.Location()
	date = time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, loc)
	market := h.IsMarketDay(date)
	f := Forecast{Day: date.Format(time.DateOnly), Weekday: weekdayNames[date.Weekday()], MarketDay: market, Categories: []CategoryForecast{}}
	type past struct {
		sum *DaySummary
		day time.Time
	}
	var opened []past
	for i := range history {
		d, err := time.ParseInLocation(time.DateOnly, history[i].Day, loc)
		if err != nil || !d.Before(date) || history[i].Total.Issued == 0 {
			continue
		}
		opened = append(opened, past{&history[i], d})
	}
	pick := func(match func(time.Time) bool) []past {
		var out []past
		for _, p := range opened {
			if match(p.day) {
				out = append(out, p)
			}
		}
		return out
	}
	var basis []past
	switch {
	case market:
		basis, f.Basis = pick(h.IsMarketDay), "过去的墟日"
	case len(h.MarketDays()) > 0:
		basis, f.Basis = pick(func(d time.Time) bool { return d.Weekday() == date.Weekday() && !h.IsMarketDay(d) }), "过去非墟日的"+f.Weekday
	default:
		basis, f.Basis = pick(func(d time.Time) bool { return d.Weekday() == date.Weekday() }), "过去的"+f.Weekday
	}
	if len(basis) == 0 {
		basis, f.Basis = opened, "过去开放的日子"
	}
	f.BasisN = len(basis)
	var (
		wsum    float64
		catIss  = map[string]float64{}
		svcSecs = map[string]float64{}
		svcN    = map[string]float64{}
	)
	for _, p := range basis {
		w := math.Pow(0.5, float64(date.Sub(p.day))/float64(recencyHalfLife))
		wsum += w
		for hr, t := range p.sum.Hours {
			if hr >= 0 && hr < 24 {
				f.Hours[hr] += w * float64(t.Issued)
			}
		}
		for id, t := range p.sum.Categories {
			catIss[id] += w * float64(t.Issued)
			svcSecs[id] += w * t.ServiceSecs
			svcN[id] += w * float64(t.Served)
		}
	}
	if wsum == 0 {
		return f
	}
	total := 0.0
	for hr := range f.Hours {
		f.Hours[hr] = math.Round(f.Hours[hr]/wsum*10) / 10
		total += f.Hours[hr]
	}
	f.Arrivals = math.Round(total*10) / 10
	catTotal := 0.0
	for _, v := range catIss {
		catTotal += v
	}
	peak := slices.Index(f.Hours[:], slices.Max(f.Hours[:]))
	target := h.TargetWait().Minutes()
	for _, c := range h.Categories {
		cf := CategoryForecast{ID: c.ID, Name: c.Name, PeakHour: peak}
		share := 0.0
		if catTotal > 0 {
			share = catIss[c.ID] / catTotal
		}
		cf.Arrivals = round1(f.Arrivals * share)
		cf.PeakArrivals = round1(f.Hours[peak] * share)
		cf.ServiceMinutes = c.ServiceMinutes
		if svcN[c.ID] > 0 {
			cf.ServiceMinutes = svcSecs[c.ID] / svcN[c.ID] / 60
		}
		if cf.ServiceMinutes <= 0 {
			cf.ServiceMinutes = 5
		}
		cf.ServiceMinutes = round1(cf.ServiceMinutes)
		cf.Windows, cf.WaitMinutes = WindowsFor(f.Hours[peak]*share, cf.ServiceMinutes, target)
		for _, w := range h.Windows {
			if slices.Contains(w.Categories, c.ID) {
				cf.Served++
			}
		}
		f.Categories = append(f.Categories, cf)
	}
	return f
}

// WindowsFor is the fewest windows (servers) that keep the expected wait
// in an M/M/n queue (Erlang C) at most target minutes, given arrivals per
// hour and the mean service time, with the wait they give. No arrivals
// need no window.
func WindowsFor(perHour, serviceMinutes, targetMinutes float64) (int, float64) {
	if perHour <= 0 || serviceMinutes <= 0 {
		return 0, 0
	}
	lambda := perHour / 60   // per minute
	mu := 1 / serviceMinutes // per minute, one window
	a := lambda / mu         // offered load, erlangs
	for n := max(1, int(math.Floor(a))+1); ; n++ {
		w := ErlangCWait(n, lambda, mu)
		if w <= targetMinutes || n > 200 {
			return n, round1(w)
		}
	}
}

// ErlangCWait is the expected wait (in the unit of 1/lambda) of an M/M/n
// queue with arrival rate lambda and service rate mu per server; +Inf
// when the servers cannot keep up.
func ErlangCWait(n int, lambda, mu float64) float64 {
	a := lambda / mu
	if float64(n) <= a {
		return math.Inf(1)
	}
	// Erlang B by its stable recursion, then C from B.
	b := 1.0
	for k := 1; k <= n; k++ {
		b = a * b / (float64(k) + a*b)
	}
	c := float64(n) * b / (float64(n) - a*(1-b))
	return c / (float64(n)*mu - lambda)
}

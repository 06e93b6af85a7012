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

// The forecast (客流预测) on /admin: tomorrow and the next market day, each
// with arrivals per hour learnt from the hall's history and the windows
// each category needs to keep the expected wait under the target.

type forecastDay struct {
	Label    string // 明天 / 下一个墟日
	Date     string
	F        queue.Forecast
	Chart    template.HTML
	Arrivals string
	Rows     [][]string
	Short    []string // categories that need more windows than serve them
}

type forecastView struct {
	TargetMinutes string
	Days          []forecastDay
}

// forecastDates are the days /admin forecasts: tomorrow, and the next
// market day after it when the hall has market days.
func (s *Server) forecastDates() (labels []string, dates []time.Time) {
	h := s.engine.Hall()
	now := s.now().In(h.Location())
	tomorrow := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, h.Location())
	labels, dates = []string{"明天"}, []time.Time{tomorrow}
	if h.IsMarketDay(tomorrow) {
		labels[0] = "明天（墟日）"
	}
	if next, ok := h.NextMarketDay(tomorrow); ok {
		labels, dates = append(labels, "下一个墟日"), append(dates, next)
	}
	return labels, dates
}

// getForecast answers ?day=D with that day's forecast, else tomorrow's and
// the next market day's.
func (s *Server) getForecast(w http.ResponseWriter, r *http.Request) {
	loc := s.engine.Hall().Location()
	if d := r.URL.Query().Get("day"); d != "" {
		day, err := time.ParseInLocation(time.DateOnly, d, loc)
		if err != nil {
			failWith(w, http.StatusBadRequest, "bad_day", "日期应写成 2026-11-21")
			return
		}
		f, err := s.engine.Forecast(day, s.summaries)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		WriteJSON(w, http.StatusOK, f)
		return
	}
	_, dates := s.forecastDates()
	out := []queue.Forecast{}
	for _, d := range dates {
		f, err := s.engine.Forecast(d, s.summaries)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out = append(out, f)
	}
	WriteJSON(w, http.StatusOK, map[string]any{"days": out})
}

// getForecastPage renders the forecast card's body for /admin.
func (s *Server) getForecastPage(w http.ResponseWriter, r *http.Request, ps *pageSet) {
	h := s.engine.Hall()
	v := forecastView{TargetMinutes: min1(h.TargetWait().Minutes())}
	labels, dates := s.forecastDates()
	for i, d := range dates {
		f, err := s.engine.Forecast(d, s.summaries)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		fd := forecastDay{Label: labels[i], Date: fmt.Sprintf("%d月%d日 %s", d.Month(), d.Day(), f.Weekday), F: f, Arrivals: min1(f.Arrivals)}
		if f.MarketDay {
			fd.Date += "（墟日）"
		}
		c := chart{Title: "预计每小时取号", Unit: "人"}
		var vals []float64
		first, last := 8, 17
		for hr, n := range f.Hours {
			if n > 0 {
				first, last = min(first, hr), max(last, hr)
			}
		}
		for hr := first; hr <= last; hr++ {
			c.Labels = append(c.Labels, strconv.Itoa(hr)+"时")
			vals = append(vals, f.Hours[hr])
		}
		c.Series = []chartSeries{{Name: "预计", Values: vals, Color: colorOrange}}
		fd.Chart = c.SVG()
		for _, cf := range f.Categories {
			if cf.Arrivals == 0 {
				continue
			}
			fd.Rows = append(fd.Rows, []string{cf.Name, min1(cf.Arrivals), fmt.Sprintf("%d时 %s 人", cf.PeakHour, min1(cf.PeakArrivals)),
				min1(cf.ServiceMinutes), itoa(cf.Windows), min1(cf.WaitMinutes), itoa(cf.Served)})
			if cf.Windows > cf.Served {
				fd.Short = append(fd.Short, fmt.Sprintf("%s需开 %d 个窗口，大厅只有 %d 个窗口办理", cf.Name, cf.Windows, cf.Served))
			}
		}
		v.Days = append(v.Days, fd)
	}
	var buf bytes.Buffer
	if err := ps.tmpl.ExecuteTemplate(&buf, "forecast.html", v); err != nil {
		s.fail(w, r, fmt.Errorf("web: forecast: %w", err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Charts for the report, drawn as inline SVG on the server: no script, no
// library, nothing fetched, and they print as sharp as the text.

// chartSeries is one series of a chart: bars, or a line with dots.
type chartSeries struct {
	Name   string
	Values []float64
	Color  string
	Line   bool
}

// chart is a chart over labelled categories (hours, days, windows).
type chart struct {
	Title  string
	Labels []string
	Series []chartSeries
	// Percent draws the axis 0–100 % (values are 0..1).
	Percent bool
	// Unit is shown after the axis numbers ("人", "分钟").
	Unit string
}

const (
	svgW, svgH                = 640.0, 230.0
	padL, padR, padT, padB    = 46.0, 12.0, 40.0, 30.0
	plotW, plotH              = svgW - padL - padR, svgH - padT - padB
	chartFont                 = `font-family="Noto Sans CJK SC, Microsoft YaHei, sans-serif"`
	colorBlue, colorGrey      = "#1565c0", "#9aa7b5"
	colorGreen, colorOrange   = "#2e7d32", "#ef6c00"
	axisColor, gridColor, ink = "#5b6775", "#e3e8ee", "#1b2430"
)

// niceAxis rounds a maximum up to 1, 2 or 5 times a power of ten and
// gives the number of gridline steps that keep every label round
// (50 in 5 steps of 10, 20 in 4 steps of 5).
func niceAxis(v float64) (top float64, steps int) {
	if v <= 0 {
		return 1, 4
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*p {
			if m == 2 {
				return m * p, 4
			}
			return m * p, 5
		}
	}
	return 10 * p, 5
}

func num(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// SVG renders the chart. Its text is escaped; the result is safe to put
// in a page.
func (c chart) SVG() template.HTML {
	var b strings.Builder
	esc := html.EscapeString
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %g %g" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg" %s font-size="13">`, svgW, svgH, esc(c.Title), chartFont)
	fmt.Fprintf(&b, `<text x="0" y="16" font-size="15" font-weight="bold" fill="%s">%s</text>`, ink, esc(c.Title))
	// Legend, right-aligned on the title line.
	x := svgW - padR
	for i := len(c.Series) - 1; i >= 0; i-- {
		s := c.Series[i]
		w := 12*float64(len([]rune(s.Name))) + 22
		x -= w
		if s.Line {
			fmt.Fprintf(&b, `<line x1="%g" y1="12" x2="%g" y2="12" stroke="%s" stroke-width="2.5"/>`, x, x+14, s.Color)
		} else {
			fmt.Fprintf(&b, `<rect x="%g" y="6" width="14" height="12" fill="%s"/>`, x, s.Color)
		}
		fmt.Fprintf(&b, `<text x="%g" y="16" fill="%s">%s</text>`, x+18, axisColor, esc(s.Name))
	}
	top, steps := 1.0, 4
	if !c.Percent {
		peak := 0.0
		for _, s := range c.Series {
			for _, v := range s.Values {
				peak = max(peak, v)
			}
		}
		top, steps = niceAxis(peak)
		if top <= 5 {
			steps = int(top) // counts: whole numbers on the axis
		}
	}
	y := func(v float64) float64 { return padT + plotH*(1-min(v, top)/top) }
	for i := 0; i <= steps; i++ {
		v := top * float64(i) / float64(steps)
		label := num(v)
		if c.Percent {
			label = num(v*100) + "%"
		}
		fmt.Fprintf(&b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="%s"/>`, padL, y(v), svgW-padR, y(v), gridColor)
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" text-anchor="end" fill="%s">%s</text>`, padL-4, y(v)+4, axisColor, label)
	}
	if c.Unit != "" {
		fmt.Fprintf(&b, `<text x="%g" y="%g" text-anchor="end" fill="%s">%s</text>`, padL-4, padT-14, axisColor, esc(c.Unit))
	}
	n := len(c.Labels)
	if n == 0 {
		b.WriteString(`<text x="320" y="120" text-anchor="middle" fill="#6b7785">没有数据</text></svg>`)
		return template.HTML(b.String())
	}
	slot := plotW / float64(n)
	step := int(math.Ceil(float64(n) / 16)) // at most 16 axis labels
	for i, l := range c.Labels {
		if i%step == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%g" text-anchor="middle" fill="%s">%s</text>`, padL+slot*(float64(i)+0.5), svgH-padB+16, axisColor, esc(l))
		}
	}
	var bars []chartSeries
	for _, s := range c.Series {
		if !s.Line {
			bars = append(bars, s)
		}
	}
	if len(bars) > 0 {
		bw := min(slot*0.8/float64(len(bars)), 48) // a few wide categories keep slim bars
		inset := (slot - bw*float64(len(bars))) / 2
		for j, s := range bars {
			for i, v := range s.Values {
				bx := padL + slot*float64(i) + inset + bw*float64(j)
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s：%s</title></rect>`,
					bx, y(v), max(bw-1, 1), padT+plotH-y(v), s.Color, esc(c.Labels[i]), esc(s.Name), c.value(v))
			}
		}
	}
	for _, s := range c.Series {
		if !s.Line {
			continue
		}
		var pts []string
		for i, v := range s.Values {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", padL+slot*(float64(i)+0.5), y(v)))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"/>`, strings.Join(pts, " "), s.Color)
		for i, v := range s.Values {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s %s：%s</title></circle>`,
				padL+slot*(float64(i)+0.5), y(v), s.Color, esc(c.Labels[i]), esc(s.Name), c.value(v))
		}
	}
	fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="%s"/></svg>`, padL, padT+plotH, svgW-padR, padT+plotH, axisColor)
	return template.HTML(b.String())
}

func (c chart) value(v float64) string {
	if c.Percent {
		return num(v*100) + "%"
	}
	return num(v) + c.Unit
}

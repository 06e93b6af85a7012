package queue

import (
	"errors"
	"math"
	"slices"
	"time"
)

// Ledger is one day's figures (台账), the ones the hall reports upward.
//
//	受理 Accepted: villagers who reached a window (called, not 过号)
//	办结 Finished: of those, whose matter was concluded (即办, 承诺, 咨询)
//	办结率 FinishRate = Finished / Accepted
//	满意率 Satisfaction: ratings of 基本满意 or better / all ratings
type Ledger struct {
	Day         string  `json:"day"`
	Issued      int     `json:"issued"`
	Accepted    int     `json:"accepted"`
	Finished    int     `json:"finished"`
	Immediate   int     `json:"immediate"`
	Promised    int     `json:"promised"`
	Consult     int     `json:"consult"`
	NoShow      int     `json:"no_show"`
	Cancelled   int     `json:"cancelled"`
	Transferred int     `json:"transferred"`
	Priority    int     `json:"priority"`
	Unprinted   int     `json:"unprinted"`
	FinishRate  float64 `json:"finish_rate"`

	AvgWaitMinutes    float64 `json:"avg_wait_minutes"`
	MaxWaitMinutes    float64 `json:"max_wait_minutes"`
	AvgServiceMinutes float64 `json:"avg_service_minutes"`

	Ratings      [5]int  `json:"ratings"` // count per score 1..5
	Rated        int     `json:"rated"`
	Satisfaction float64 `json:"satisfaction"`

	Categories []LedgerLine `json:"categories"`
	Windows    []LedgerLine `json:"windows"`
}

// LedgerLine is the ledger of one category or one window.
type LedgerLine struct {
	ID             string  `json:"id"`
	Name           string  `json:"name"`
	Issued         int     `json:"issued"`
	Finished       int     `json:"finished"`
	AvgWaitMinutes float64 `json:"avg_wait_minutes"`
}

// Ledger computes the figures of the state's day.
func (s *State) Ledger() Ledger {
	l := Ledger{Day: s.Day}
	h := s.hall
	type acc struct {
		line  LedgerLine
		waits []float64
	}
	cats, wins := map[string]*acc{}, map[string]*acc{}
	for _, c := range h.Categories {
		cats[c.ID] = &acc{line: LedgerLine{ID: c.ID, Name: c.Name}}
	}
	for _, w := range h.Windows {
		wins[w.ID] = &acc{line: LedgerLine{ID: w.ID, Name: w.Name}}
	}
	var waits, services []float64
	for _, t := range s.Tickets {
		l.Issued++
		if t.Priority {
			l.Priority++
		}
		if !t.Printed {
			l.Unprinted++
		}
		if len(t.Transfers) > 0 {
			l.Transferred++
		}
		first := t.Category
		if len(t.Transfers) > 0 {
			first = t.Transfers[0]
		}
		ca, wa := cats[first], wins[t.Window]
		if ca != nil {
			ca.line.Issued++
		}
		if !t.CalledAt.IsZero() {
			wait := t.CalledAt.Sub(t.IssuedAt).Minutes()
			waits = append(waits, wait)
			if ca != nil {
				ca.waits = append(ca.waits, wait)
			}
			if wa != nil {
				wa.line.Issued++
				wa.waits = append(wa.waits, wait)
			}
		}
		switch t.Status {
		case StatusDone:
			l.Accepted++
			l.Finished++
			switch t.Outcome {
			case OutcomeImmediate:
				l.Immediate++
			case OutcomePromised:
				l.Promised++
			case OutcomeConsult:
				l.Consult++
			}
			services = append(services, t.DoneAt.Sub(t.CalledAt).Minutes())
			if ca != nil {
				ca.line.Finished++
			}
			if wa != nil {
				wa.line.Finished++
			}
		case StatusCalled, StatusServing:
			l.Accepted++
		case StatusNoShow:
			l.NoShow++
		case StatusCancelled:
			l.Cancelled++
		}
		if t.Score >= 1 && t.Score <= 5 {
			l.Ratings[t.Score-1]++
			l.Rated++
		}
	}
	l.FinishRate = ratio(l.Finished, l.Accepted)
	l.Satisfaction = ratio(l.Ratings[2]+l.Ratings[3]+l.Ratings[4], l.Rated)
	l.AvgWaitMinutes = mean(waits)
	if len(waits) > 0 {
		l.MaxWaitMinutes = round1(slices.Max(waits))
	}
	l.AvgServiceMinutes = mean(services)
	for _, c := range h.Categories {
		a := cats[c.ID]
		a.line.AvgWaitMinutes = mean(a.waits)
		l.Categories = append(l.Categories, a.line)
	}
	for _, w := range h.Windows {
		a := wins[w.ID]
		a.line.AvgWaitMinutes = mean(a.waits)
		l.Windows = append(l.Windows, a.line)
	}
	return l
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return math.Round(1000*float64(a)/float64(b)) / 1000
}

func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	sum := 0.0
	for _, x := range v {
		sum += x
	}
	return round1(sum / float64(len(v)))
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

var errStop = errors.New("stop")

// Ledger returns the ledger of a day ("2006-01-02"): today's from the live
// state, an earlier day's by replaying that day's events from the log.
func (e *Engine) Ledger(day string) (Ledger, error) {
	var (
		l          Ledger
		today      bool
		from, upto uint64
	)
	e.Read(func(s *State) {
		if day == s.Day {
			l, today = s.Ledger(), true
			return
		}
		for i, m := range s.Days {
			if m.Day == day {
				from, upto = m.Seq, math.MaxUint64
				if i+1 < len(s.Days) {
					upto = s.Days[i+1].Seq
				}
			}
		}
	})
	if today {
		return l, nil
	}
	if from == 0 {
		if _, err := time.Parse(time.DateOnly, day); err != nil {
			return Ledger{}, errorf(Invalid, "bad_day", "日期格式应为 2026-11-21")
		}
		return Ledger{Day: day}, nil // a day the hall was closed
	}
	st := NewState(e.hall)
	err := e.log.Replay(from-1, func(ev Event) error {
		if ev.Seq >= upto {
			return errStop
		}
		st.Apply(ev)
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return Ledger{}, &Error{Kind: Unavailable, Code: "log_read", Message: "读取记录失败", Err: err}
	}
	return st.Ledger(), nil
}

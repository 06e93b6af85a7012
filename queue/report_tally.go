package queue

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"
)

// Tally is the raw, additive form of ledger figures: counts and sums that
// add up across tickets, windows and days. A stored day summary is made of
// tallies; a range of days adds them and only then derives rates, means
// and percentiles (Figures), so a month's median is the median of the
// month's tickets, not a median of daily medians.
type Tally struct {
	Issued      int `json:"issued,omitempty"`
	Accepted    int `json:"accepted,omitempty"`
	Finished    int `json:"finished,omitempty"`
	Immediate   int `json:"immediate,omitempty"`
	Promised    int `json:"promised,omitempty"`
	Consult     int `json:"consult,omitempty"`
	NoShow      int `json:"no_show,omitempty"`
	Transferred int `json:"transferred,omitempty"`
	Cancelled   int `json:"cancelled,omitempty"`
	Priority    int `json:"priority,omitempty"`
	Unprinted   int `json:"unprinted,omitempty"`
	// Held and Requeued count tickets parked (挂起) and put back after a
	// no-show (过号重排) at least once.
	Held     int `json:"held,omitempty"`
	Requeued int `json:"requeued,omitempty"`
	// Appointed counts tickets checked in for an appointment (预约);
	// Missed the appointments never checked in (爽约).
	Appointed int `json:"appointed,omitempty"`
	Missed    int `json:"missed,omitempty"`
	// Requests counts the village stations' requests the hall took (代办
	// 受理: booked or filed as a case), Refused those it could not.
	Requests int `json:"requests,omitempty"`
	Refused  int `json:"refused,omitempty"`

	// Waits of the tickets that were called, in tenths of a minute.
	Waits       Hist    `json:"waits,omitzero"`
	WaitSecs    float64 `json:"wait_secs,omitempty"`
	MaxWaitSecs float64 `json:"max_wait_secs,omitempty"`

	Served      int     `json:"served,omitempty"` // finished tickets with a service time
	ServiceSecs float64 `json:"service_secs,omitempty"`

	Ratings [5]int `json:"ratings"`
}

// Add adds o to t.
func (t *Tally) Add(o *Tally) {
	t.Issued += o.Issued
	t.Accepted += o.Accepted
	t.Finished += o.Finished
	t.Immediate += o.Immediate
	t.Promised += o.Promised
	t.Consult += o.Consult
	t.NoShow += o.NoShow
	t.Transferred += o.Transferred
	t.Cancelled += o.Cancelled
	t.Priority += o.Priority
	t.Unprinted += o.Unprinted
	t.Held += o.Held
	t.Requeued += o.Requeued
	t.Appointed += o.Appointed
	t.Missed += o.Missed
	t.Requests += o.Requests
	t.Refused += o.Refused
	t.Waits.Add(o.Waits)
	t.WaitSecs += o.WaitSecs
	t.MaxWaitSecs = max(t.MaxWaitSecs, o.MaxWaitSecs)
	t.Served += o.Served
	t.ServiceSecs += o.ServiceSecs
	for i := range t.Ratings {
		t.Ratings[i] += o.Ratings[i]
	}
}

// count adds one ticket of the day to the tally.
func (t *Tally) count(tk *Ticket) {
	t.Issued++
	if tk.Priority {
		t.Priority++
	}
	if !tk.Printed {
		t.Unprinted++
	}
	if len(tk.Transfers()) > 0 {
		t.Transferred++
	}
	if tk.Holds() > 0 {
		t.Held++
	}
	if tk.Requeues() > 0 {
		t.Requeued++
	}
	if tk.Appointment() != "" {
		t.Appointed++
	}
	if !tk.CalledAt().IsZero() {
		wait := wholeSecs(tk.CalledAt().Sub(tk.IssuedAt()))
		t.Waits.Put(wait)
		t.WaitSecs += wait
		t.MaxWaitSecs = max(t.MaxWaitSecs, wait)
	}
	switch tk.Status() {
	case StatusDone:
		t.Accepted++
		t.Finished++
		switch tk.Outcome() {
		case OutcomeImmediate:
			t.Immediate++
		case OutcomePromised:
			t.Promised++
		case OutcomeConsult:
			t.Consult++
		}
		began := tk.StartedAt()
		if began.IsZero() {
			began = tk.CalledAt()
		}
		if !began.IsZero() && tk.DoneAt().After(began) {
			t.Served++
			t.ServiceSecs += wholeSecs(tk.DoneAt().Sub(began))
		}
	case StatusCalled, StatusServing:
		t.Accepted++
	case StatusNoShow:
		t.NoShow++
	case StatusCancelled:
		t.Cancelled++
	}
	if tk.Score() >= 1 && tk.Score() <= 5 {
		t.Ratings[tk.Score()-1]++
	}
}

// Figures are the ledger's figures for one row (a day, the total, a
// window …), derived from a Tally. Minutes are rounded to one decimal,
// rates (0..1) to three.
//
//	受理 Accepted: reached a window and was not 过号
//	办结率 FinishRate = Finished / Accepted
//	过号率 NoShowRate = NoShow / (Accepted + NoShow)
//	WithinTarget: of the tickets called, the share called within the hall's target wait
//	满意率 Satisfaction: ratings of 基本满意 (3) or better / all ratings
type Figures struct {
	Issued      int     `json:"issued"`
	Accepted    int     `json:"accepted"`
	Finished    int     `json:"finished"`
	Immediate   int     `json:"immediate"`
	Promised    int     `json:"promised"`
	Consult     int     `json:"consult"`
	FinishRate  float64 `json:"finish_rate"`
	NoShow      int     `json:"no_show"`
	NoShowRate  float64 `json:"no_show_rate"`
	Transferred int     `json:"transferred"`
	Cancelled   int     `json:"cancelled"`
	Priority    int     `json:"priority"`
	Unprinted   int     `json:"unprinted"`
	Held        int     `json:"held"`      // 挂起
	Requeued    int     `json:"requeued"`  // 过号重排
	Appointed   int     `json:"appointed"` // 预约
	Missed      int     `json:"missed"`    // 爽约
	Requests    int     `json:"requests"`  // 代办受理
	Refused     int     `json:"refused"`   // 代办未受理

	AvgWaitMinutes    float64 `json:"avg_wait_minutes"`
	MedianWaitMinutes float64 `json:"median_wait_minutes"`
	P90WaitMinutes    float64 `json:"p90_wait_minutes"`
	MaxWaitMinutes    float64 `json:"max_wait_minutes"`
	AvgServiceMinutes float64 `json:"avg_service_minutes"`
	WithinTarget      float64 `json:"within_target"`

	Rated        int     `json:"rated"`
	Ratings      [5]int  `json:"ratings"` // count per score 1 (非常不满意) … 5 (非常满意)
	Satisfaction float64 `json:"satisfaction"`
}

// Figures derives the row's figures; target is the hall's target wait.
func (t *Tally) Figures(target time.Duration) Figures {
	f := Figures{
		Issued: t.Issued, Accepted: t.Accepted, Finished: t.Finished,
		Immediate: t.Immediate, Promised: t.Promised, Consult: t.Consult,
		NoShow: t.NoShow, Transferred: t.Transferred, Cancelled: t.Cancelled,
		Priority: t.Priority, Unprinted: t.Unprinted, Ratings: t.Ratings,
		Held: t.Held, Requeued: t.Requeued, Appointed: t.Appointed, Missed: t.Missed,
		Requests: t.Requests, Refused: t.Refused,
	}
	f.FinishRate = ratio(t.Finished, t.Accepted)
	f.NoShowRate = ratio(t.NoShow, t.Accepted+t.NoShow)
	called := t.Waits.Count()
	if called > 0 {
		f.AvgWaitMinutes = round1(t.WaitSecs / 60 / float64(called))
		f.MedianWaitMinutes = t.Waits.Percentile(0.5)
		f.P90WaitMinutes = t.Waits.Percentile(0.9)
		f.MaxWaitMinutes = round1(t.MaxWaitSecs / 60)
		f.WithinTarget = ratio(t.Waits.AtMost(target.Minutes()), called)
	}
	if t.Served > 0 {
		f.AvgServiceMinutes = round1(t.ServiceSecs / 60 / float64(t.Served))
	}
	for _, n := range t.Ratings {
		f.Rated += n
	}
	f.Satisfaction = ratio(t.Ratings[2]+t.Ratings[3]+t.Ratings[4], f.Rated)
	return f
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return math.Round(1000*float64(a)/float64(b)) / 1000
}

// wholeSecs rounds a duration to whole seconds: sums of whole numbers are
// exact in float64 whatever their order, so a summary rebuilt from the log
// equals the stored one to the bit.
func wholeSecs(d time.Duration) float64 { return math.Round(d.Seconds()) }

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// Hist counts waits in tenths of a minute (the ledger's precision), so
// that percentiles of any range are exact at that precision and a day's
// summary stays small. It is stored as sorted [tenth, count] pairs.
type Hist struct {
	m map[int32]int32
}

func tenths(secs float64) int32 { return int32(math.Round(secs / 6)) }

// Put counts one wait.
func (h *Hist) Put(secs float64) {
	if h.m == nil {
		h.m = map[int32]int32{}
	}
	h.m[tenths(secs)]++
}

// Add adds another histogram's counts.
func (h *Hist) Add(o Hist) {
	if len(o.m) == 0 {
		return
	}
	if h.m == nil {
		h.m = make(map[int32]int32, len(o.m))
	}
	for k, n := range o.m {
		h.m[k] += n
	}
}

// IsZero reports an empty histogram (for omitzero).
func (h Hist) IsZero() bool { return len(h.m) == 0 }

// Count is how many waits were counted.
func (h Hist) Count() int {
	n := 0
	for _, c := range h.m {
		n += int(c)
	}
	return n
}

// AtMost counts the waits of at most the given minutes.
func (h Hist) AtMost(minutes float64) int {
	limit := int32(math.Round(minutes * 10))
	n := 0
	for k, c := range h.m {
		if k <= limit {
			n += int(c)
		}
	}
	return n
}

func (h Hist) keys() []int32 {
	ks := make([]int32, 0, len(h.m))
	for k := range h.m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// Percentile is the nearest-rank p-th percentile (0 < p ≤ 1) in minutes.
func (h Hist) Percentile(p float64) float64 {
	total := h.Count()
	if total == 0 {
		return 0
	}
	rank := max(1, int(math.Ceil(p*float64(total))))
	seen := 0
	ks := h.keys()
	for _, k := range ks {
		seen += int(h.m[k])
		if seen >= rank {
			return float64(k) / 10
		}
	}
	return float64(ks[len(ks)-1]) / 10
}

// Buckets counts the waits in bands of the given edges (minutes): the
// first band is [0, edges[0]), the last is [edges[len-1], ∞).
func (h Hist) Buckets(edges []float64) []int {
	out := make([]int, len(edges)+1)
	for k, c := range h.m {
		m := float64(k) / 10
		i, _ := slices.BinarySearchFunc(edges, m, func(e, m float64) int {
			if e <= m {
				return -1
			}
			return 1
		})
		out[i] += int(c)
	}
	return out
}

// MarshalJSON writes [tenth, count, tenth, count, …] in order.
func (h Hist) MarshalJSON() ([]byte, error) {
	flat := make([]int32, 0, 2*len(h.m))
	for _, k := range h.keys() {
		flat = append(flat, k, h.m[k])
	}
	return json.Marshal(flat)
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (h *Hist) UnmarshalJSON(b []byte) error {
	var flat []int32
	if err := json.Unmarshal(b, &flat); err != nil {
		return err
	}
	if len(flat)%2 != 0 {
		return fmt.Errorf("queue: wait histogram of odd length %d", len(flat))
	}
	h.m = make(map[int32]int32, len(flat)/2)
	for i := 0; i < len(flat); i += 2 {
		h.m[flat[i]] += flat[i+1]
	}
	return nil
}

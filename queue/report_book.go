package queue

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"
)

// SummaryStore keeps closed days' summaries (queue/bolt implements it).
type SummaryStore interface {
	// LoadSummaries returns the stored summaries of the days from … to
	// (inclusive, "2006-01-02"), by day.
	LoadSummaries(from, to string) (map[string][]byte, error)
	// SaveSummary stores one day's summary durably, replacing any.
	SaveSummary(day string, data []byte) error
}

// dayRange is where a day lies in the log.
type dayRange struct {
	day        string
	from, upto uint64 // [from, upto) sequence numbers
	hall       uint64 // the configuration the day began with (HallAt)
}

// Summaries returns one summary per calendar day from … to (inclusive),
// up to today. Today's comes from the log as it stands now; a closed day's
// from store when it holds one, else rebuilt from that day's events alone
// and stored for next time (store may be nil: nothing is kept). A day the
// hall did not open has an empty summary.
func (e *Engine) Summaries(from, to time.Time, store SummaryStore) ([]DaySummary, error) {
	var (
		today  string
		ranges = map[string]dayRange{}
	)
	first, last := from.Format(time.DateOnly), to.Format(time.DateOnly)
	e.Read(func(s *State) {
		today = s.Day
		for i, m := range s.Days {
			if m.Day < first || m.Day > last {
				continue
			}
			r := dayRange{day: m.Day, from: m.Seq, upto: math.MaxUint64, hall: m.Hall}
			if i+1 < len(s.Days) {
				r.upto = s.Days[i+1].Seq
			}
			ranges[m.Day] = r
		}
	})
	now := e.now().In(e.Hall().Location())
	if nowDay := now.Format(time.DateOnly); today == "" || nowDay > today {
		today = nowDay // no event yet today
	}
	var stored map[string][]byte
	if store != nil {
		var err error
		if stored, err = store.LoadSummaries(first, last); err != nil {
			return nil, &Error{Kind: Unavailable, Code: "summary_read", Message: "读取台账失败", Err: err}
		}
	}
	var out []DaySummary
	for d := from; ; d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		if day > last || day > today {
			break
		}
		r, opened := ranges[day]
		if !opened {
			out = append(out, DaySummary{Version: summaryVersion, Day: day})
			continue
		}
		if r.upto != math.MaxUint64 {
			var sum DaySummary
			if data, ok := stored[day]; ok && json.Unmarshal(data, &sum) == nil && sum.Version == summaryVersion {
				out = append(out, sum)
				continue
			}
		}
		var (
			sum DaySummary
			err error
		)
		if r.upto == math.MaxUint64 {
			sum, err = e.runningDay(r, now)
		} else {
			sum, err = e.replayDay(r, now)
		}
		if err != nil {
			return nil, err
		}
		// A day is closed once the next has begun: until then the day
		// roll may still cancel its open tickets.
		if r.upto != math.MaxUint64 && store != nil {
			data, err := json.Marshal(sum)
			if err == nil {
				err = store.SaveSummary(day, data)
			}
			if err != nil {
				e.logger.Warn("day summary not stored", "day", day, "err", err)
			}
		}
		out = append(out, sum)
	}
	return out, nil
}

// RebuildSummary replays one day's events into its summary, ignoring any
// stored one (what a check of the stored summaries compares against).
func (e *Engine) RebuildSummary(day string) (DaySummary, error) {
	r := dayRange{day: day}
	e.Read(func(s *State) {
		for i, m := range s.Days {
			if m.Day == day {
				r.from, r.upto, r.hall = m.Seq, math.MaxUint64, m.Hall
				if i+1 < len(s.Days) {
					r.upto = s.Days[i+1].Seq
				}
			}
		}
	})
	if r.from == 0 {
		return DaySummary{Version: summaryVersion, Day: day}, nil
	}
	return e.replayDay(r, e.now())
}

var errStop = errors.New("stop")

// replayDay folds the events of one day. Clerks still signed in at the end
// of the log are counted up to now, or, for a day already over, up to its
// last event before local midnight.
func (e *Engine) replayDay(r dayRange, now time.Time) (DaySummary, error) {
	run, err := e.newDayRun(r)
	if err != nil {
		return DaySummary{}, err
	}
	if err := e.fold(run, r); err != nil {
		return DaySummary{}, err
	}
	return run.summary(r, now), nil
}

// dayRun is a day being folded: its builder, how far into the log it got
// and its last event's time before midnight.
type dayRun struct {
	from     uint64 // the day's first event
	seq      uint64 // the last event folded
	b        *dayBuilder
	midnight time.Time
	end      time.Time
}

func (e *Engine) newDayRun(r dayRange) (*dayRun, error) {
	// The day is replayed with the configuration it began with; changes
	// made during the day are among its events.
	h, err := e.HallAt(r.hall)
	if err != nil {
		return nil, err
	}
	return newRun(h, r.day, r.from)
}

// newRun starts the fold of a day whose first event is from.
func newRun(h *Hall, day string, from uint64) (*dayRun, error) {
	d, err := time.ParseInLocation(time.DateOnly, day, h.Location())
	if err != nil {
		return nil, fmt.Errorf("queue: day %q: %w", day, err)
	}
	return &dayRun{from: from, seq: from - 1, b: newDayBuilder(h), midnight: d.AddDate(0, 0, 1)}, nil
}

// add folds one event of the day.
func (run *dayRun) add(ev Event) {
	run.b.apply(ev)
	run.seq = ev.Seq
	if ev.At.Before(run.midnight) {
		run.end = ev.At
	}
}

// fold applies the day's events after the run's last one.
func (e *Engine) fold(run *dayRun, r dayRange) error {
	err := e.log.Replay(run.seq, func(ev Event) error {
		if ev.Seq >= r.upto {
			return errStop
		}
		run.add(ev)
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return &Error{Kind: Unavailable, Code: "log_read", Message: "读取记录失败", Err: err}
	}
	return nil
}

func (run *dayRun) summary(r dayRange, now time.Time) DaySummary {
	end := run.end
	if now.Before(run.midnight) && r.upto == math.MaxUint64 {
		end = now // the running day
	}
	return run.b.summary(r.day, end)
}

// runningDay summarises the day still being written. The engine keeps its
// fold between reports, so each report reads only the events since the
// last one, not the whole day again.
func (e *Engine) runningDay(r dayRange, now time.Time) (DaySummary, error) {
	e.today.mu.Lock()
	defer e.today.mu.Unlock()
	run := e.today.run
	if run == nil || run.from != r.from {
		var err error
		if run, err = e.newDayRun(r); err != nil {
			return DaySummary{}, err
		}
		e.today.run = nil
	}
	if err := e.fold(run, r); err != nil {
		return DaySummary{}, err
	}
	e.today.run = run
	return run.summary(r, now), nil
}

// todayFold is the engine's fold of the running day (runningDay).
type todayFold struct {
	mu  sync.Mutex
	run *dayRun
}

// Report is the ledger of the days from … to (inclusive, hall time).
func (e *Engine) Report(from, to time.Time, store SummaryStore) (Report, error) {
	days, err := e.Summaries(from, to, store)
	if err != nil {
		return Report{}, err
	}
	h, err := e.hallUntil(to.Format(time.DateOnly))
	if err != nil {
		return Report{}, err
	}
	r := BuildReport(h, from.Format(time.DateOnly), to.Format(time.DateOnly), days)
	e.Read(func(s *State) { s.CompleteReport(&r, h, from, to, e.now()) })
	return r, nil
}

// CompleteReport adds to a report built from day summaries what only the
// hall's state knows: the 承诺件 of the range and how each low rating was
// followed up. h is the configuration that names the report's lines.
func (s *State) CompleteReport(r *Report, h *Hall, from, to, now time.Time) {
	r.Generated = now.In(h.Location())
	cases := s.CaseReport(from, to, now)
	r.Cases = &cases
	for i := range r.LowRatings {
		if c := s.Complaints[r.LowRatings[i].Ticket]; c != nil {
			cp := *c
			r.LowRatings[i].Followup = &cp
			r.LowRatings[i].FollowupBy = h.ActorName(c.ClosedBy)
		}
	}
}

// hallUntil is the configuration in force at the end of a day (names of
// categories and windows as they were then): the current one for today,
// else the one the next logged day began with.
func (e *Engine) hallUntil(day string) (*Hall, error) {
	seq, today := uint64(0), false
	e.Read(func(s *State) {
		seq, today = s.HallSeq, day >= s.Day
		for _, m := range s.Days {
			if m.Day > day {
				seq = m.Hall
				break
			}
		}
	})
	if today {
		return e.Hall(), nil
	}
	return e.HallAt(seq)
}

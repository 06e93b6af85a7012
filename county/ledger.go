package county

import (
	"encoding/json"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// report is a hall's ledger (台账) of the days from … to (dates in the
// hall's time), built the way the hall builds its own: the same day
// summaries (stored once a day is closed, the running day's fold for
// today) added up by queue.BuildReport, so the county's figures for a hall
// equal the hall's own.
func (f *fold) report(id string, from, to time.Time, now time.Time) (queue.Report, []queue.DaySummary, bool, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	h := f.halls[id]
	if h == nil {
		return queue.Report{}, nil, false, nil
	}
	st, cfg := h.st, h.st.Hall()
	first, last := from.Format(time.DateOnly), to.Format(time.DateOnly)
	today := st.Day
	if nowDay := now.In(cfg.Location()).Format(time.DateOnly); today == "" || nowDay > today {
		today = nowDay // no event yet today
	}
	stored, err := f.store.days(id, first, last)
	if err != nil {
		return queue.Report{}, nil, true, err
	}
	for _, d := range f.days { // closed since the last save
		if d.hall == id {
			if data, err := json.Marshal(d.sum); err == nil {
				stored[d.sum.Day] = data
			}
		}
	}
	opened := map[string]bool{}
	for _, m := range st.Days {
		opened[m.Day] = true
	}
	var days []queue.DaySummary
	for d := from; ; d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		if day > last || day > today {
			break
		}
		sum := queue.DaySummary{Day: day}
		switch {
		case !opened[day]:
		case h.day != nil && h.day.Day() == day:
			sum = h.day.Summary(now, false)
		default:
			if data, ok := stored[day]; ok {
				json.Unmarshal(data, &sum)
			}
		}
		days = append(days, sum)
	}
	names, err := f.hallUntil(h, last)
	if err != nil {
		return queue.Report{}, nil, true, err
	}
	r := queue.BuildReport(names, first, last, days)
	st.CompleteReport(&r, names, from, to, now)
	return r, days, true, nil
}

// hallUntil is the configuration in force at the end of a day, which
// names the ledger's lines: the current one for today, else the one the
// next logged day began with (as the hall's own ledger does).
func (f *fold) hallUntil(h *hall, day string) (*queue.Hall, error) {
	st := h.st
	if day >= st.Day {
		return st.Hall(), nil
	}
	seq := st.HallSeq
	for _, m := range st.Days {
		if m.Day > day {
			seq = m.Hall
			break
		}
	}
	if seq == st.HallSeq {
		return st.Hall(), nil
	}
	var doc []byte
	for _, d := range f.docs {
		if d.hall == h.rec.ID && d.seq == seq {
			doc = d.doc
		}
	}
	if doc == nil {
		var err error
		if doc, err = f.store.doc(h.rec.ID, seq); err != nil {
			return nil, err
		}
	}
	if doc == nil {
		return st.Hall(), nil
	}
	hh, err := queue.ParseHallDoc(doc)
	if err != nil {
		return st.Hall(), nil // it was valid when the hall logged it
	}
	return hh, nil
}

// location is a hall's time zone.
func (f *fold) location(id string) *time.Location {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if h := f.halls[id]; h != nil {
		return h.st.Hall().Location()
	}
	return time.UTC
}

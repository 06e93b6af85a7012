package queue_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// TestDayFoldEqualsTheLedger folds a hall's log event by event, as a
// county does from the hall's stream (stopping and resuming from the
// fold's stored form in the middle of a day), and checks that every day's
// summary, closed or running, equals the hall's own ledger.
func TestDayFoldEqualsTheLedger(t *testing.T) {
	f := newFixture(t, smallHall)
	f.workMorning() // 11-21
	f.clock.Set(f.clock.Now().AddDate(0, 0, 1))
	f.workMorning() // 11-22, still running
	loc := f.hall.Location()
	from, to := time.Date(2026, 11, 21, 0, 0, 0, 0, loc), time.Date(2026, 11, 22, 0, 0, 0, 0, loc)
	want, err := f.e.Summaries(from, to, nil)
	if err != nil {
		t.Fatal(err)
	}

	got := map[string]queue.DaySummary{}
	st := queue.NewState(f.hall)
	var fold *queue.DayFold
	evs := f.log.Events()
	for i, ev := range evs {
		if ev.Type == queue.EvDay {
			if fold != nil {
				got[fold.Day()] = fold.Summary(f.clock.Now(), true)
			}
			if fold, err = queue.NewDayFold(st.Hall(), ev.Day, ev.Seq); err != nil {
				t.Fatal(err)
			}
		}
		st.Apply(ev)
		if fold == nil {
			continue
		}
		fold.Apply(ev)
		if i == len(evs)-3 { // a restart: the fold goes on from its stored form
			data, err := json.Marshal(fold)
			if err != nil {
				t.Fatal(err)
			}
			if fold, err = queue.UnmarshalDayFold(st.Hall(), data); err != nil {
				t.Fatal(err)
			}
		}
	}
	got[fold.Day()] = fold.Summary(f.clock.Now(), false)

	if len(want) != 2 || len(got) != 2 {
		t.Fatalf("days: hall %d, fold %d", len(want), len(got))
	}
	for _, w := range want {
		wj, _ := json.Marshal(w)
		gj, _ := json.Marshal(got[w.Day])
		if string(wj) != string(gj) {
			t.Errorf("%s:\nhall %s\nfold %s", w.Day, wj, gj)
		}
		if w.Total.Issued == 0 {
			t.Errorf("%s: the hall issued nothing; the test proves nothing", w.Day)
		}
	}
}

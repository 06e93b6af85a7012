package bolt

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// ledgerHistory writes days of a busy demo hall into a store: every day
// eight clerks sign in, perDay tickets are issued, printed, called,
// started and finished across the day, every eighth is rated, and each
// window pauses once. A snapshot at the end spares the engine a replay.
func ledgerHistory(tb testing.TB, s *Store, first time.Time, days, perDay int) {
	h := queue.DemoHall()
	st := queue.NewState(h)
	var (
		seq   uint64
		batch []queue.Event
	)
	emit := func(ev queue.Event) {
		seq++
		ev.Seq = seq
		st.Apply(ev)
		batch = append(batch, ev)
		if len(batch) == 20_000 {
			if err := s.Append(batch); err != nil {
				tb.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	windowOf := map[string]*queue.Window{}
	for i := range h.Windows {
		for _, c := range h.Windows[i].Categories {
			if windowOf[c] == nil {
				windowOf[c] = &h.Windows[i]
			}
		}
	}
	for d := range days {
		day := first.AddDate(0, 0, d)
		open := day.Add(8*time.Hour + 30*time.Minute)
		emit(queue.Event{At: day, Type: queue.EvDay, Day: day.Format(time.DateOnly)})
		for _, w := range h.Windows {
			emit(queue.Event{At: open, Type: queue.EvOpened, Window: w.ID, Staff: w.A})
		}
		counters := map[string]int{}
		for i := range perDay {
			svc := h.Services[(d+i)%len(h.Services)]
			cat, _ := h.Category(svc.Categories[0])
			win := windowOf[cat.ID]
			counters[cat.Prefix]++
			number := queue.FormatNumber(cat.Prefix, counters[cat.Prefix])
			id := day.Format("20060102") + "-" + number
			at := open.Add(time.Duration(i) * 8 * time.Hour / time.Duration(perDay))
			wait := time.Duration(2+(i*7+d)%40) * time.Minute
			emit(queue.Event{At: at, Type: queue.EvIssued, Ticket: id, Number: number, Category: cat.ID, Service: svc.ID, Token: fmt.Sprintf("t%d-%d", d, i)})
			emit(queue.Event{At: at, Type: queue.EvPrinted, Ticket: id, Printed: i%50 != 0})
			emit(queue.Event{At: at.Add(wait), Type: queue.EvCalled, Ticket: id, Window: win.ID, Staff: win.A})
			emit(queue.Event{At: at.Add(wait + time.Minute), Type: queue.EvStarted, Ticket: id, Window: win.ID, Staff: win.A})
			emit(queue.Event{At: at.Add(wait + time.Duration(4+i%9)*time.Minute), Type: queue.EvFinished, Ticket: id, Window: win.ID, Staff: win.A, Outcome: queue.OutcomeImmediate})
			if i%8 == 0 {
				score := 1 + (i/8)%5
				emit(queue.Event{At: at.Add(wait + 14*time.Minute), Type: queue.EvRated, Ticket: id, Window: win.ID, Score: score, Reason: "等候时间长"})
			}
			if i == perDay/2 {
				for _, w := range h.Windows {
					emit(queue.Event{At: at, Type: queue.EvPaused, Window: w.ID, Staff: w.A, Reason: "午休"})
					emit(queue.Event{At: at.Add(30 * time.Minute), Type: queue.EvResumed, Window: w.ID, Staff: w.A})
				}
			}
		}
	}
	if len(batch) > 0 {
		if err := s.Append(batch); err != nil {
			tb.Fatal(err)
		}
	}
	data, err := st.Marshal()
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.SaveSnapshot(seq, data); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkLedger times the ledger of the last 31 and 365 days of a hall
// with 1,500 tickets a day, read from stored day summaries (plus today,
// replayed from the log). The first, cold ask that builds and stores the
// summaries is reported as cold-ms.
//
//	go test -run '^$' -bench Ledger -benchtime 20x ./queue/bolt/
func BenchmarkLedger(b *testing.B) {
	const days, perDay = 365, 1500
	dir := b.TempDir()
	s, err := Open(dir, time.Second)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	h := queue.DemoHall()
	first := time.Date(2025, 11, 22, 0, 0, 0, 0, h.Location())
	t0 := time.Now()
	ledgerHistory(b, s, first, days, perDay)
	last := first.AddDate(0, 0, days-1)
	now := last.Add(17 * time.Hour) // today, 17:00, the day's work done
	e, err := queue.NewEngine(h, s, queue.Options{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	if fi, err := os.Stat(dir + "/" + FileName); err == nil {
		b.Logf("history: %d days × %d tickets, %.0f MB, written in %v", days, perDay, float64(fi.Size())/(1<<20), time.Since(t0).Round(time.Second))
	}
	t0 = time.Now()
	if _, err := e.Report(first, last, s); err != nil {
		b.Fatal(err)
	}
	cold := time.Since(t0)
	for _, n := range []int{31, 365} {
		b.Run(fmt.Sprintf("days=%d", n), func(b *testing.B) {
			from := last.AddDate(0, 0, 1-n)
			for b.Loop() {
				r, err := e.Report(from, last, s)
				if err != nil {
					b.Fatal(err)
				}
				if len(r.Days) != n || r.Issued != n*perDay {
					b.Fatalf("%d days, %d issued", len(r.Days), r.Issued)
				}
			}
			b.ReportMetric(float64(cold.Milliseconds()), "cold-ms")
		})
	}
}

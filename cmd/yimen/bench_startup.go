package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/bolt"
)

// benchStartup writes a year of history into a data directory, with the
// snapshot as far behind as the daemon ever lets it fall, and times a
// daemon from exec to its listening line.
func benchStartup(ctx context.Context, out io.Writer, tickets int) error {
	dir, err := os.MkdirTemp("", "yimen-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	t0 := time.Now()
	snap, events, err := writeHistory(dir, 365, tickets)
	if err != nil {
		return err
	}
	gen := time.Since(t0)
	st, _ := os.Stat(dir + "/" + bolt.FileName)
	runs, err := startupRuns(dir, snap, 3)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "startup: %d tickets (%d events, %.0f MB file, written in %v); exec → listening: %v, %v, %v (replaying %d events after the snapshot)\n",
		tickets, events, float64(st.Size())/(1<<20), gen.Round(time.Second),
		runs[0].Round(time.Millisecond), runs[1].Round(time.Millisecond), runs[2].Round(time.Millisecond), events-snap.seq)
	return nil
}

// startupRuns times a daemon from exec to its listening line n times on
// the same data directory, the snapshot lagging the same each time.
func startupRuns(dir string, snap snapshot, n int) ([]time.Duration, error) {
	var runs []time.Duration
	for range n {
		c, err := startChild(dir, "--printer", "none")
		if err != nil {
			return nil, err
		}
		runs = append(runs, c.ready)
		c.stop()
		// Stopping saves a fresh snapshot; put the lagging one back so
		// every run replays the same tail.
		if err := rewindSnapshot(dir, snap); err != nil {
			return nil, err
		}
	}
	return runs, nil
}

// snapshot is a saved state and the seq it is at.
type snapshot struct {
	seq  uint64
	data []byte
}

// writeHistory makes days of a busy hall (a year: 365): every day a day mark and,
// for each ticket, issued, called and finished. It returns the lagging
// snapshot it stored and how many events it wrote.
func writeHistory(dir string, days, tickets int) (snapshot, uint64, error) {
	h := queue.DemoHall()
	store, err := bolt.Open(dir, time.Second)
	if err != nil {
		return snapshot{}, 0, err
	}
	defer store.Close()
	perDay := (tickets + days - 1) / days
	st := queue.NewState(h)
	var (
		seq     uint64
		batch   []queue.Event
		written int
	)
	// Count the events first, to know where the lagging snapshot falls:
	// as far behind as the engine ever lets it fall on the last day.
	total := uint64(days) + uint64(tickets)*3
	snapAt := total - queue.MaxReplay()
	var snap snapshot
	emit := func(ev queue.Event) error {
		seq++
		ev.Seq = seq
		st.Apply(ev)
		batch = append(batch, ev)
		if seq == snapAt {
			data, err := st.Marshal()
			if err != nil {
				return err
			}
			snap = snapshot{seq, data}
		}
		if len(batch) == 20_000 {
			if err := store.Append(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
		return nil
	}
	start := time.Date(2025, 11, 21, 0, 30, 0, 0, time.UTC) // 08:30 in Shanghai
	for d := range days {
		day := start.AddDate(0, 0, d)
		if err := emit(queue.Event{At: day, Type: queue.EvDay, Day: day.In(h.Location()).Format(time.DateOnly)}); err != nil {
			return snapshot{}, 0, err
		}
		counters := map[string]int{}
		for i := 0; i < perDay && written < tickets; i++ {
			svc := h.Services[(d+i)%len(h.Services)]
			cat, _ := h.Category(svc.Categories[0])
			var win *queue.Window
			for j := range h.Windows {
				if h.Windows[j].Categories[0] == cat.ID || (len(h.Windows[j].Categories) > 1 && h.Windows[j].Categories[1] == cat.ID) {
					win = &h.Windows[j]
					break
				}
			}
			counters[cat.Prefix]++
			number := queue.FormatNumber(cat.Prefix, counters[cat.Prefix])
			id := day.In(h.Location()).Format("20060102") + "-" + number
			at := day.Add(time.Duration(i) * 8 * time.Hour / time.Duration(perDay))
			for _, ev := range []queue.Event{
				{At: at, Type: queue.EvIssued, Ticket: id, Number: number, Category: cat.ID, Service: svc.ID, Token: fmt.Sprintf("tok%d", written)},
				{At: at.Add(5 * time.Minute), Type: queue.EvCalled, Ticket: id, Number: number, Window: win.ID, Staff: win.A},
				{At: at.Add(11 * time.Minute), Type: queue.EvFinished, Ticket: id, Window: win.ID, Staff: win.A, Outcome: queue.OutcomeImmediate},
			} {
				if err := emit(ev); err != nil {
					return snapshot{}, 0, err
				}
			}
			written++
		}
	}
	if len(batch) > 0 {
		if err := store.Append(batch); err != nil {
			return snapshot{}, 0, err
		}
	}
	if snap.data == nil {
		return snapshot{}, 0, fmt.Errorf("history too short for a snapshot")
	}
	if err := store.SaveSnapshot(snap.seq, snap.data); err != nil {
		return snapshot{}, 0, err
	}
	return snap, seq, nil
}

func rewindSnapshot(dir string, snap snapshot) error {
	store, err := bolt.Open(dir, 5*time.Second)
	if err != nil {
		return err
	}
	defer store.Close()
	return store.SaveSnapshot(snap.seq, snap.data)
}

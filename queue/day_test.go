package queue_test

import (
	"sync"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

func TestNumberingRestartsAtLocalMidnight(t *testing.T) {
	f := newFixture(t, smallHall)
	// 23:59 in Shanghai is 15:59 UTC.
	f.clock.Set(time.Date(2026, 11, 21, 15, 58, 0, 0, time.UTC))
	a := f.issue("pension", false)
	b := f.issue("pension", false)
	f.open("2", "A2")
	f.next("2", "A2") // B001 called, B002 left waiting at midnight
	if a.Ticket.Number != "B001" || b.Ticket.Number != "B002" {
		t.Fatalf("numbers = %s %s", a.Ticket.Number, b.Ticket.Number)
	}
	// 00:00:30 local: numbering restarts; yesterday's open tickets close.
	f.clock.Set(time.Date(2026, 11, 21, 16, 0, 30, 0, time.UTC))
	c := f.issue("pension", false)
	if c.Ticket.Number != "B001" || c.Ticket.ID != "20261122-B001" {
		t.Errorf("first ticket after midnight = %s (%s), want B001 (20261122-B001)", c.Ticket.Number, c.Ticket.ID)
	}
	if c.Ahead != 0 {
		t.Errorf("ahead = %d: yesterday's ticket is still queued", c.Ahead)
	}
	f.e.Read(func(s *queue.State) {
		if s.Day != "2026-11-22" {
			t.Errorf("day = %s", s.Day)
		}
		if s.Current("2") != nil {
			t.Errorf("window 2 still serves yesterday's ticket")
		}
	})
	// Yesterday's ledger: two issued, both closed by the day's end.
	day := time.Date(2026, 11, 21, 0, 0, 0, 0, f.hall.Location())
	l, err := f.e.Report(day, day, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l.Issued != 2 || l.Cancelled != 2 {
		t.Errorf("ledger of 11-21: issued %d cancelled %d, want 2 and 2", l.Issued, l.Cancelled)
	}
	// 15:59 UTC is still the 21st in Shanghai... but 16:00 UTC is the
	// 22nd: a clock that steps back does not reopen the old day.
	f.clock.Set(time.Date(2026, 11, 21, 15, 59, 0, 0, time.UTC))
	d := f.issue("pension", false)
	if d.Ticket.Number != "B002" {
		t.Errorf("after the clock stepped back: %s, want B002", d.Ticket.Number)
	}
}

func TestNumbersNeverRepeatUnderConcurrency(t *testing.T) {
	f := newFixture(t, smallHall)
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for range 50 {
				is, err := f.e.Issue(ctx, "pension", false)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if seen[is.Ticket.Number] {
					t.Errorf("number %s issued twice", is.Ticket.Number)
				}
				seen[is.Ticket.Number] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != 800 {
		t.Errorf("%d numbers, want 800", len(seen))
	}
	// That concurrent commands share appends is TestCommandsShareOneAppend's:
	// here the scheduler may well run each alone.
	f.restart()
	is := f.issue("pension", false)
	if is.Ticket.Number != "B801" {
		t.Errorf("after restart next number = %s, want B801", is.Ticket.Number)
	}
}

func TestRestartRebuildsState(t *testing.T) {
	for _, snapEvery := range []uint64{0, 3} {
		f := newFixture(t, smallHall)
		if snapEvery > 0 {
			f.e.Close()
			e, err := queue.NewEngine(f.hall, f.log, queue.Options{Now: f.clock.Now, SnapshotEvery: snapEvery})
			if err != nil {
				t.Fatal(err)
			}
			f.e = e
		}
		f.issue("pension", false)
		f.issue("birth", true)
		f.open("3", "A3")
		f.next("3", "A3") // D001 (priority)
		if _, err := f.e.SetStaffStatus(ctx, "A6", queue.StaffVillage, "去东北街村", "15:00"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.e.Pause(ctx, "3", "A3", "接电话"); err != nil {
			t.Fatal(err)
		}
		var before, after []byte
		f.e.Read(func(s *queue.State) { before, _ = s.Marshal() })
		f.restart()
		f.e.Read(func(s *queue.State) { after, _ = s.Marshal() })
		if string(before) != string(after) {
			t.Errorf("snapshotEvery=%d: state after restart differs:\nbefore %s\nafter  %s", snapEvery, before, after)
		}
	}
}

func TestLogFailureRefusesCommands(t *testing.T) {
	f := newFixture(t, smallHall)
	var told error
	f.e.Close()
	e, err := queue.NewEngine(f.hall, f.log, queue.Options{Now: f.clock.Now, OnFailure: func(err error) { told = err }})
	if err != nil {
		t.Fatal(err)
	}
	f.e = e
	f.issue("pension", false)
	f.log.FailAppend = errDisk
	if _, err := f.e.Issue(ctx, "pension", false); queue.ErrorKind(err) != queue.Unavailable {
		t.Fatalf("Issue with a failing log = %v, want Unavailable", err)
	}
	if told != errDisk {
		t.Errorf("OnFailure was told %v, want the append's error", told)
	}
	f.log.FailAppend = nil
	if _, err := f.e.Issue(ctx, "pension", false); queue.ErrorKind(err) != queue.Unavailable {
		t.Errorf("after a failed append the engine must refuse until restarted, got %v", err)
	}
	f.restart()
	if is := f.issue("pension", false); is.Ticket.Number != "B002" {
		t.Errorf("after restart: %s, want B002 (the failed ticket was never acknowledged)", is.Ticket.Number)
	}
}

var errDisk = &diskError{}

type diskError struct{}

func (*diskError) Error() string { return "disk full" }

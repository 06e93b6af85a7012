package queue_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

func clockFixture(t *testing.T) (*fixture, *[]string) {
	t.Helper()
	f, told, _ := clockRightFixture(t)
	return f, told
}

// clockRightFixture is clockFixture that also counts the times the engine
// said the clock is right again.
func clockRightFixture(t *testing.T) (*fixture, *[]string, *atomic.Int32) {
	t.Helper()
	f := newFixture(t, smallHall)
	f.e.Close()
	var told []string
	right := new(atomic.Int32)
	e, err := queue.NewEngine(f.hall, f.log, queue.Options{Now: f.clock.Now,
		OnClock:      func(m string) { told = append(told, m) },
		OnClockRight: func() { right.Add(1) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	f.e = e
	return f, &told, right
}

// A clock that jumps a year ahead stops issuing and tells the manager; it
// cancels nothing, and once corrected the day goes on as it was.
func TestClockJumpNeedsConfirmation(t *testing.T) {
	f, told := clockFixture(t)
	f.issue("pension", false) // B001
	f.clock.Add(365 * 24 * time.Hour)
	_, err := f.e.Issue(ctx, "pension", false)
	if code(err) != "clock_jump" || len(*told) != 1 || !strings.Contains((*told)[0], "天") {
		t.Fatalf("issue after a year's jump: %v; manager told %q", err, *told)
	}
	f.e.Read(func(s *queue.State) {
		if all, _ := s.WaitingCounts("civil"); all != 1 {
			t.Errorf("after the jump %d wait, want B001 still waiting", all)
		}
	})
	f.clock.Add(-365 * 24 * time.Hour) // corrected
	f.clock.Add(time.Hour)
	if is := f.issue("pension", false); is.Ticket.Number != "B002" || is.Ahead != 1 {
		t.Errorf("after the correction: %s with %d ahead, want B002 behind B001", is.Ticket.Number, is.Ahead)
	}
	// The date really is a year on (the hall reopened after a long
	// closure): the manager confirms it.
	f.clock.Add(400 * 24 * time.Hour)
	day := f.clock.Now().In(f.hall.Location()).Format(time.DateOnly)
	if _, err := f.e.Issue(ctx, "pension", false); code(err) != "clock_jump" {
		t.Fatalf("unconfirmed jump: %v", err)
	}
	if err := f.e.ConfirmDay(day); err != nil {
		t.Fatal(err)
	}
	if is := f.issue("pension", false); is.Ticket.Number != "B001" {
		t.Errorf("after the manager's confirmation: %s, want B001 of a new day", is.Ticket.Number)
	}
}

// A hall closed for a few days with the PC off starts by itself.
func TestHolidayRollsByItself(t *testing.T) {
	f, told := clockFixture(t)
	f.issue("pension", false)
	f.clock.Add(3 * 24 * time.Hour)
	if is := f.issue("pension", false); is.Ticket.Number != "B001" || len(*told) != 0 {
		t.Errorf("after three days: %s, manager told %q", is.Ticket.Number, *told)
	}
}

// A clock set back keeps event times in order and tells the manager once.
func TestClockStepBackKeepsTimesInOrder(t *testing.T) {
	f, told := clockFixture(t)
	first := f.issue("pension", false).Ticket.IssuedAt()
	f.clock.Add(-2 * time.Hour)
	second := f.issue("pension", false).Ticket.IssuedAt()
	f.issue("pension", false)
	if second.Before(first) {
		t.Errorf("event time went back: %v after %v", second, first)
	}
	if len(*told) != 1 || !strings.Contains((*told)[0], "调回") {
		t.Errorf("manager told %q, want one clock-step alarm", *told)
	}
}

// At start-up the day moves on however far (a long closure with the PC
// off, a backup restored), telling the manager: the hall must start.
func TestStartAfterLongClosure(t *testing.T) {
	f, _ := clockFixture(t)
	f.issue("pension", false)
	f.clock.Add(400 * 24 * time.Hour)
	f.e.Close()
	var told []string
	e, err := queue.NewEngine(f.hall, f.log, queue.Options{Now: f.clock.Now, OnClock: func(m string) { told = append(told, m) }})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	is, err := e.Issue(ctx, "pension", false)
	if err != nil || is.Ticket.Number != "B001" {
		t.Fatalf("first issue after 400 days off: %v %v", is.Ticket.Number, err)
	}
	if len(told) != 1 || !strings.Contains(told[0], "启动时") {
		t.Errorf("manager told %q", told)
	}
}

// The alarm of a clock set back clears by itself once the clock is ahead
// of the log's last event again, even with no command coming (the day
// loop's minute tick runs the same check); a jump refused clears once the
// clock is put right.
func TestClockAlarmClearsWhenRight(t *testing.T) {
	f, told, right := clockRightFixture(t)
	f.issue("pension", false)
	f.clock.Add(-2 * time.Hour)
	f.issue("pension", false)
	if len(*told) != 1 || right.Load() != 0 {
		t.Fatalf("after a step back: told %q, right %d times; want one alarm, not cleared", *told, right.Load())
	}
	f.clock.Add(time.Hour) // still behind the log
	if err := f.e.RollDay(ctx); err != nil {
		t.Fatal(err)
	}
	if right.Load() != 0 {
		t.Fatalf("cleared while the clock is still an hour behind the log")
	}
	f.clock.Add(time.Hour + time.Second) // ahead of the log again
	if err := f.e.RollDay(ctx); err != nil {
		t.Fatal(err)
	}
	if right.Load() != 1 {
		t.Fatalf("clock ahead of the log again: right told %d times, want 1", right.Load())
	}
	f.issue("pension", false)
	if right.Load() != 1 || len(*told) != 1 {
		t.Errorf("a later command: right told %d times, alarms %q; want each once", right.Load(), *told)
	}

	f.clock.Add(365 * 24 * time.Hour)
	if _, err := f.e.Issue(ctx, "pension", false); code(err) != "clock_jump" {
		t.Fatalf("issue after a year's jump: %v", err)
	}
	f.clock.Add(-365 * 24 * time.Hour) // corrected
	if err := f.e.RollDay(ctx); err != nil {
		t.Fatal(err)
	}
	if right.Load() != 2 {
		t.Errorf("jump corrected: right told %d times, want 2", right.Load())
	}
}

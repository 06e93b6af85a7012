package queue_test

import (
	"slices"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// 加开窗口: the manager gives a clerk an unused window for today. A clerk on
// duty is put at it at once (the ticket at their own window goes back to
// its line); one not yet in may open it when they come. It is logged, kept
// through a restart, undone by one more event, and gone the next day.
func TestExtraWindow(t *testing.T) {
	f := newFixture(t, smallHall)
	windowsOf := func(staff string) []string {
		var out []string
		f.e.Read(func(s *queue.State) { out = s.WindowsOf(staff) })
		return out
	}
	occupant := func(window string) string {
		var out string
		f.e.Read(func(s *queue.State) { out = s.Windows[window].Occupant })
		return out
	}
	b1 := f.issue("pension", false)
	f.open("2", "A2")
	if n := f.next("2", "A2"); n != b1.Ticket.Number {
		t.Fatalf("A2 called %s, want %s", n, b1.Ticket.Number)
	}
	if _, err := f.e.Open(ctx, "3", "A2"); code(err) != "not_your_window" {
		t.Fatalf("A2 at window 3 before it was given: %v", err)
	}

	opened, err := f.e.OpenExtraWindow(ctx, "admin", "3", "A2")
	if err != nil || !opened {
		t.Fatalf("give A2 window 3: opened %v, %v; want opened", opened, err)
	}
	if got := windowsOf("A2"); !slices.Equal(got, []string{"2", "3"}) || occupant("3") != "A2" || occupant("2") != "" {
		t.Errorf("A2 may work %v, window 3 has %q, window 2 %q; want A2 at 3, 2 empty", got, occupant("3"), occupant("2"))
	}
	if n := f.next("3", "A2"); n != b1.Ticket.Number {
		t.Errorf("window 3 called %q, want %s back from window 2", n, b1.Ticket.Number)
	}

	for _, c := range []struct{ window, staff, code string }{
		{"3", "A2", "already_their_window"},
		{"3", "A7", "window_busy"},
		{"9", "A7", "unknown_window"},
		{"6", "Z9", "unknown_staff"},
	} {
		if _, err := f.e.OpenExtraWindow(ctx, "admin", c.window, c.staff); code(err) != c.code {
			t.Errorf("give %s window %s: %v, want %s", c.staff, c.window, err, c.code)
		}
	}
	// 戊 is not in yet: the window is his to open when he comes.
	if opened, err := f.e.OpenExtraWindow(ctx, "admin", "6", "A7"); err != nil || opened {
		t.Fatalf("give A7 window 6: opened %v, %v; want given, not opened", opened, err)
	}
	if occupant("6") != "" {
		t.Errorf("window 6 opened for a clerk not in: %q", occupant("6"))
	}
	f.open("6", "A7")

	f.restart()
	if got := windowsOf("A2"); !slices.Equal(got, []string{"2", "3"}) || occupant("3") != "A2" {
		t.Errorf("after a restart A2 may work %v, window 3 has %q", got, occupant("3"))
	}
	var logged []string
	f.e.Read(func(s *queue.State) {
		for _, x := range s.Today.Extra {
			logged = append(logged, x.Window+":"+x.Staff+":"+x.By)
		}
	})
	if !slices.Equal(logged, []string{"3:A2:admin", "6:A7:admin"}) {
		t.Errorf("today's extra windows %v", logged)
	}

	// Undone: A2 leaves window 3, the ticket there goes back to its line.
	if err := f.e.UndoExtraWindow(ctx, "admin", "3", "A2"); err != nil {
		t.Fatal(err)
	}
	var status string
	f.e.Read(func(s *queue.State) { status = s.Tickets[b1.Ticket.ID].Status() })
	if occupant("3") != "" || status != queue.StatusWaiting || !slices.Equal(windowsOf("A2"), []string{"2"}) {
		t.Errorf("after undo: window 3 has %q, %s is %s, A2 may work %v", occupant("3"), b1.Ticket.Number, status, windowsOf("A2"))
	}
	if _, err := f.e.Next(ctx, "3", "A2"); code(err) != "not_your_window" {
		t.Errorf("A2 at window 3 after undo: %v", err)
	}
	if err := f.e.UndoExtraWindow(ctx, "admin", "3", "A2"); code(err) != "no_extra_window" {
		t.Errorf("undo twice: %v", err)
	}

	// The next day the hall's own windows only.
	f.clock.Set(f.clock.Now().Add(24 * time.Hour))
	f.issue("birth", false)
	if got := windowsOf("A7"); !slices.Equal(got, []string{"7"}) {
		t.Errorf("the next day A7 may work %v, want [7]", got)
	}
}

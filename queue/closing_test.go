package queue_test

import (
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

func TestClosingChoices(t *testing.T) {
	waiting := func(f *fixture) (n int) {
		f.e.Read(func(s *queue.State) {
			for _, c := range []string{"civil", "health", "farm"} {
				all, _ := s.WaitingCounts(c)
				n += all
			}
		})
		return n
	}

	// Cancel with a reason: the villagers' tickets say it, the ledger counts it.
	f := newFixture(t, smallHall)
	a := f.issue("pension", false).Ticket
	f.issue("pension", false)
	if _, err := f.e.CloseWaiting(ctx, "admin", queue.CloseCancel, ""); code(err) != "bad_reason" {
		t.Errorf("cancel without a reason: %v", err)
	}
	if n, err := f.e.CloseWaiting(ctx, "admin", queue.CloseCancel, "系统检修，请明天再来"); err != nil || n != 2 {
		t.Fatalf("cancel = %d, %v", n, err)
	}
	f.e.Read(func(s *queue.State) {
		if tk := s.Tickets[a.ID]; tk.Status() != queue.StatusCancelled || tk.Reason() != "系统检修，请明天再来" {
			t.Errorf("cancelled ticket: %+v", tk)
		}
	})

	// Serve: nothing is cancelled; the clerks go on.
	g := newFixture(t, smallHall)
	g.issue("pension", false)
	if n, err := g.e.CloseWaiting(ctx, "admin", queue.CloseServe, ""); err != nil || n != 1 || waiting(g) != 1 {
		t.Errorf("serve = %d, %v; %d waiting", n, err, waiting(g))
	}

	// Carry: at midnight the waiting tickets become the new day's head of
	// the queue as 延续号, same number, same ticket page.
	h := newFixture(t, smallHall)
	b1 := h.issue("pension", false).Ticket
	b2 := h.issue("pension", false).Ticket
	h.open("2", "A2")
	h.next("2", "A2") // B001 is being served: not carried
	if _, err := h.e.CloseWaiting(ctx, "admin", queue.CloseCarry, ""); err != nil {
		t.Fatal(err)
	}
	h.clock.Add(24 * time.Hour)
	h.restart()
	fresh := h.issue("pension", false).Ticket
	if fresh.Number != "B003" {
		t.Errorf("the new day's first number is %s, want B003 (after the carried B002)", fresh.Number)
	}
	h.e.Read(func(s *queue.State) {
		line := s.Waiting("civil")
		if len(line) != 2 || line[0].Number != b2.Number || !line[0].Carried || line[1].ID != fresh.ID {
			t.Errorf("civil line %v, want the carried %s first", line, b2.Number)
		}
		if tk, ok := s.TicketByToken(b2.Token()); !ok || tk.Number != "B002" {
			t.Errorf("the carried ticket's page: %v %v", tk, ok)
		}
		if _, ok := s.TicketByToken(b1.Token()); ok {
			t.Error("the ticket served yesterday was carried too")
		}
	})
	h.open("2", "A2")
	if n := h.next("2", "A2"); n != "B002" {
		t.Errorf("the first call of the day is %s, want the 延续号 B002", n)
	}
}

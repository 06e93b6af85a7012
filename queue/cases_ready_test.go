package queue_test

import (
	"slices"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// The lobby's 请取件 list: the numbers of the cases ready for pick-up, the
// most recently done first, gone once picked up or closed, the same after
// a restart and the next day.
func TestReadyNumbers(t *testing.T) {
	f := newFixture(t, withCaseHall(""))
	f.clock.Set(monday)
	a := f.promised(queue.CaseIntake{Name: "王大爷", Phone: "13800001234"})
	b := f.promised(queue.CaseIntake{})
	c := f.promised(queue.CaseIntake{})
	ready := func(max int) ([]string, int) {
		var nums []string
		var total int
		f.e.Read(func(s *queue.State) { nums, total = s.ReadyNumbers(max) })
		return nums, total
	}
	if nums, total := ready(10); len(nums) != 0 || total != 0 {
		t.Errorf("before any is ready: %v (%d), want none", nums, total)
	}
	for i, tk := range []queue.Ticket{a, c, b} {
		f.clock.Set(monday.Add(time.Duration(i+1) * time.Hour))
		if _, err := f.e.CaseAction(ctx, tk.ID, queue.Actor{Staff: "A2"}, "ready", ""); err != nil {
			t.Fatal(err)
		}
	}
	if nums, total := ready(10); !slices.Equal(nums, []string{b.Number, c.Number, a.Number}) || total != 3 {
		t.Errorf("ready = %v (%d), want %v newest first", nums, total, []string{b.Number, c.Number, a.Number})
	}
	if nums, total := ready(2); !slices.Equal(nums, []string{b.Number, c.Number}) || total != 3 {
		t.Errorf("ready(2) = %v (%d), want the two newest of 3", nums, total)
	}
	if _, err := f.e.CaseAction(ctx, c.ID, queue.Actor{Admin: true}, "close", ""); err != nil {
		t.Fatal(err)
	}
	f.restart()
	f.clock.Set(monday.Add(24 * time.Hour))
	if nums, total := ready(10); !slices.Equal(nums, []string{b.Number, a.Number}) || total != 2 {
		t.Errorf("after closing %s, a restart and a day: %v (%d), want %v", c.Number, nums, total, []string{b.Number, a.Number})
	}
}

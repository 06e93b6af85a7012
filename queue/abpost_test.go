package queue_test

import (
	"testing"

	"github.com/yimen-hall/yimen/queue"
)

func TestABPosts(t *testing.T) {
	f := newFixture(t, smallHall)
	f.issue("pension", false)
	f.issue("pension", false)
	f.issue("pension", false)
	f.e.Read(func(s *queue.State) {
		if p := s.Post("3", "A3"); p != "A" {
			t.Errorf("A3 post at window 3 = %q, want A", p)
		}
		if p := s.Post("3", "B3"); p != "B" {
			t.Errorf("B3 post at window 3 = %q, want B", p)
		}
	})
	f.open("3", "A3")
	// B may not take the window while A is on duty there.
	if _, err := f.e.Next(ctx, "3", "B3"); code(err) != "window_busy" {
		t.Fatalf("B post calling while A is present = %v, want window_busy", err)
	}
	f.next("3", "A3") // B001
	// A goes to a village: the window is free for B, and B001 goes back to
	// the head of its line rather than stay called to an empty window.
	if _, err := f.e.SetStaffStatus(ctx, "A3", queue.StaffVillage, "", "15:00"); err != nil {
		t.Fatal(err)
	}
	f.e.Read(func(s *queue.State) {
		if s.WindowOpen("3") {
			t.Error("window 3 still open with its clerk away")
		}
	})
	if n := f.next("3", "B3"); n != "B001" {
		t.Errorf("B post next = %s, want B001 back from A", n)
	}
	if _, err := f.e.Start(ctx, "3", "B3"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.Finish(ctx, "3", "B3", ""); err != nil {
		t.Fatalf("B post finishing A's ticket: %v", err)
	}
	if n := f.next("3", "B3"); n != "B002" {
		t.Errorf("B post next = %s, want B002", n)
	}
	// A comes back and takes the window back.
	if n := f.next("3", "A3"); n != "B003" {
		t.Errorf("A post back: next = %s, want B003", n)
	}
	f.e.Read(func(s *queue.State) {
		if occ := s.Windows["3"].Occupant; occ != "A3" {
			t.Errorf("occupant = %s, want A3", occ)
		}
		if st := s.Staff["B3"].Window; st != "" {
			t.Errorf("B3 still marked at window %q", st)
		}
	})
	// A clerk who works several windows moves between them.
	f.open("2", "B3")
	f.e.Read(func(s *queue.State) {
		if s.Staff["B3"].Window != "2" || s.Windows["2"].Occupant != "B3" {
			t.Errorf("B3 did not move to window 2")
		}
	})
}

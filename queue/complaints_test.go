package queue_test

import (
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

func TestLowRatingsBecomeComplaintsUntilFollowedUp(t *testing.T) {
	f := newFixture(t, smallHall)
	f.open("2", "A2")
	b1 := f.issue("pension", false)
	b2 := f.issue("pension", false)
	f.next("2", "A2")
	f.must(f.e.Start(ctx, "2", "A2"))
	f.must(f.e.Finish(ctx, "2", "A2", queue.OutcomeImmediate))

	// The tablet rates the ticket it shows, once; a low score needs a reason.
	if _, err := f.e.RateTicket(ctx, "2", b2.Ticket.ID, 5, ""); code(err) != "nothing_to_rate" {
		t.Errorf("rating a ticket not finished there: %v", err)
	}
	if _, err := f.e.RateTicket(ctx, "2", b1.Ticket.ID, 1, ""); code(err) != "reason_needed" {
		t.Errorf("a low rating without a reason: %v", err)
	}
	f.clock.Add(time.Minute)
	if _, err := f.e.RateTicket(ctx, "2", b1.Ticket.ID, 1, "态度不好"); err != nil {
		t.Fatal(err)
	}
	rated := f.clock.Now()
	if _, err := f.e.RateTicket(ctx, "2", b1.Ticket.ID, 5, ""); code(err) != "already_rated" {
		t.Errorf("second rating of one ticket: %v", err)
	}
	var list []queue.Complaint
	f.e.Read(func(s *queue.State) { list = s.ComplaintList() })
	if len(list) != 1 {
		t.Fatalf("complaints = %+v", list)
	}
	c := list[0]
	if c.Number != "B001" || c.Window != "2" || c.Staff != "A2" || c.Score != 1 || c.Reason != "态度不好" ||
		!c.Due.Equal(rated.AddDate(0, 0, queue.DefaultFollowupDays)) || c.Closed {
		t.Errorf("complaint = %+v", c)
	}

	// It outlives the day and a restart; past its deadline it is overdue.
	f.clock.Add(4 * 24 * time.Hour)
	f.issue("pension", false) // the day rolls over
	f.restart()
	f.e.Read(func(s *queue.State) {
		if n := s.OverdueComplaints(f.clock.Now()); n != 1 {
			t.Errorf("overdue = %d after four days, want 1", n)
		}
	})
	if _, err := f.e.FollowUp(ctx, b1.Ticket.ID, "admin", "callback", " "); code(err) != "bad_note" {
		t.Errorf("a follow-up without a note: %v", err)
	}
	got, err := f.e.FollowUp(ctx, b1.Ticket.ID, "admin", queue.FollowupCallback, "已电话回访，致歉并说明")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Closed || got.ClosedBy != "admin" || got.Action != "callback" || !got.ClosedAt.Equal(f.clock.Now()) {
		t.Errorf("followed up = %+v", got)
	}
	if _, err := f.e.FollowUp(ctx, b1.Ticket.ID, "admin", queue.FollowupRectify, "again"); code(err) != "already_followed_up" {
		t.Errorf("second follow-up: %v", err)
	}
	f.e.Read(func(s *queue.State) {
		if n := s.OverdueComplaints(f.clock.Now()); n != 0 {
			t.Errorf("overdue after the follow-up = %d", n)
		}
	})
	// The ledger's 差评 list carries the follow-up.
	day := time.Date(2026, 11, 21, 0, 0, 0, 0, f.hall.Location())
	r, err := f.e.Report(day, day, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.LowRatings) != 1 || r.LowRatings[0].Followup == nil || r.LowRatings[0].Followup.Note != "已电话回访，致歉并说明" {
		t.Errorf("ledger low ratings = %+v", r.LowRatings)
	}
}

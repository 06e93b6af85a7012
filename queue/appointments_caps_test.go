package queue_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/yimen-hall/yimen/queue"
)

// A walk-in's ahead counts the appointments a window calls before it: as
// many as the calling rule lets in before it, whose slot has come. Each
// case checks ahead against the order the window then really calls.
func TestWalkInAheadCountsAppointments(t *testing.T) {
	tests := []struct {
		name    string
		rule    string
		slot    string // the appointments' slot
		appts   int
		walkIns []bool // priority?
		at      string // when the walk-ins come and the window calls
	}{
		{"strict: one appointment before each walk-in", "", "09:30", 3, []bool{false, false, false}, "09:30"},
		{"two in a row", `"appointments": {"max_in_row": 2},`, "09:30", 3, []bool{false, false, false}, "09:30"},
		{"a priority walk-in", "", "09:30", 2, []bool{false, true}, "09:30"},
		{"interleave", `"calling": {"mode": "interleave", "every": 2},`, "09:30", 2, []bool{false, true, false}, "09:30"},
		{"their slot has not come", "", "10:00", 2, []bool{false, false}, "09:45"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, bookingHall(`{"capacity": 4}`, tt.rule))
			f.at("09:00")
			var codes []string
			for range tt.appts {
				codes = append(codes, f.book("2026-11-21", tt.slot))
			}
			f.at(tt.at)
			for _, c := range codes {
				if _, err := f.e.CheckIn(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
			var walkIns []string
			for _, p := range tt.walkIns {
				walkIns = append(walkIns, f.issue("pension", p).Ticket.Number)
			}
			want := map[string]int{}
			f.e.Read(func(s *queue.State) {
				for _, tk := range s.OpenTickets() {
					if tk.Appointment() == "" {
						want[tk.Number] = s.Ahead(tk)
					}
				}
			})
			order := strings.Split(f.calls("2", "A2"), ",")
			for _, n := range walkIns {
				place := -1
				for i, o := range order {
					if o == n {
						place = i
					}
				}
				if want[n] != place {
					t.Errorf("%s: ahead %d, but the window calls %d before it (%s)", n, want[n], place, strings.Join(order, ","))
				}
			}
		})
	}
}

// Daily caps and appointments: a booking holds its place under the cap,
// so walk-ins are refused before it is taken, a booking past the cap is
// refused with the next day that has room, and a check-in is honoured
// even when the cap is full.
func TestCapsWithAppointments(t *testing.T) {
	f := newFixture(t, bookingHall(`{"capacity": 4}, "daily_cap": 3`, ""))
	f.at("09:00")
	a := f.book("2026-11-21", "10:00")
	b := f.book("2026-11-21", "10:00")
	f.issue("pension", false) // 1 issued + 2 booked = the cap
	if _, err := f.e.Issue(ctx, "pension", false); code(unwrapped(err)) != "cap_reached" {
		t.Errorf("a walk-in past the cap with two places booked: %v, want cap_reached", err)
	}
	_, err := f.e.Book(ctx, "S01", "pension", "2026-11-21", "11:00", "李四", "13900000000")
	var be *queue.BookingError
	if code(unwrapped(err)) != "cap_reached" || !errors.As(err, &be) || be.NextDay != "2026-11-22" {
		t.Errorf("a booking past today's cap: %v (next %v), want cap_reached and 2026-11-22", err, be)
	}
	// Another day has its own cap: three bookings fill it.
	for i := range 3 {
		if _, err := f.e.Book(ctx, "S01", "pension", "2026-11-22", fmt.Sprintf("%02d:00", 9+i), "", ""); err != nil {
			t.Fatalf("booking %d of 11-22: %v", i, err)
		}
	}
	if _, err := f.e.Book(ctx, "S01", "pension", "2026-11-22", "15:00", "", ""); code(unwrapped(err)) != "cap_reached" {
		t.Errorf("a fourth booking of 11-22: %v, want cap_reached", err)
	}
	f.at("09:50")
	for _, c := range []string{a, b} {
		if is, err := f.e.CheckIn(ctx, c); err != nil || is.Ticket.Appointment() != c {
			t.Errorf("check-in within the cap: %v %+v", err, is.Ticket)
		}
	}
	if _, err := f.e.Issue(ctx, "pension", false); code(unwrapped(err)) != "cap_reached" {
		t.Errorf("a walk-in after the check-ins: %v, want cap_reached", err)
	}
	// Lifted, the cap no longer stops walk-ins.
	if err := f.e.LiftCap(ctx, "admin", "pension", ""); err != nil {
		t.Fatal(err)
	}
	f.issue("pension", false)
	if l := f.ledger21(); l.Appointed != 2 || l.Issued != 4 {
		t.Errorf("ledger: 预约 %d issued %d, want 2, 4", l.Appointed, l.Issued)
	}
}

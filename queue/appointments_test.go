package queue_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// bookingHall books 养老保险 on Saturdays and Mondays (the fixtures' day,
// 2026-11-21, is a Saturday) in half-hour slots; rule is extra JSON for
// the hall (calling policy, appointments policy).
func bookingHall(booking, rule string) string {
	h := strings.Replace(smallHall, `{"id": "pension",  "name": "养老保险",   "categories": ["civil"]}`,
		`{"id": "pension",  "name": "养老保险",   "categories": ["civil"], "booking": `+booking+`}`, 1)
	return strings.Replace(h, `"name": "测试镇便民服务中心",`, `"name": "测试镇便民服务中心",`+rule, 1)
}

// at sets the fixture's clock to a local time of 2026-11-21.
func (f *fixture) at(hhmm string) {
	t, err := time.ParseInLocation("2006-01-02 15:04", "2026-11-21 "+hhmm, f.hall.Location())
	if err != nil {
		f.t.Fatal(err)
	}
	f.clock.Set(t)
}

func (f *fixture) book(day, slot string) string {
	f.t.Helper()
	a, err := f.e.Book(ctx, "S01", "pension", day, slot, "张三", "13800000000")
	if err != nil {
		f.t.Fatalf("Book(%s %s): %v", day, slot, err)
	}
	return a.Code
}

func TestBookingRefusals(t *testing.T) {
	f := newFixture(t, bookingHall(`{"weekdays": [6, 1], "slot_minutes": 30, "capacity": 2, "walk_in_share": 0.5, "days_ahead": 7}`, ""))
	f.at("09:00")
	first := f.book("2026-11-21", "10:00")
	tests := []struct {
		service, day, slot string
		want               string
		next               string // the next free slot offered
	}{
		{"pension", "2026-11-21", "10:00", "slot_full", "2026-11-21 09:30"},
		{"pension", "2026-11-21", "09:00", "past_slot", "2026-11-21 09:30"},
		{"pension", "2026-11-20", "10:00", "past_day", "2026-11-21 09:30"},
		{"pension", "2026-11-22", "10:00", "closed_day", "2026-11-21 09:30"},
		{"pension", "2026-11-30", "10:00", "too_far", "2026-11-21 09:30"},
		{"pension", "2026-11-23", "10:10", "bad_slot", "2026-11-21 09:30"},
		{"pension", "2026-11-23", "17:00", "bad_slot", "2026-11-21 09:30"},
		{"pension", "2026-11-23", "nine", "bad_slot", ""},
		{"pension", "23.11.2026", "10:00", "bad_day", ""},
		{"birth", "2026-11-23", "10:00", "not_bookable", ""},
		{"nope", "2026-11-23", "10:00", "unknown_service", ""},
	}
	for _, tt := range tests {
		_, err := f.e.Book(ctx, "S01", tt.service, tt.day, tt.slot, "", "")
		if got := queue.ErrorKind(err); got == 0 || code(unwrapped(err)) != tt.want {
			t.Errorf("Book(%s %s %s) = %v, want %s", tt.service, tt.day, tt.slot, err, tt.want)
			continue
		}
		var be *queue.BookingError
		if errors.As(err, &be) != (tt.next != "") || (be != nil && be.NextDay+" "+be.NextSlot != tt.next) {
			t.Errorf("Book(%s %s): next free %v, want %q", tt.day, tt.slot, be, tt.next)
		}
	}
	if _, err := f.e.Book(ctx, "S01", "pension", "2026-11-23", "10:00", "张三", "138-0000"); code(unwrapped(err)) != "bad_phone" {
		t.Errorf("a phone with a dash: %v", err)
	}
	// Cancelled, the slot is free again.
	if err := f.e.CancelAppointment(ctx, "S01", first); err != nil {
		t.Fatal(err)
	}
	f.book("2026-11-21", "10:00")
	if err := f.e.CancelAppointment(ctx, "S01", "000000"); code(unwrapped(err)) != "unknown_appointment" {
		t.Errorf("cancel an unknown code: %v", err)
	}
}

// unwrapped finds the *queue.Error in err's chain.
func unwrapped(err error) error {
	var qe *queue.Error
	if errors.As(err, &qe) {
		return qe
	}
	return err
}

func TestAppointmentCheckIn(t *testing.T) {
	tests := []struct {
		at   string
		code string
	}{
		{"09:44", "too_early"},
		{"09:45", ""},
		{"10:15", ""},
		{"10:16", "too_late"},
	}
	for _, tt := range tests {
		t.Run(tt.at, func(t *testing.T) {
			f := newFixture(t, bookingHall(`{"capacity": 4}`, ""))
			f.at("09:00")
			c := f.book("2026-11-21", "10:00")
			f.at(tt.at)
			is, err := f.e.CheckIn(ctx, c)
			if code(unwrapped(err)) != tt.code {
				t.Fatalf("CheckIn at %s = %v, want %q", tt.at, err, tt.code)
			}
			var ce *queue.CheckinError
			if tt.code == "too_early" && (!errors.As(err, &ce) || !strings.Contains(ce.Err.Message, "09:45")) {
				t.Errorf("too early says %v, want the time to come back (09:45)", err)
			}
			if tt.code != "" {
				return
			}
			if is.Ticket.Appointment() != c || is.Ticket.Slot() != "10:00" || is.Ticket.Category != "civil" {
				t.Errorf("ticket = %+v", is.Ticket)
			}
			if _, err := f.e.CheckIn(ctx, c); code(unwrapped(err)) != "checked_in" {
				t.Errorf("a second check-in: %v", err)
			}
			if err := f.e.CancelAppointment(ctx, "S01", c); code(unwrapped(err)) != "checked_in" {
				t.Errorf("cancel after check-in: %v", err)
			}
		})
	}
	f := newFixture(t, bookingHall(`{}`, ""))
	if _, err := f.e.CheckIn(ctx, "123456"); code(unwrapped(err)) != "unknown_appointment" {
		t.Errorf("unknown code: %v", err)
	}
}

func TestAppointmentCalling(t *testing.T) {
	interleave := `"calling": {"mode": "interleave", "every": 2},`
	tests := []struct {
		name    string
		rule    string
		walkIns []bool // priority?
		appts   int    // checked in for 09:30
		at      string // when the window starts calling
		want    string
	}{
		{"strict: an appointment, a walk-in, an appointment", "", []bool{false, true, false}, 2, "09:30",
			"B004,B002,B005,B001,B003"},
		{"interleave: the same rule between appointments", interleave, []bool{false, true, false}, 2, "09:30",
			"B004,B001,B005,B002,B003"},
		{"before its slot: walk-ins first", "", []bool{false, false}, 1, "09:25",
			"B001,B002,B003"},
		{"no walk-in waits: appointments in a row, even early", "", nil, 2, "09:20",
			"B001,B002"},
		{"two in a row when the hall says so", `"appointments": {"max_in_row": 2},`, []bool{false, false}, 2, "09:30",
			"B003,B004,B001,B002"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, bookingHall(`{"capacity": 4}`, tt.rule))
			f.at("09:00")
			var codes []string
			for range tt.appts {
				codes = append(codes, f.book("2026-11-21", "09:30"))
			}
			for _, p := range tt.walkIns {
				f.issue("pension", p)
				f.clock.Add(time.Minute)
			}
			f.at("09:20")
			for _, c := range codes {
				if _, err := f.e.CheckIn(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
			f.restart() // the order is the log's
			f.at(tt.at)
			if got := f.calls("2", "A2"); got != tt.want {
				t.Errorf("calls %s, want %s", got, tt.want)
			}
		})
	}
}

func TestAppointmentMissed(t *testing.T) {
	f := newFixture(t, bookingHall(`{"capacity": 4}`, ""))
	f.at("09:00")
	kept := f.book("2026-11-21", "10:00")
	f.book("2026-11-21", "10:00")
	later := f.book("2026-11-23", "10:00")
	f.at("09:50")
	if _, err := f.e.CheckIn(ctx, kept); err != nil {
		t.Fatal(err)
	}
	f.issue("pension", false)
	f.clock.Set(time.Date(2026, 11, 21, 16, 0, 30, 0, time.UTC)) // the next day
	f.issue("pension", false)
	if l := f.ledger21(); l.Appointed != 1 || l.Missed != 1 || l.Issued != 2 {
		t.Errorf("ledger of 11-21: 预约 %d 爽约 %d issued %d, want 1, 1, 2", l.Appointed, l.Missed, l.Issued)
	}
	f.e.Read(func(s *queue.State) {
		if len(s.Appointments) != 1 || s.Appointments[later] == nil {
			t.Errorf("appointments kept after the day: %v", s.Appointments)
		}
	})
}

// An appointment not checked in within the hall's window after its slot
// is released as 爽约 that very minute: by the day loop's tick (RollDay)
// or by whatever command comes next, not at the day's end.
func TestAppointmentReleasedAfterWindow(t *testing.T) {
	tests := []struct {
		name    string
		rule    string
		at      string
		trigger string // "tick" (the day loop) or "issue" (the next command)
		missed  bool
	}{
		{"15 minutes after the slot: still held", "", "10:15", "tick", false},
		{"16 minutes after: released by the day loop", "", "10:16", "tick", true},
		{"16 minutes after: released by the next command", "", "10:16", "issue", true},
		{"the hall's 5-minute window: held at 10:05", `"appointments": {"checkin_after_minutes": 5},`, "10:05", "tick", false},
		{"the hall's 5-minute window: released at 10:06", `"appointments": {"checkin_after_minutes": 5},`, "10:06", "tick", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, bookingHall(`{"capacity": 4}`, tt.rule))
			f.at("09:00")
			kept := f.book("2026-11-21", "10:00")
			absent := f.book("2026-11-21", "10:00")
			monday := f.book("2026-11-23", "10:00")
			f.at("09:50")
			if _, err := f.e.CheckIn(ctx, kept); err != nil {
				t.Fatal(err)
			}
			f.at(tt.at)
			switch tt.trigger {
			case "tick":
				if err := f.e.RollDay(ctx); err != nil {
					t.Fatal(err)
				}
			case "issue":
				f.issue("birth", false)
			}
			f.e.Read(func(s *queue.State) {
				if got := s.Appointments[absent].Missed; got != tt.missed {
					t.Errorf("absent appointment missed = %v, want %v", got, tt.missed)
				}
				if s.Appointments[kept].Missed || s.Appointments[monday].Missed {
					t.Errorf("a checked-in or later appointment released: %+v %+v", s.Appointments[kept], s.Appointments[monday])
				}
			})
			want := 0
			if tt.missed {
				want = 1
			}
			if l := f.ledger21(); l.Missed != want || l.Appointed != 1 {
				t.Errorf("today's ledger: 爽约 %d 预约 %d, want %d, 1", l.Missed, l.Appointed, want)
			}
			_, err := f.e.CheckIn(ctx, absent)
			if tt.missed && code(unwrapped(err)) != "too_late" {
				t.Errorf("check-in after release: %v, want too_late", err)
			}
			if !tt.missed && err != nil {
				t.Errorf("check-in within the window: %v", err)
			}
			// The day's end does not count it a second time.
			f.clock.Set(time.Date(2026, 11, 21, 16, 0, 30, 0, time.UTC)) // the next day
			if err := f.e.RollDay(ctx); err != nil {
				t.Fatal(err)
			}
			if l := f.ledger21(); l.Missed != want {
				t.Errorf("ledger after the day's end: 爽约 %d, want %d", l.Missed, want)
			}
		})
	}
}

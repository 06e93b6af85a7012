package queue_test

import (
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// selfHall books 养老保险 (four a slot) and lets villagers book on their
// phones, one open booking per number when perPhone says so.
func selfHall(policy string) string {
	return bookingHall(`{"capacity": 4}`, `"appointments": `+policy+`,`)
}

func TestBookSelf(t *testing.T) {
	f := newFixture(t, selfHall(`{"self_booking": true, "per_phone": 2}`))
	f.at("09:00")
	tests := []struct {
		name, day, slot, who, phone string
		want                        string
	}{
		{"a first booking", "2026-11-21", "10:00", "王大爷", "13812345678", ""},
		{"a second of the same phone", "2026-11-23", "10:00", "王大爷", "13812345678", ""},
		{"a third: the phone's limit", "2026-11-23", "10:30", "王大爷", "13812345678", "phone_limit"},
		{"another phone", "2026-11-23", "10:30", "李婶", "13987654321", ""},
		{"no name", "2026-11-23", "11:00", " ", "13900000001", "missing_name"},
		{"a landline", "2026-11-23", "11:00", "赵", "07512345678", "bad_phone"},
		{"too short", "2026-11-23", "11:00", "赵", "1381234", "bad_phone"},
		{"a past slot, with the next free one", "2026-11-21", "08:30", "赵", "13900000002", "bad_slot"},
	}
	for _, tt := range tests {
		a, err := f.e.BookSelf(ctx, "pension", tt.day, tt.slot, tt.who, tt.phone)
		if got := code(unwrapped(err)); got != tt.want {
			t.Errorf("%s: BookSelf = %v, want %q", tt.name, err, tt.want)
			continue
		}
		if tt.want == "" && (len(a.Code) != 6 || a.By != "phone" || a.Phone != tt.phone) {
			t.Errorf("%s: booked %+v", tt.name, a)
		}
	}
	// Checked in, a booking no longer counts against the phone's limit.
	var first string
	f.e.Read(func(s *queue.State) { first = s.AppointmentsOn("2026-11-21")[0].Code })
	f.at("09:50")
	f.must(f.e.CheckIn(ctx, first))
	f.must(f.e.BookSelf(ctx, "pension", "2026-11-23", "11:00", "王大爷", "13812345678"))

	off := newFixture(t, selfHall(`{}`))
	if _, err := off.e.BookSelf(ctx, "pension", "2026-11-23", "10:00", "王大爷", "13812345678"); code(unwrapped(err)) != "self_booking_off" {
		t.Errorf("a hall that did not turn it on: %v, want self_booking_off", err)
	}
	// A clerk's booking is not limited per phone.
	for range 3 {
		off.book("2026-11-23", "10:00")
	}
}

func TestCheckInByPhone(t *testing.T) {
	f := newFixture(t, selfHall(`{"self_booking": true}`))
	f.at("09:00")
	book := func(slot, phone string) {
		f.must(f.e.Book(ctx, "S01", "pension", "2026-11-21", slot, "张三", phone))
	}
	book("10:00", "13812345678")
	book("09:30", "13912345678") // another phone, the same last four
	book("10:00", "13800000000")
	f.must(f.e.Book(ctx, "S01", "pension", "2026-11-23", "10:00", "张三", "13812345678")) // Monday
	var list []queue.Appointment
	f.e.Read(func(s *queue.State) { list = s.BookingsByPhone("5678") })
	if len(list) != 2 || list[0].Slot != "09:30" || list[1].Slot != "10:00" {
		t.Fatalf("today's bookings ending 5678 = %+v, want 09:30 and 10:00", list)
	}
	f.e.Read(func(s *queue.State) {
		if l := s.BookingsByPhone("56"); l != nil {
			t.Errorf("two digits list %+v", l)
		}
	})
	f.at("09:20")
	if _, err := f.e.CheckInByPhone(ctx, "5678", "pension", "10:00"); code(unwrapped(err)) != "too_early" {
		t.Errorf("10:00 at 09:20: %v, want too_early", err)
	}
	is, err := f.e.CheckInByPhone(ctx, "5678", "pension", "09:30")
	if err != nil || is.Ticket.Slot() != "09:30" || is.Ticket.Appointment() == "" {
		t.Fatalf("check-in by phone: %v %+v", err, is.Ticket)
	}
	f.e.Read(func(s *queue.State) { list = s.BookingsByPhone("5678") })
	if len(list) != 1 || list[0].Slot != "10:00" {
		t.Errorf("after the check-in the list is %+v, want only 10:00", list)
	}
	if _, err := f.e.CheckInByPhone(ctx, "5678", "pension", "09:30"); code(unwrapped(err)) != "unknown_appointment" {
		t.Errorf("a second check-in: %v", err)
	}
	if _, err := f.e.CheckInByPhone(ctx, "12a4", "pension", "09:30"); code(unwrapped(err)) != "bad_phone_last4" {
		t.Errorf("letters: %v", err)
	}
	f.at("09:50")
	f.must(f.e.CheckInByPhone(ctx, "5678", "pension", "10:00"))
	if l := f.ledger21(); l.Appointed != 2 {
		t.Errorf("ledger 预约 %d, want 2", l.Appointed)
	}
}

// At the kiosk, a ticket that was not passed is told what to do.
func TestRequeueAtKioskRefusals(t *testing.T) {
	f := newFixture(t, smallHall)
	f.issue("pension", false)       // B001
	f.issue("pension", false)       // B002
	b3 := f.issue("pension", false) // B003
	f.open("2", "A2")
	tests := []struct {
		ref, want string
	}{
		{"B003", "still_waiting"},
		{"http://192.168.1.10:8080/t/" + b3.Ticket.Token(), "still_waiting"}, // its QR code
		{"http://192.168.1.10:8080/t/not-a-token-of-today", "unknown_ticket"},
		{"B999", "unknown_number"},
		{"", "bad_number"},
	}
	for _, tt := range tests {
		if _, err := f.e.RequeueAtKiosk(ctx, tt.ref); code(err) != tt.want {
			t.Errorf("RequeueAtKiosk(%q) = %v, want %s", tt.ref, err, tt.want)
		}
	}
	f.next("2", "A2") // B001 called
	if _, err := f.e.RequeueAtKiosk(ctx, "B001"); code(err) != "called_now" {
		t.Errorf("a called number: %v", err)
	}
	f.hold("2", "A2") // B001 parked, B002 called
	if _, err := f.e.RequeueAtKiosk(ctx, "B001"); code(err) != "held" {
		t.Errorf("a parked number: %v", err)
	}
	f.must(f.e.Finish(ctx, "2", "A2", ""))
	if _, err := f.e.RequeueAtKiosk(ctx, "B002"); code(err) != "ticket_closed" {
		t.Errorf("a finished number: %v", err)
	}
	f.next("2", "A2") // B003
	f.must(f.e.NoShow(ctx, "2", "A2"))
	f.clock.Add(31 * time.Minute)
	if _, err := f.e.RequeueAtKiosk(ctx, "B003"); code(err) != "requeue_too_late" {
		t.Errorf("31 minutes after 过号: %v", err)
	}
}

// A call pad calls back a parked ticket by its digits, or the first one.
func TestCallBackHeld(t *testing.T) {
	f := newFixture(t, smallHall)
	for range 4 {
		f.issue("pension", false) // B001…B004
		f.clock.Add(time.Minute)
	}
	f.open("2", "A2")
	f.next("2", "A2") // B001
	f.hold("2", "A2") // B001 parked, B002 called
	f.hold("2", "A2") // B002 parked, B003 called
	if _, err := f.e.CallBackHeld(ctx, "2", "A2", 7); code(err) != "no_held" {
		t.Errorf("no B007 parked: %v", err)
	}
	tk, err := f.e.CallBackHeld(ctx, "2", "A2", 2)
	if err != nil || tk.Number != "B002" || tk.Status() != queue.StatusCalled || tk.Window() != "2" {
		t.Fatalf("叫回 2 = %v %+v, want B002 called at window 2", err, tk)
	}
	if b3 := f.ticket("B003"); b3.Status() != queue.StatusNoShow {
		t.Errorf("B003, called and not served, is %s, want no_show as with 下一位", b3.Status())
	}
	tk, err = f.e.CallBackHeld(ctx, "2", "A2", 0)
	if err != nil || tk.Number != "B001" {
		t.Errorf("叫回 with no digits = %v %+v, want B001", err, tk)
	}
	if _, err := f.e.CallBackHeld(ctx, "2", "A2", 0); code(err) != "no_held" {
		t.Errorf("nothing parked: %v", err)
	}
	if l := f.ledger21(); l.Held != 2 {
		t.Errorf("ledger 挂起 %d, want 2", l.Held)
	}
}

func (f *fixture) hold(window, staff string) {
	f.t.Helper()
	if _, _, err := f.e.Hold(ctx, window, staff); err != nil {
		f.t.Fatal(err)
	}
}

// The days /book offers: those with slots still to come, with the places
// left; a day the cap has filled offers none.
func TestBookableDays(t *testing.T) {
	f := newFixture(t, bookingHall(`{"weekdays": [6, 1], "capacity": 2, "days_ahead": 7}, "daily_cap": 2`, ""))
	f.at("16:00") // Saturday's last slot (16:30) still to come
	f.book("2026-11-23", "09:00")
	f.book("2026-11-23", "09:30") // Monday's cap is taken
	var days []queue.DayFree
	var err error
	f.e.Read(func(s *queue.State) {
		days, err = s.BookableDays("pension", time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC))
	})
	want := []queue.DayFree{{Day: "2026-11-21", Free: 2}, {Day: "2026-11-23", Free: 0}, {Day: "2026-11-28", Free: 32}}
	if err != nil || len(days) != len(want) {
		t.Fatalf("BookableDays = %v %v, want %v", days, err, want)
	}
	for i := range want {
		if days[i] != want[i] {
			t.Errorf("day %d = %+v, want %+v", i, days[i], want[i])
		}
	}
	f.e.Read(func(s *queue.State) { _, err = s.BookableDays("birth", time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)) })
	if code(unwrapped(err)) != "not_bookable" {
		t.Errorf("a service without booking: %v", err)
	}
}

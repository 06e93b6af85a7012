package main

import (
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue/queuetest"
)

// TestAppointmentsCapsAndAheadAPI: with 养老保险 capped at three a day and
// two places booked, the kiosk hands out one walk-in number and then
// says the day's numbers are gone, a clerk's booking is refused with the
// next day offered, and both bookings still check in;
// a walk-in taken when an appointment's slot has come is told it has one
// person ahead (the appointment the window calls first), on the kiosk's
// answer and on its phone page, and the window does call it second.
func TestAppointmentsCapsAndAheadAPI(t *testing.T) {
	clk := queuetest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, shanghai)) // a Monday
	m := startMain(t, func(m *Main) { m.Now = clk.Now })
	admin := adminClient(t, m.URL, testAdminPassword)
	v, doc := hallDoc(t, admin)
	for _, s := range doc["services"].([]any) {
		if s := s.(map[string]any); s["id"] == "pension" {
			s["daily_cap"] = 3
		}
	}
	if code, ans := admin.do("PUT", "/api/admin/hall", map[string]any{"version": v, "hall": doc}); code != 200 {
		t.Fatalf("cap 养老保险: %d %v", code, ans)
	}
	var codes []string
	for range 2 {
		code, a := admin.do("POST", "/api/appointments", map[string]string{"service": "pension", "day": "2026-11-23", "slot": "09:30"})
		if code != 201 {
			t.Fatalf("book: %d %v", code, a)
		}
		codes = append(codes, a["code"].(string))
	}
	kiosk := kioskClient(t, m)
	clk.Set(time.Date(2026, 11, 23, 9, 30, 0, 0, shanghai))
	if code, tk := kiosk.do("POST", "/api/tickets", map[string]string{"appointment": codes[0]}); code != 201 || tk["appointment"] != true {
		t.Fatalf("check-in: %d %v", code, tk)
	}
	code, walkIn := kiosk.do("POST", "/api/tickets", map[string]string{"service": "pension"})
	if code != 201 || walkIn["ahead"] != 1.0 {
		t.Errorf("the walk-in after a due appointment = %d ahead %v, want 1", code, walkIn["ahead"])
	}
	if _, page := kiosk.do("GET", "/api/tickets/"+walkIn["token"].(string), nil); page["ahead"] != 1.0 {
		t.Errorf("the walk-in's phone page says %v ahead, want 1", page["ahead"])
	}
	if code, ans := kiosk.do("POST", "/api/tickets", map[string]string{"service": "pension"}); code != 409 || ans["code"] != "cap_reached" {
		t.Errorf("a second walk-in with a booking still to come = %d %v, want cap_reached", code, ans)
	}
	if code, ans := admin.do("POST", "/api/appointments", map[string]string{"service": "pension", "day": "2026-11-23", "slot": "10:00"}); code != 409 || ans["code"] != "cap_reached" || ans["next"] == nil {
		t.Errorf("a booking with the cap full = %d %v, want cap_reached with the next day offered", code, ans)
	}
	if code, tk := kiosk.do("POST", "/api/tickets", map[string]string{"appointment": codes[1]}); code != 201 {
		t.Errorf("the second booking's check-in with the cap full = %d %v, want it honoured", code, tk)
	}
	clerk := kiosk.login("S03", "240103")
	var order []any
	for range 2 {
		_, ans := clerk.do("POST", "/api/windows/3/next", nil)
		order = append(order, ans["ticket"].(map[string]any)["number"])
	}
	if order[1] != walkIn["number"] {
		t.Errorf("window 3 called %v, want the walk-in %v second", order, walkIn["number"])
	}
}

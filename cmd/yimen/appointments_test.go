package main

import (
	"regexp"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue/queuetest"
)

// TestAppointmentsAPI books for a villager who phoned, lists and cancels,
// checks in at the kiosk with the code, and sees the appointment called at
// its slot ahead of a walk-in; refusals say why and offer the next slot.
func TestAppointmentsAPI(t *testing.T) {
	clk := queuetest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, shanghai)) // a Monday
	m := startMain(t, func(m *Main) { m.Now = clk.Now })
	kiosk := kioskClient(t, m)
	clerk := kiosk.login("S03", "240103") // windows 2 and 3 (民生事业)
	admin := adminClient(t, m.URL, testAdminPassword)

	if code, ans := kiosk.do("POST", "/api/appointments", map[string]string{"service": "pension", "day": "2026-11-23", "slot": "09:30"}); code != 401 {
		t.Errorf("booking without signing in = %d %v", code, ans)
	}
	code, a := clerk.do("POST", "/api/appointments", map[string]string{"service": "pension", "day": "2026-11-23", "slot": "09:30", "name": "王大爷", "phone": "13800001234"})
	if code != 201 || !regexp.MustCompile(`^\d{6}$`).MatchString(a["code"].(string)) || a["category"] != "civil" || a["slot"] != "09:30" {
		t.Fatalf("book = %d %v", code, a)
	}
	appt := a["code"].(string)
	for _, bad := range []struct {
		body      map[string]string
		status    int
		code      string
		nextDay   string
		nextSlot  string
		withoutNx bool
	}{
		{map[string]string{"service": "guide", "day": "2026-11-23", "slot": "10:00"}, 409, "not_bookable", "", "", true},
		{map[string]string{"service": "pension", "day": "2026-11-22", "slot": "10:00"}, 409, "past_day", "2026-11-23", "09:30", false},
		{map[string]string{"service": "housing", "day": "2026-11-23", "slot": "10:00"}, 409, "closed_day", "2026-11-24", "09:00", false},
		{map[string]string{"service": "pension", "day": "2026-11-23", "slot": "10:15"}, 409, "bad_slot", "2026-11-23", "09:30", false},
		{map[string]string{"service": "pension", "day": "tomorrow", "slot": "10:00"}, 400, "bad_day", "", "", true},
	} {
		code, ans := admin.do("POST", "/api/appointments", bad.body)
		next, _ := ans["next"].(map[string]any)
		if code != bad.status || ans["code"] != bad.code || ans["error"] == "" ||
			(bad.withoutNx != (next == nil)) || (next != nil && (next["day"] != bad.nextDay || next["slot"] != bad.nextSlot)) {
			t.Errorf("book %v = %d %v, want %d %s next %s %s", bad.body, code, ans, bad.status, bad.code, bad.nextDay, bad.nextSlot)
		}
	}
	// Three of the slot's four places are bookable (a quarter is kept for walk-ins).
	for range 2 {
		if code, ans := admin.do("POST", "/api/appointments", map[string]string{"service": "pension", "day": "2026-11-23", "slot": "09:30"}); code != 201 {
			t.Fatalf("book = %d %v", code, ans)
		}
	}
	code, full := admin.do("POST", "/api/appointments", map[string]string{"service": "pension", "day": "2026-11-23", "slot": "09:30"})
	if next, _ := full["next"].(map[string]any); code != 409 || full["code"] != "slot_full" || next["slot"] != "10:00" {
		t.Errorf("a full slot = %d %v, want 409 slot_full, next 10:00", code, full)
	}
	_, list := clerk.do("GET", "/api/admin/appointments?day=2026-11-23", nil)
	if l, _ := list["appointments"].([]any); len(l) != 3 {
		t.Fatalf("list = %v", list)
	}
	last := list["appointments"].([]any)[2].(map[string]any)["code"].(string)
	if last == appt {
		last = list["appointments"].([]any)[1].(map[string]any)["code"].(string)
	}
	if code, _ := admin.do("DELETE", "/api/appointments/"+last, nil); code != 204 {
		t.Errorf("cancel = %d", code)
	}
	if code, ans := admin.do("DELETE", "/api/appointments/"+last, nil); code != 404 || ans["code"] != "unknown_appointment" {
		t.Errorf("cancel again = %d %v", code, ans)
	}

	// Check-in: too early says when to come back; then a ticket marked 预约.
	code, early := kiosk.do("POST", "/api/tickets", map[string]string{"appointment": appt})
	if code != 409 || early["code"] != "too_early" || early["come_back_at"] != "09:15" {
		t.Errorf("check-in at 09:00 = %d %v", code, early)
	}
	_, walkIn := kiosk.do("POST", "/api/tickets", map[string]string{"service": "pension"})
	clk.Set(time.Date(2026, 11, 23, 9, 20, 0, 0, shanghai))
	code, tk := kiosk.do("POST", "/api/tickets", map[string]string{"appointment": appt})
	if code != 201 || tk["appointment"] != true || tk["slot"] != "09:30" || tk["category"] != "civil" {
		t.Fatalf("check-in = %d %v", code, tk)
	}
	if code, ans := kiosk.do("POST", "/api/tickets", map[string]string{"appointment": "000000"}); code != 404 || ans["code"] != "unknown_appointment" {
		t.Errorf("unknown code = %d %v", code, ans)
	}
	// Before its slot the walk-in goes first; at its slot the appointment.
	_, w3 := clerk.do("GET", "/api/windows/3", nil)
	if numbers(w3, "waiting") != "["+walkIn["number"].(string)+" "+tk["number"].(string)+"]" && numbers(w3, "waiting") != "["+tk["number"].(string)+" "+walkIn["number"].(string)+"]" {
		t.Errorf("window 3 waiting %s", numbers(w3, "waiting"))
	}
	clk.Set(time.Date(2026, 11, 23, 9, 30, 0, 0, shanghai))
	lobby := dialDisplay(t, m, "?screen=lobby")
	readMsg(t, lobby) // the snapshot
	if code, ans := clerk.do("POST", "/api/windows/3/next", nil); code != 200 || ans["ticket"].(map[string]any)["number"] != tk["number"] {
		t.Errorf("next at 09:30 = %d %v, want the appointment %s", code, ans, tk["number"])
	}
	if code, ans := clerk.do("POST", "/api/windows/3/next", nil); code != 200 || ans["ticket"].(map[string]any)["number"] != walkIn["number"] {
		t.Errorf("then = %d %v, want the walk-in", code, ans)
	}
	// The lobby is told which call is a 预约 one, to mark it so.
	for _, want := range []struct {
		number string
		appt   bool
	}{{tk["number"].(string), true}, {walkIn["number"].(string), false}} {
		called := readMsg(t, lobby)
		for called.Type != "called" {
			called = readMsg(t, lobby)
		}
		if called.Call == nil || called.Call.Number != want.number || called.Call.Appointment != want.appt {
			t.Errorf("lobby's call = %+v, want %s with appointment %v", called.Call, want.number, want.appt)
		}
	}
	if snap := readMsg(t, dialDisplay(t, m, "?screen=lobby")); len(snap.Recent) < 2 || !snap.Recent[1].Appointment || snap.Recent[0].Appointment {
		t.Errorf("lobby's recent calls = %+v, want the second newest marked 预约", snap.Recent)
	}

	// The next day: the appointment never checked in is 爽约.
	clk.Set(time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai))
	kiosk.do("POST", "/api/tickets", map[string]string{"service": "pension"})
	admin = adminClient(t, m.URL, testAdminPassword)
	_, led := admin.do("GET", "/api/admin/ledger?from=2026-11-23&to=2026-11-23", nil)
	if led["appointed"] != 1.0 || led["missed"] != 1.0 {
		t.Errorf("ledger 预约 %v 爽约 %v, want 1 and 1", led["appointed"], led["missed"])
	}
}

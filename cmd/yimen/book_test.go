package main

import (
	"regexp"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue/queuetest"
)

// selfBooking turns /book on for the hall (it is off by default), with a
// limit of bookings per phone number.
func selfBooking(t *testing.T, admin *client, perPhone int) {
	t.Helper()
	v, doc := hallDoc(t, admin)
	doc["appointments"] = map[string]any{"self_booking": true, "per_phone": perPhone}
	if code, ans := admin.do("PUT", "/api/admin/hall", map[string]any{"version": v, "hall": doc}); code != 200 {
		t.Fatalf("turn self-booking on: %d %v", code, ans)
	}
}

// TestBookAPI: a phone on the hall's network books on its own once the hall
// turns it on; one phone holds at most per_phone bookings not yet checked
// in, one address may try ten times an hour; refusals say why and offer
// the next free slot; the code checks in at the kiosk; the ledger counts
// the self-booked 预约 and its 爽约 like a clerk's.
func TestBookAPI(t *testing.T) {
	clk := queuetest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, shanghai)) // a Monday
	m := startMain(t, func(m *Main) { m.Now = clk.Now })
	phone := &client{t: t, base: m.URL}
	admin := adminClient(t, m.URL, testAdminPassword)
	booking := map[string]string{"service": "pension", "day": "2026-11-23", "slot": "09:30", "name": "王大爷", "phone": "13800001234"}

	if code, ans := phone.do("GET", "/api/book", nil); code != 200 || ans["open"] != false || ans["services"] != nil {
		t.Errorf("GET /api/book while off = %d %v", code, ans)
	}
	for _, path := range []string{"/api/book/days?service=pension", "/api/book/slots?service=pension&day=2026-11-23"} {
		if code, ans := phone.do("GET", path, nil); code != 409 || ans["code"] != "self_booking_off" {
			t.Errorf("GET %s while off = %d %v", path, code, ans)
		}
	}
	if code, ans := phone.do("POST", "/api/book", booking); code != 409 || ans["code"] != "self_booking_off" {
		t.Errorf("POST /api/book while off = %d %v", code, ans)
	}

	selfBooking(t, admin, 1)
	code, info := phone.do("GET", "/api/book", nil)
	services, _ := info["services"].([]any)
	if code != 200 || info["open"] != true || len(services) != 2 || info["per_phone"] != 1.0 || info["checkin_before_minutes"] != 15.0 {
		t.Fatalf("GET /api/book = %d %v, want open with 养老保险 and 农村建房审批", code, info)
	}
	_, days := phone.do("GET", "/api/book/days?service=housing", nil)
	if l, _ := days["days"].([]any); len(l) == 0 || l[0].(map[string]any)["day"] != "2026-11-24" || l[0].(map[string]any)["free"] != 16.0 {
		t.Errorf("农村建房审批's days = %v, want Tuesday 11-24 first with 16 places", days)
	}
	_, slots := phone.do("GET", "/api/book/slots?service=pension&day=2026-11-23", nil)
	if l, _ := slots["slots"].([]any); len(l) == 0 || l[0].(map[string]any)["slot"] != "09:30" || l[0].(map[string]any)["free"] != 3.0 {
		t.Errorf("养老保险's slots today = %v, want 09:30 first with 3 places", slots)
	}

	code, a := phone.do("POST", "/api/book", booking)
	if code != 201 || !regexp.MustCompile(`^\d{6}$`).MatchString(a["code"].(string)) || a["slot"] != "09:30" || a["service_name"] != "城乡居民养老保险" || a["phone"] != nil {
		t.Fatalf("book = %d %v", code, a)
	}
	if code, ans := phone.do("POST", "/api/book", map[string]string{"service": "pension", "day": "2026-11-24", "slot": "10:00", "name": "王大爷", "phone": "13800001234"}); code != 409 || ans["code"] != "phone_limit" {
		t.Errorf("a second booking of the phone = %d %v, want phone_limit", code, ans)
	}
	if code, ans := phone.do("POST", "/api/book", map[string]string{"service": "pension", "day": "2026-11-24", "slot": "10:00", "name": "李婶", "phone": "0751-1234567"}); code != 400 || ans["code"] != "bad_phone" {
		t.Errorf("a landline = %d %v, want bad_phone", code, ans)
	}
	for range 2 { // the slot's other bookable places, by the clerk
		if code, ans := admin.do("POST", "/api/appointments", map[string]string{"service": "pension", "day": "2026-11-23", "slot": "09:30"}); code != 201 {
			t.Fatalf("clerk's booking: %d %v", code, ans)
		}
	}
	code, full := phone.do("POST", "/api/book", map[string]string{"service": "pension", "day": "2026-11-23", "slot": "09:30", "name": "李婶", "phone": "13900005678"})
	if next, _ := full["next"].(map[string]any); code != 409 || full["code"] != "slot_full" || next["day"] != "2026-11-23" || next["slot"] != "10:00" {
		t.Errorf("a full slot = %d %v, want slot_full with the next free slot 10:00", code, full)
	}
	_, list := admin.do("GET", "/api/admin/appointments?day=2026-11-23", nil)
	var by []any
	for _, x := range list["appointments"].([]any) {
		if x := x.(map[string]any); x["code"] == a["code"] {
			by = append(by, x["by"], x["phone"])
		}
	}
	if len(by) != 2 || by[0] != "phone" || by[1] != "13800001234" {
		t.Errorf("the manager's list shows the self-booking as %v, want by phone with its number", by)
	}

	// One address: four tries so far, six more, then 429.
	n := 0
	for ; n < 20; n++ {
		if code, _ := phone.do("POST", "/api/book", map[string]string{"service": "pension", "day": "2026-11-24", "slot": "11:00", "name": "某", "phone": "1370000000"}); code == 429 {
			break
		}
	}
	if n != 6 {
		t.Errorf("bookings tried before 429: %d, want 6", n)
	}

	// The code checks in at the kiosk; the clerk's two never come (爽约).
	clk.Set(time.Date(2026, 11, 23, 9, 20, 0, 0, shanghai))
	kiosk := kioskClient(t, m)
	if code, tk := kiosk.do("POST", "/api/tickets", map[string]string{"appointment": a["code"].(string)}); code != 201 || tk["appointment"] != true {
		t.Errorf("check-in with the self-booked code = %d %v", code, tk)
	}
	clk.Set(time.Date(2026, 11, 23, 9, 46, 0, 0, shanghai))
	kiosk.do("POST", "/api/tickets", map[string]string{"service": "guide"}) // any command releases the lapsed ones
	_, led := admin.do("GET", "/api/admin/ledger?from=2026-11-23&to=2026-11-23", nil)
	if led["appointed"] != 1.0 || led["missed"] != 2.0 {
		t.Errorf("ledger 预约 %v 爽约 %v, want 1 and 2", led["appointed"], led["missed"])
	}
}

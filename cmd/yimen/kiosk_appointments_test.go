package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue/queuetest"
)

// TestCheckInByPhoneAPI: a villager without the code finds today's
// bookings by the last four digits of the phone at a paired kiosk (names
// masked, never the phone or the code) and checks one in; an unpaired
// client learns nothing, and a kiosk trying digits is stopped.
func TestCheckInByPhoneAPI(t *testing.T) {
	clk := queuetest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, shanghai)) // a Monday
	m := startMain(t, func(m *Main) { m.Now = clk.Now })
	kiosk := kioskClient(t, m)
	clerk := kiosk.login("S03", "240103")
	var codes []string
	for _, b := range []map[string]string{
		{"service": "pension", "day": "2026-11-23", "slot": "09:30", "name": "王大爷", "phone": "13800001234"},
		{"service": "pension", "day": "2026-11-23", "slot": "10:00", "name": "李婶", "phone": "13900001234"},
		{"service": "pension", "day": "2026-11-23", "slot": "10:00", "name": "赵", "phone": "13700005678"},
		{"service": "pension", "day": "2026-11-24", "slot": "10:00", "name": "王大爷", "phone": "13800001234"},
	} {
		code, a := clerk.do("POST", "/api/appointments", b)
		if code != 201 {
			t.Fatalf("book %v: %d %v", b, code, a)
		}
		codes = append(codes, a["code"].(string))
	}
	stranger := &client{t: t, base: m.URL}
	if code, ans := stranger.do("POST", "/api/kiosk/bookings-by-phone", map[string]string{"last4": "1234"}); code != 401 || ans["code"] != "kiosk_not_paired" || ans["bookings"] != nil {
		t.Errorf("an unpaired client's lookup = %d %v", code, ans)
	}
	if code, ans := stranger.do("POST", "/api/tickets", map[string]string{"phone_last4": "1234", "service": "pension", "slot": "09:30"}); code != 401 {
		t.Errorf("an unpaired client's check-in = %d %v", code, ans)
	}
	code, ans := kiosk.do("POST", "/api/kiosk/bookings-by-phone", map[string]string{"last4": "1234"})
	list, _ := ans["bookings"].([]any)
	if code != 200 || len(list) != 2 {
		t.Fatalf("lookup 1234 = %d %v, want today's two", code, ans)
	}
	for i, want := range []map[string]any{
		{"name": "王**", "service": "pension", "service_name": "城乡居民养老保险", "slot": "09:30"},
		{"name": "李*", "service": "pension", "service_name": "城乡居民养老保险", "slot": "10:00"},
	} {
		got := list[i].(map[string]any)
		var keys []string
		for k := range got {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if strings.Join(keys, ",") != "name,service,service_name,slot" || got["name"] != want["name"] || got["slot"] != want["slot"] || got["service_name"] != want["service_name"] {
			t.Errorf("booking %d = %v, want %v and nothing more", i, got, want)
		}
	}
	if code, ans := kiosk.do("POST", "/api/kiosk/bookings-by-phone", map[string]string{"last4": "12345"}); code != 400 || ans["code"] != "bad_phone_last4" {
		t.Errorf("five digits = %d %v", code, ans)
	}
	clk.Set(time.Date(2026, 11, 23, 9, 20, 0, 0, shanghai))
	code, tk := kiosk.do("POST", "/api/tickets", map[string]string{"phone_last4": "1234", "service": "pension", "slot": "09:30"})
	if code != 201 || tk["appointment"] != true || tk["slot"] != "09:30" || tk["number"] == nil {
		t.Fatalf("check-in by phone = %d %v", code, tk)
	}
	if code, ans := kiosk.do("POST", "/api/tickets", map[string]string{"phone_last4": "1234", "service": "pension", "slot": "10:00"}); code != 409 || ans["code"] != "too_early" || ans["come_back_at"] != "09:45" {
		t.Errorf("10:00 at 09:20 = %d %v, want too_early, back at 09:45", code, ans)
	}
	_, ans = kiosk.do("POST", "/api/kiosk/bookings-by-phone", map[string]string{"last4": "1234"})
	if l, _ := ans["bookings"].([]any); len(l) != 1 {
		t.Errorf("after the check-in: %v, want only 10:00", ans)
	}
	// Lookups and check-ins by phone share ten a minute per kiosk (the
	// bucket refilled while the clock went on to 09:20): three since, so
	// seven more, then 429.
	n := 0
	for ; n < 20; n++ {
		if code, _ := kiosk.do("POST", "/api/kiosk/bookings-by-phone", map[string]string{"last4": "0000"}); code == 429 {
			break
		}
	}
	if n != 7 {
		t.Errorf("lookups before 429: %d, want 7", n)
	}
	if code, ans := kiosk.do("POST", "/api/tickets", map[string]string{"phone_last4": "5678", "service": "pension", "slot": "10:00"}); code != 429 {
		t.Errorf("a check-in by phone past the limit = %d %v", code, ans)
	}
	// The code still works, and taking numbers is not stopped.
	if code, ans := kiosk.do("POST", "/api/tickets", map[string]string{"service": "pension"}); code != 201 {
		t.Errorf("a walk-in after the limit = %d %v", code, ans)
	}
	clk.Set(time.Date(2026, 11, 23, 9, 50, 0, 0, shanghai))
	if code, ans := kiosk.do("POST", "/api/tickets", map[string]string{"appointment": codes[2]}); code != 201 {
		t.Errorf("check-in by code = %d %v", code, ans)
	}
}

// TestKioskRequeueAPI: a villager whose number was passed scans the
// ticket's QR code (its page address) or types the number at the kiosk;
// within the hall's time it waits again three places behind the head, as
// the clerk's 过号重排 puts it; otherwise the kiosk is told what to do.
func TestKioskRequeueAPI(t *testing.T) {
	clk := queuetest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, shanghai))
	m := startMain(t, func(m *Main) { m.Now = clk.Now })
	kiosk := kioskClient(t, m)
	urls := map[string]string{}
	for range 6 {
		code, tk := kiosk.do("POST", "/api/tickets", map[string]string{"service": "pension"})
		if code != 201 {
			t.Fatalf("issue: %d %v", code, tk)
		}
		urls[tk["number"].(string)] = tk["status_url"].(string)
		clk.Add(time.Minute)
	}
	clerk := kiosk.login("S03", "240103")
	post := func(action string) {
		t.Helper()
		if code, ans := clerk.do("POST", "/api/windows/3/"+action, nil); code != 200 {
			t.Fatalf("%s: %d %v", action, code, ans)
		}
	}
	post("next")    // B001
	post("no-show") // 过号
	post("next")    // B002
	post("no-show")
	stranger := &client{t: t, base: m.URL}
	if code, ans := stranger.do("POST", "/api/kiosk/requeue", map[string]string{"ticket": urls["B001"]}); code != 401 {
		t.Errorf("an unpaired client = %d %v", code, ans)
	}
	if code, ans := kiosk.do("POST", "/api/kiosk/requeue", map[string]string{"ticket": "B004"}); code != 409 || ans["code"] != "still_waiting" || !strings.Contains(ans["error"].(string), "还在等候") {
		t.Errorf("a waiting number = %d %v", code, ans)
	}
	clk.Add(10 * time.Minute)
	code, tk := kiosk.do("POST", "/api/kiosk/requeue", map[string]string{"ticket": urls["B001"]})
	if code != 200 || tk["number"] != "B001" || tk["status"] != "waiting" || tk["ahead"] != 3.0 {
		t.Errorf("requeue by the QR code = %d %v, want B001 waiting with 3 ahead", code, tk)
	}
	clk.Add(21 * time.Minute) // B002 was passed 31 minutes ago
	if code, ans := kiosk.do("POST", "/api/kiosk/requeue", map[string]string{"ticket": "b002"}); code != 409 || ans["code"] != "requeue_too_late" || !strings.Contains(ans["error"].(string), "请重新取号") {
		t.Errorf("too late = %d %v", code, ans)
	}
	_, w := clerk.do("GET", "/api/windows/3", nil)
	if got := numbers(w, "waiting"); got != "[B003 B004 B005 B001 B006]" {
		t.Errorf("waiting %s, want B001 three places behind the head", got)
	}
	post("next") // B003
	post("finish")
	admin := adminClient(t, m.URL, testAdminPassword)
	_, led := admin.do("GET", "/api/admin/ledger?from=2026-11-23&to=2026-11-23", nil)
	if led["requeued"] != 1.0 || led["no_show"] != 1.0 {
		t.Errorf("ledger 过号重排 %v 过号 %v, want 1 and 1", led["requeued"], led["no_show"])
	}
}

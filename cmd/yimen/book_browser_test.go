package main

import (
	"context"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue/queuetest"
)

// TestBrowserBook: /book says it is closed until the manager turns phone
// booking on on /admin/hall; then a villager on a 360×640 phone picks
// 养老保险, today, 09:30, types name and phone and sees the six-digit code
// large. A second villager (390×844) loses the slot to the clerk while
// typing: the page says it is full and offers the next free slot, one tap
// away, which books. The same phone cannot book a second time (limit 1).
func TestBrowserBook(t *testing.T) {
	clk := queuetest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, shanghai)) // a Monday
	m := startPagesDaemon(t, func(m *Main) { m.Now = clk.Now })
	browser := newBrowser(t)

	off := tab(t, browser, true, 360, 640, m.URL+"/book", true)
	waitJS(t, off, "closed", `!document.getElementById('b-off').hidden && document.getElementById('b-step-service').hidden`, 5*time.Second)
	screenshot(t, off, "book-off-360x640")

	admin := adminHallTab(t, browser, m)
	waitJS(t, admin, "the appointments policy", `!document.getElementById('editor').hidden && document.getElementById('appt-self')`, 5*time.Second)
	click(t, admin, "#appt-self")
	typeInto(t, admin, "#appt-per-phone", "1")
	screenshot(t, admin, "admin-hall-self-booking-1366x768")
	click(t, admin, "#save")
	savedOK(t, admin)

	phone := tab(t, browser, true, 360, 640, m.URL+"/book", true)
	waitJS(t, phone, "the services", `document.querySelector('#b-services [data-service="pension"]') && document.querySelector('#b-services [data-service="housing"]')`, 5*time.Second)
	for _, v := range phoneSizes {
		fitAt(t, phone, "book", v, `!document.getElementById('b-step-service').hidden`, fitCheck{
			inside: []string{".b-title", "#b-services .b-choice"},
			whole:  []string{".b-title", ".b-c-main"},
		})
	}
	click(t, phone, `#b-services [data-service="pension"]`)
	waitJS(t, phone, "the days", `document.querySelector('#b-days [data-day="2026-11-23"]')`, 5*time.Second)
	click(t, phone, `#b-days [data-day="2026-11-23"]`)
	waitJS(t, phone, "the slots with places left", `(function () {
	   var b = document.querySelector('#b-slots [data-slot="09:30"]');
	   return b && !b.disabled && b.textContent.indexOf('余 3') > 0 && !document.querySelector('#b-slots [data-slot="09:00"]');
	 })()`, 5*time.Second)
	click(t, phone, `#b-slots [data-slot="09:30"]`)
	typeInto(t, phone, "#b-name", "王大爷")
	typeInto(t, phone, "#b-phone", "13800001234")
	screenshot(t, phone, "book-form-360x640")
	click(t, phone, "#b-go")
	waitJS(t, phone, "the code", `/^\d{6}$/.test(document.getElementById('b-code').textContent) && !document.getElementById('b-done').hidden`, 5*time.Second)
	for _, v := range phoneSizes {
		fitAt(t, phone, "book-done", v, `!document.getElementById('b-done').hidden`, fitCheck{
			inside: []string{"#b-code", "#b-when", ".b-ok"},
			whole:  []string{"#b-code", "#b-when", ".b-ok"},
		})
	}
	if size := evalJS[float64](t, phone, `parseFloat(getComputedStyle(document.getElementById('b-code')).fontSize)`); size < 48 {
		t.Errorf("the code is %.0f px, want it large (48 px or more)", size)
	}
	code := evalJS[string](t, phone, `document.getElementById('b-code').textContent`)
	_, list := (adminClient(t, m.URL, browserAdminPassword)).do("GET", "/api/admin/appointments?day=2026-11-23", nil)
	if l, _ := list["appointments"].([]any); len(l) != 1 || l[0].(map[string]any)["code"] != code || l[0].(map[string]any)["by"] != "phone" {
		t.Errorf("the day's appointments = %v, want the code %s booked by phone", list, code)
	}

	// A second villager: the clerk books 09:30's last places meanwhile.
	other := tab(t, browser, true, 390, 844, m.URL+"/book", true)
	pickSlot(t, other, "pension", "2026-11-23", "09:30")
	clerk := (&client{t: t, base: m.URL}).login("S03", "240103")
	for range 2 {
		if code, ans := clerk.do("POST", "/api/appointments", map[string]string{"service": "pension", "day": "2026-11-23", "slot": "09:30"}); code != 201 {
			t.Fatalf("clerk's booking: %d %v", code, ans)
		}
	}
	typeInto(t, other, "#b-name", "李婶")
	typeInto(t, other, "#b-phone", "13900005678")
	click(t, other, "#b-go")
	waitJS(t, other, "full, with the next free slot", `document.getElementById('b-msg').textContent.indexOf('已约满') >= 0 && document.getElementById('b-next').textContent === '改约 11月23日 星期一 10:00'`, 5*time.Second)
	fitAt(t, other, "book-refused", viewport{390, 844, true}, `!document.getElementById('b-next').hidden`, fitCheck{
		inside: []string{"#b-msg", "#b-next", "#b-go"},
		whole:  []string{"#b-next", "#b-go"},
	})
	click(t, other, "#b-next")
	waitJS(t, other, "10:00 chosen", `document.getElementById('b-chosen').textContent.indexOf('10:00') > 0 && document.querySelector('#b-slots [data-slot="10:00"].b-picked')`, 5*time.Second)
	click(t, other, "#b-go")
	waitJS(t, other, "booked at 10:00", `!document.getElementById('b-done').hidden && document.getElementById('b-when').textContent.indexOf('10:00') > 0`, 5*time.Second)

	// The first phone again: its limit is one booking not yet checked in.
	click(t, phone, "#b-again")
	pickSlot(t, phone, "pension", "2026-11-24", "10:00")
	typeInto(t, phone, "#b-name", "王大爷")
	typeInto(t, phone, "#b-phone", "13800001234")
	click(t, phone, "#b-go")
	waitJS(t, phone, "the phone's limit", `document.getElementById('b-msg').textContent.indexOf('每个手机号最多 1 个') >= 0 && document.getElementById('b-done').hidden`, 5*time.Second)
	screenshot(t, phone, "book-phone-limit-360x640")
}

// pickSlot taps a service, a day and a slot on /book.
func pickSlot(t *testing.T, page context.Context, service, day, slot string) {
	t.Helper()
	for _, sel := range []string{`#b-services [data-service="` + service + `"]`, `#b-days [data-day="` + day + `"]`, `#b-slots [data-slot="` + slot + `"]`} {
		waitJS(t, page, sel, `document.querySelector('`+sel+`')`, 5*time.Second)
		click(t, page, sel)
	}
}

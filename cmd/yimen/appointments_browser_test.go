package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserAppointment: a villager booked by phone types the code on the
// kiosk's number pad and gets a ticket marked 预约; at its slot the clerk's
// 叫号 calls it ahead of the walk-ins who came earlier.
func TestBrowserAppointment(t *testing.T) {
	clk := &testClock{t: time.Date(2026, 11, 23, 9, 20, 0, 0, shanghai)} // a Monday
	m := startPagesDaemon(t, func(m *Main) { m.Now = clk.Now })
	browser := newBrowser(t)
	kioskCred := pairBrowserKiosk(t, browser, m)
	for range 2 {
		if code, ans := apiCall(t, m.URL, kioskCred, "POST", "/api/tickets", map[string]any{"service": "pension"}); code != 201 {
			t.Fatalf("walk-in: %d %v", code, ans)
		}
	}
	admin := adminClient(t, m.URL, browserAdminPassword)
	code, a := admin.do("POST", "/api/appointments", map[string]string{"service": "pension", "day": "2026-11-23", "slot": "09:30", "name": "王大爷", "phone": "13800001234"})
	if code != 201 {
		t.Fatalf("book: %d %v", code, a)
	}
	appt := a["code"].(string)

	kiosk := tab(t, browser, false, 1080, 1920, m.URL+"/kiosk", false)
	waitJS(t, kiosk, "the 预约取号 button", `document.getElementById('appt-open') && document.querySelector('#groups button')`, 5*time.Second)
	click(t, kiosk, "#appt-open")
	for _, d := range strings.Split(appt, "") {
		click(t, kiosk, `#appt [data-key="`+d+`"]`)
	}
	waitJS(t, kiosk, "the code typed", `document.getElementById('appt-input').value === `+quote(appt), 5*time.Second)
	click(t, kiosk, "#appt-go")
	waitJS(t, kiosk, "the ticket marked 预约", `!document.getElementById('ticket').hidden && document.getElementById('tk-number').textContent === 'B003' && document.getElementById('tk-prio').textContent === '预约 09:30'`, 5*time.Second)
	screenshot(t, kiosk, "kiosk-appointment-1080x1920")

	clk.Set(time.Date(2026, 11, 23, 9, 30, 0, 0, shanghai))
	clerk := clerkAt3(t, browser, m)
	waitJS(t, clerk, "B003 marked 预约 in the line", `document.querySelector('#waiting b.appt') && document.querySelector('#waiting b.appt').textContent === 'B003' && !document.querySelector('[data-act="next"]').disabled`, 5*time.Second)
	if err := chromedp.Do(clerk, chromedp.KeyEvent("1")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, clerk, "the appointment called first", `document.getElementById('cur-num').textContent === 'B003'`, 5*time.Second)
	screenshot(t, clerk, "clerk-appointment-1366x768")
	waitJS(t, clerk, "the desk ready", `!document.querySelector('[data-act="next"]').disabled`, 5*time.Second)
	click(t, clerk, `[data-act="next"]`)
	waitJS(t, clerk, "then the walk-in", `document.getElementById('cur-num').textContent === 'B001'`, 5*time.Second)
}

package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/yimen-hall/yimen/queue/queuetest"
)

// TestBrowserAppointment: a clerk books a villager who phoned on /clerk;
// the villager types the code on the
// kiosk's number pad and gets a ticket marked 预约; at its slot the clerk's
// 叫号 calls it ahead of the walk-ins who came earlier, and the lobby marks
// that call 预约 (the walk-in's after it, not).
func TestBrowserAppointment(t *testing.T) {
	clk := queuetest.NewClock(time.Date(2026, 11, 23, 9, 20, 0, 0, shanghai)) // a Monday
	m := startPagesDaemon(t, func(m *Main) { m.Now = clk.Now })
	browser := newBrowser(t)
	kioskCred := pairBrowserKiosk(t, browser, m)
	for range 2 {
		if code, ans := apiCall(t, m.URL, kioskCred, "POST", "/api/tickets", map[string]any{"service": "pension"}); code != 201 {
			t.Fatalf("walk-in: %d %v", code, ans)
		}
	}
	// The clerk books a villager who phoned, on /clerk's 预约登记.
	clerk := clerkAt3(t, browser, m)
	click(t, clerk, "#appt-book-open")
	waitJS(t, clerk, "the booking form", `!document.getElementById('appt-book').hidden && document.getElementById('ap-service').value === 'pension'`, 5*time.Second)
	evalJS[bool](t, clerk, `var d = document.getElementById('ap-day'); d.value = '2026-11-23'; d.dispatchEvent(new Event('change')); true`)
	waitJS(t, clerk, "the slots of the day", `document.querySelector('#ap-slot option[value="09:30"]')`, 5*time.Second)
	evalJS[bool](t, clerk, `document.getElementById('ap-slot').value = '09:30'; true`)
	typeInto(t, clerk, "#ap-name", "王大爷")
	typeInto(t, clerk, "#ap-phone", "13800001234")
	click(t, clerk, "#ap-go")
	waitJS(t, clerk, "the code to tell the villager", `/^预约码 \d{6}（2026-11-23 09:30）$/.test(document.getElementById('ap-code').textContent) && document.querySelector('#ap-list tr[data-appt]')`, 5*time.Second)
	screenshot(t, clerk, "clerk-booking-1366x768")
	appt := evalJS[string](t, clerk, `document.getElementById('ap-code').textContent.slice(4, 10)`)
	click(t, clerk, "#ap-close")

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

	lobby := tab(t, browser, false, 1920, 1080, m.URL+"/display", false)
	waitJS(t, lobby, "the lobby", `document.querySelector('#tiles .tile')`, 5*time.Second)
	clk.Set(time.Date(2026, 11, 23, 9, 30, 0, 0, shanghai))
	waitJS(t, clerk, "B003 marked 预约 in the line", `document.querySelector('#waiting b.appt') && document.querySelector('#waiting b.appt').textContent === 'B003' && !document.querySelector('[data-act="next"]').disabled`, 5*time.Second)
	if err := chromedp.Do(clerk, chromedp.KeyEvent("1")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, clerk, "the appointment called first", `document.getElementById('cur-num').textContent === 'B003'`, 5*time.Second)
	waitJS(t, lobby, "the lobby's big call marked 预约", `document.getElementById('call-num').textContent === 'B003' && !document.getElementById('call-appt').hidden && document.getElementById('call-appt').getBoundingClientRect().width > 0`, 5*time.Second)
	screenshot(t, lobby, "lobby-appointment-1920x1080")
	screenshot(t, clerk, "clerk-appointment-1366x768")
	waitJS(t, clerk, "the desk ready", `!document.querySelector('[data-act="next"]').disabled`, 5*time.Second)
	click(t, clerk, `[data-act="next"]`)
	waitJS(t, clerk, "then the walk-in", `document.getElementById('cur-num').textContent === 'B001'`, 5*time.Second)
	waitJS(t, lobby, "the walk-in's call unmarked, the appointment's marked in the recent list",
		`(function () {
		   var li = document.querySelectorAll('#recent li');
		   return document.getElementById('call-num').textContent === 'B001' && document.getElementById('call-appt').hidden &&
		     li[0].querySelector('b').textContent === 'B001' && li[0].querySelector('.d-appt').hidden &&
		     li[1].querySelector('b').textContent === 'B003' && !li[1].querySelector('.d-appt').hidden;
		 })()`, 5*time.Second)
	screenshot(t, lobby, "lobby-recent-appointment-1920x1080")
}

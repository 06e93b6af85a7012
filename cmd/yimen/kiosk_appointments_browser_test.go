package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue/queuetest"
)

// TestBrowserKioskPhoneAndRequeue: at the kiosk a villager without the
// code types the last four digits of the phone, picks their booking among
// today's for those digits (names masked, no phone shown) and gets the
// ticket marked 预约; a villager whose number was passed scans the
// ticket's QR code (the scanner types its address and Enter) and is put
// back in line; one who comes back too late is told to take a new number.
func TestBrowserKioskPhoneAndRequeue(t *testing.T) {
	clk := queuetest.NewClock(time.Date(2026, 11, 23, 9, 20, 0, 0, shanghai)) // a Monday
	m := startPagesDaemon(t, func(m *Main) { m.Now = clk.Now })
	browser := newBrowser(t)
	cred := pairBrowserKiosk(t, browser, m)
	admin := adminClient(t, m.URL, browserAdminPassword)
	for _, b := range []map[string]string{
		{"service": "pension", "day": "2026-11-23", "slot": "09:30", "name": "王大爷", "phone": "13800001234"},
		{"service": "pension", "day": "2026-11-23", "slot": "10:00", "name": "李婶", "phone": "13900001234"},
	} {
		if code, a := admin.do("POST", "/api/appointments", b); code != 201 {
			t.Fatalf("book %v: %d %v", b, code, a)
		}
	}
	urls := map[string]string{}
	for range 5 {
		code, tk := apiCall(t, m.URL, cred, "POST", "/api/tickets", map[string]any{"service": "pension"})
		if code != 201 {
			t.Fatalf("walk-in: %d %v", code, tk)
		}
		urls[tk["number"].(string)] = tk["status_url"].(string)
	}
	clerk := (&client{t: t, base: m.URL}).login("S03", "240103")
	for _, act := range []string{"next", "no-show", "next", "no-show"} { // B001 and B002 passed
		if code, ans := clerk.do("POST", "/api/windows/3/"+act, nil); code != 200 {
			t.Fatalf("%s: %d %v", act, code, ans)
		}
	}

	kiosk := tab(t, browser, false, 1080, 1920, m.URL+"/kiosk", false)
	waitJS(t, kiosk, "the kiosk's buttons", `document.getElementById('appt-open') && document.getElementById('requeue-open') && document.querySelector('#groups button')`, 5*time.Second)
	screenshot(t, kiosk, "kiosk-start-three-entries-1080x1920")
	click(t, kiosk, "#appt-open")
	click(t, kiosk, "#appt-by-phone")
	waitJS(t, kiosk, "the phone mode", `document.getElementById('appt-go').textContent === '查找预约'`, 5*time.Second)
	for _, d := range []string{"1", "2", "3", "4", "5"} { // a fifth digit is not taken
		click(t, kiosk, `#appt [data-key="`+d+`"]`)
	}
	waitJS(t, kiosk, "four digits typed", `document.getElementById('appt-input').value === '1234'`, 5*time.Second)
	click(t, kiosk, "#appt-go")
	waitJS(t, kiosk, "today's two bookings for 1234, masked",
		`(function () {
		   var b = document.querySelectorAll('#appt-list button');
		   return b.length === 2 && b[0].textContent.indexOf('09:30') === 0 && b[0].textContent.indexOf('王**') > 0 &&
		     b[1].textContent.indexOf('李*') > 0 && document.body.innerText.indexOf('1380000') < 0 && document.body.innerText.indexOf('1390000') < 0;
		 })()`, 5*time.Second)
	screenshot(t, kiosk, "kiosk-appt-by-phone-1080x1920")
	click(t, kiosk, `#appt-list button[data-slot="09:30"]`)
	waitJS(t, kiosk, "the ticket marked 预约 09:30", `!document.getElementById('ticket').hidden && document.getElementById('tk-number').textContent === 'B006' && document.getElementById('tk-prio').textContent === '预约 09:30'`, 5*time.Second)
	click(t, kiosk, "#tk-done")

	// 过号重排 by scanning B001's QR code: the scanner types and presses Enter.
	waitJS(t, kiosk, "the start screen", `!document.getElementById('start').hidden`, 5*time.Second)
	click(t, kiosk, "#requeue-open")
	typeInto(t, kiosk, "#requeue-input", urls["B001"]+"\r")
	waitJS(t, kiosk, "B001 back in line", `/^B001 号已重新排队，前面还有 \d+ 人/.test(document.getElementById('requeue-msg').textContent)`, 5*time.Second)
	screenshot(t, kiosk, "kiosk-requeue-1080x1920")
	_, w := clerk.do("GET", "/api/windows/3", nil)
	if got := numbers(w, "waiting"); got != "[B003 B004 B005 B001 B006]" {
		t.Errorf("window 3 waiting %s, want B001 three places behind the head", got)
	}
	click(t, kiosk, "#requeue-cancel")

	// B002 comes back 31 minutes after it was passed, and types its number.
	clk.Add(31 * time.Minute)
	click(t, kiosk, "#requeue-open")
	for _, k := range []string{"B", "0", "0", "2"} {
		click(t, kiosk, `#requeue [data-key="`+k+`"]`)
	}
	click(t, kiosk, "#requeue-go")
	waitJS(t, kiosk, "told to take a new number", `document.getElementById('requeue-msg').textContent.indexOf('B002 号过号已超过 30 分钟，请重新取号') >= 0 && document.getElementById('requeue-cancel').textContent === '返回，重新取号'`, 5*time.Second)

	// The phone mode fits the kiosk's landscape screens too.
	for _, size := range [][2]int64{{1920, 1080}, {1280, 800}} {
		k := tab(t, browser, false, size[0], size[1], m.URL+"/kiosk", false)
		waitJS(t, k, "the 预约取号 button", `document.getElementById('appt-open') && document.querySelector('#groups button')`, 5*time.Second)
		click(t, k, "#appt-open")
		click(t, k, "#appt-by-phone")
		for _, d := range []string{"1", "2", "3", "4"} {
			click(t, k, `#appt [data-key="`+d+`"]`)
		}
		click(t, k, "#appt-go")
		waitJS(t, k, "the 10:00 booking listed, on screen", `(function () {
		   var b = document.querySelector('#appt-list button[data-slot="10:00"]'), go = document.getElementById('appt-cancel');
		   return b && b.getBoundingClientRect().bottom <= innerHeight && go.getBoundingClientRect().bottom <= innerHeight;
		 })()`, 5*time.Second)
		screenshot(t, k, fmt.Sprintf("kiosk-appt-by-phone-%dx%d", size[0], size[1]))
	}
}

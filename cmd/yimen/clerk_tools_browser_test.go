package main

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// clerkAt3 signs 李红梅 (S03) in at window 3 on /clerk in a fresh tab at
// 1366×768.
func clerkAt3(t *testing.T, browser context.Context, m *Main) context.Context {
	t.Helper()
	clerk := tab(t, browser, true, 1366, 768, m.URL+"/clerk", false)
	waitJS(t, clerk, "the sign-in form", `!document.getElementById('login').hidden`, 5*time.Second)
	typeInto(t, clerk, "#staff-id", "S03")
	typeInto(t, clerk, "#pin", "240103")
	click(t, clerk, "#login-btn")
	waitJS(t, clerk, "the window choice", `document.querySelector('[data-window="3"]')`, 5*time.Second)
	click(t, clerk, `[data-window="3"]`)
	waitJS(t, clerk, "the desk", `!document.getElementById('desk').hidden && !document.querySelector('[data-act="call"]').disabled`, 5*time.Second)
	return clerk
}

// TestBrowserClerkTools: at /clerk a clerk calls a given number (选呼) by
// key and by clicking a waiting number, parks a villager (挂起) and calls
// them back with one click, and puts a no-show back in line (过号重排).
func TestBrowserClerkTools(t *testing.T) {
	m := startPagesDaemon(t)
	browser := newBrowser(t)
	kiosk := kioskToken(t, m.URL, browserAdminPassword)
	for range 5 {
		if code, ans := apiCall(t, m.URL, kiosk, "POST", "/api/tickets", map[string]any{"service": "pension"}); code != 201 {
			t.Fatalf("issue: %d %v", code, ans)
		}
	}
	clerk := clerkAt3(t, browser, m)
	waiting := `Array.prototype.map.call(document.querySelectorAll('#waiting b'), function (b) { return b.textContent; }).join(',')`
	cur := `document.getElementById('cur-num').textContent`
	// submitNumber presses the chooser's button once the desk is ready
	// (no action in flight) and waits until the chooser closed.
	submitNumber := func() {
		t.Helper()
		waitJS(t, clerk, "the desk ready", `!document.querySelector('[data-act="call"]').disabled`, 5*time.Second)
		click(t, clerk, "#number-go")
		waitJS(t, clerk, "the chooser sent", `document.getElementById('sub-number').hidden`, 5*time.Second)
	}
	key := func(k string) {
		t.Helper()
		if err := chromedp.Do(clerk, chromedp.KeyEvent(k)); err != nil {
			t.Fatalf("key %s: %v", k, err)
		}
	}

	// 选呼 by key: * opens the number pad, the clerk types the number.
	key("*")
	waitJS(t, clerk, "the number chooser", `!document.getElementById('sub-number').hidden && document.activeElement.id === 'number-input'`, 5*time.Second)
	typeInto(t, clerk, "#number-input", "b004")
	submitNumber()
	waitJS(t, clerk, "B004 called out of turn", cur+` === 'B004' && `+waiting+` === 'B001,B002,B003,B005'`, 5*time.Second)

	// 选呼 from the waiting list: a click fills the number in.
	click(t, clerk, `#waiting b:nth-child(2)`)
	waitJS(t, clerk, "B002 filled in", `!document.getElementById('sub-number').hidden && document.getElementById('number-input').value === 'B002'`, 5*time.Second)
	submitNumber()
	waitJS(t, clerk, "B002 called", cur+` === 'B002' && `+waiting+` === 'B001,B003,B005'`, 5*time.Second)

	// 挂起 by key: B002 is parked, B001 called; B002 comes back with a click.
	click(t, clerk, `[data-act="start"]`)
	waitJS(t, clerk, "B002 served", `document.querySelector('[data-act="start"]').disabled && !document.querySelector('[data-act="hold"]').disabled`, 5*time.Second)
	key("/")
	waitJS(t, clerk, "B002 parked, B001 called", cur+` === 'B001' && !document.getElementById('held').hidden && document.querySelector('[data-held="B002"]')`, 5*time.Second)
	screenshot(t, clerk, "clerk-tools-1366x768")
	click(t, clerk, `[data-held="B002"]`)
	waitJS(t, clerk, "B002 back at the window", cur+` === 'B002' && document.getElementById('held').hidden`, 5*time.Second)

	// 过号重排 by key: B001, called but not come when B002 came back, is 过号;
	// it returns and is put back in line.
	key("-")
	waitJS(t, clerk, "the requeue chooser", `!document.getElementById('sub-number').hidden && document.getElementById('number-go').textContent === '重排'`, 5*time.Second)
	typeInto(t, clerk, "#number-input", "B001")
	submitNumber()
	waitJS(t, clerk, "B001 waiting again", waiting+` === 'B003,B005,B001'`, 5*time.Second)
	// A refusal is told in Chinese.
	waitJS(t, clerk, "the desk ready", `!document.querySelector('[data-act="requeue"]').disabled`, 5*time.Second)
	key("-")
	typeInto(t, clerk, "#number-input", "B003")
	submitNumber()
	waitJS(t, clerk, "the refusal", `!document.getElementById('error').hidden && document.getElementById('error').textContent.indexOf('没有过号') >= 0`, 5*time.Second)
}

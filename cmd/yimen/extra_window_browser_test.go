package main

import (
	"context"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue/queuetest"
)

// TestBrowserExtraWindow: the 审批服务 line grows and nobody is at its
// windows. On the floor view the manager gives 赵志强, on duty at window 2,
// window 4 for today with one click; his desk follows him there without a
// reload and calls the 审批 number; the manager's 撤销 takes it back, and
// the number waits again.
func TestBrowserExtraWindow(t *testing.T) {
	clk := queuetest.NewClock(time.Date(2026, 11, 23, 9, 20, 0, 0, shanghai)) // a Monday morning
	m := startPagesDaemon(t, func(m *Main) { m.Now = clk.Now })
	browser := newBrowser(t)
	kiosk := &client{t: t, base: m.URL, token: kioskToken(t, m.URL, browserAdminPassword)}
	_, approval := kiosk.do("POST", "/api/tickets", map[string]any{"service": "housing"})
	kiosk.do("POST", "/api/tickets", map[string]any{"service": "pension"})
	if code, ans := (&client{t: t, base: m.URL}).do("POST", "/api/admin/today/extra-window", map[string]string{"window": "4", "staff": "S04"}); code != 401 {
		t.Errorf("加开窗口 without the manager: %d %v, want 401", code, ans)
	}

	clerk := clerkTab(t, browser, m, "S04", "240104")
	waitJS(t, clerk, "the desk at window 2", `!document.getElementById('desk').hidden && document.getElementById('win-name').textContent === '2号窗口'`, 10*time.Second)
	evalJS[bool](t, clerk, `window.__same = true`)

	admin := tab(t, browser, true, 1366, 768, m.URL+"/admin", false)
	waitJS(t, admin, "the admin sign-in", `!document.getElementById('login').hidden`, 5*time.Second)
	typeInto(t, admin, "#password", browserAdminPassword)
	click(t, admin, "#admin-login-btn")
	// The clerk on duty is offered first; the window is the manager's
	// choice among those nobody works.
	waitJS(t, admin, "加开窗口 with 赵志强 first", `!document.getElementById('floor').hidden && document.getElementById('extra-staff').value === 'S04' && document.querySelector('#extra-window option[value="4"]') && !document.querySelector('#extra-window option[value="2"]')`, 10*time.Second)
	evalJS[bool](t, admin, `document.getElementById('extra-window').value = '4'; true`)
	click(t, admin, "#extra-open")
	waitJS(t, admin, "window 4 given, with 撤销", `document.getElementById('extra-list').textContent.indexOf('今天加开：4号窗口 · 赵志强') >= 0 && document.querySelector('[data-undo="4:S04"]')`, 10*time.Second)
	waitJS(t, admin, "赵志强 at window 4 on the floor", `(function(){var r=document.getElementById('a-windows').children[3]; return r && r.textContent.indexOf('赵志强') >= 0})()`, 10*time.Second)
	screenshot(t, admin, "admin-extra-window")

	waitJS(t, clerk, "the desk followed to window 4", `document.getElementById('win-name').textContent === '4号窗口'`, 10*time.Second)
	click(t, clerk, `[data-act="next"]`)
	waitJS(t, clerk, "the 审批 number called at window 4", `document.getElementById('cur-num').textContent === `+quote(approval["number"].(string)), 10*time.Second)
	if !evalJS[bool](t, clerk, `window.__same === true`) {
		t.Errorf("the clerk's desk reloaded")
	}
	screenshot(t, clerk, "clerk-extra-window")

	click(t, admin, `[data-undo="4:S04"]`)
	waitJS(t, admin, "撤销: the list empty, window 4 closed", `document.getElementById('extra-list').children.length === 0 && (function(){var r=document.getElementById('a-windows').children[3]; return r && r.textContent.indexOf('暂未开放') >= 0})()`, 10*time.Second)
	if _, tk := kiosk.do("GET", "/api/tickets/"+approval["token"].(string), nil); tk["status"] != "waiting" {
		t.Errorf("%v after 撤销 is %v, want waiting again", approval["number"], tk["status"])
	}
}

// clerkTab opens /clerk at 1366×768 in a browser context of its own and
// signs the clerk in with their PIN.
func clerkTab(t *testing.T, browser context.Context, m *Main, staff, pin string) context.Context {
	t.Helper()
	clerk := tab(t, browser, true, 1366, 768, m.URL+"/clerk", false)
	waitJS(t, clerk, "the sign-in form", `!document.getElementById('login').hidden`, 5*time.Second)
	typeInto(t, clerk, "#staff-id", staff)
	typeInto(t, clerk, "#pin", pin)
	click(t, clerk, "#login-btn")
	return clerk
}

package main

import (
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue/queuetest"
)

// TestBrowserCaseAlarmPushed: an overdue 承诺件 joins the hall's alarm list,
// pushed to the manager's floor view the moment the day it falls due
// begins, and cleared the moment the case is closed: no page polls for it
// (the daemon's own timed look is an hour away here).
func TestBrowserCaseAlarmPushed(t *testing.T) {
	clk := queuetest.NewClock(time.Date(2026, 11, 30, 9, 0, 0, 0, shanghai)) // Monday
	m := startPagesDaemon(t, func(m *Main) { m.Now = clk.Now; m.ComplaintCheck = time.Hour })
	browser := newBrowser(t)
	kiosk := &client{t: t, base: m.URL, token: kioskToken(t, m.URL, browserAdminPassword)}
	clerk := kiosk.login("S04", "240104")
	ids, numbers := promiseCases(t, kiosk, clerk, "2", 1) // 养老保险: five working days, due Monday 12-07

	// Just before midnight the case is due today; at midnight it is late.
	clk.Set(time.Date(2026, 12, 7, 23, 59, 0, 0, shanghai))
	clerk = kiosk.login("S04", "240104")
	admin := tab(t, browser, true, 1366, 768, m.URL+"/admin", false)
	waitJS(t, admin, "the admin sign-in", `!document.getElementById('login').hidden`, 5*time.Second)
	typeInto(t, admin, "#password", browserAdminPassword)
	click(t, admin, "#admin-login-btn")
	waitJS(t, admin, "the floor view", `!document.getElementById('floor').hidden && window.yimenBoard && yimenBoard.ready`, 10*time.Second)
	alarms := `document.getElementById('alarms').textContent`
	if evalJS[bool](t, admin, alarms+`.indexOf('承诺件') >= 0`) {
		t.Errorf("a 承诺件 alarm before any is due: %q", evalJS[string](t, admin, alarms))
	}
	evalJS[bool](t, admin, `window.__same = true`)

	clk.Set(time.Date(2026, 12, 8, 0, 0, 1, 0, shanghai))
	// The engine rolls the day within its minute tick, or at once on the
	// next command, as here: the clock is moved by hand, not waited for.
	if code, ans := clerk.do("PUT", "/api/staff/S04/status", map[string]string{"status": "off"}); code != 200 {
		t.Fatalf("a command after midnight: %d %v", code, ans)
	}
	waitJS(t, admin, "the overdue alarm pushed at midnight", alarms+`.indexOf('有 1 件承诺件超期未结案') >= 0`, 10*time.Second)
	screenshot(t, admin, "admin-case-alarm-pushed")

	// Done late: still up, and says so; closed: gone at once.
	clk.Set(time.Date(2026, 12, 8, 9, 0, 0, 0, shanghai))
	clerk = kiosk.login("S04", "240104")
	if code, ans := clerk.do("POST", "/api/cases/"+ids[0]+"/ready", nil); code != 200 {
		t.Fatalf("ready: %d %v", code, ans)
	}
	waitJS(t, admin, "the alarm says it is done late", alarms+`.indexOf('已逾期办结，待结案') >= 0`, 10*time.Second)
	if code, ans := adminClient(t, m.URL, browserAdminPassword).do("POST", "/api/cases/"+ids[0]+"/close", nil); code != 200 {
		t.Fatalf("close %s: %d %v", numbers[0], code, ans)
	}
	waitJS(t, admin, "the alarm gone once closed", alarms+`.indexOf('承诺件') < 0`, 10*time.Second)
	if !evalJS[bool](t, admin, `window.__same === true`) {
		t.Errorf("the floor view reloaded")
	}
}

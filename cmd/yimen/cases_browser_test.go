package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/yimen-hall/yimen/queue/queuetest"
)

// A 承诺件 in the pages: the clerk finishes a ticket as 承诺件 with its
// intake, the villager's phone (the same QR code) follows the case to
// 待取件, the clerk's page and the manager's floor warn before it is due
// and raise the alarm after, and the villager who comes back types the old
// number at the kiosk and gets a pick-up ticket.
func TestBrowserCaseToPickup(t *testing.T) {
	clk := queuetest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, shanghai)) // a Monday
	m := startPagesDaemon(t, func(m *Main) { m.Now = clk.Now })
	browser := newBrowser(t)
	pairBrowserKiosk(t, browser, m)

	kiosk := tab(t, browser, false, 1080, 1920, m.URL+"/kiosk", false)
	waitJS(t, kiosk, "the kiosk's services", `document.querySelectorAll('.svc').length === 20 && document.getElementById('pickup-open')`, 10*time.Second)
	click(t, kiosk, `[data-service="pension"]`)
	waitJS(t, kiosk, "the ticket", `!document.getElementById('ticket').hidden`, 5*time.Second)
	number := evalJS[string](t, kiosk, `yimenKiosk.last.number`)
	token := evalJS[string](t, kiosk, `yimenKiosk.last.token`)
	firstID := evalJS[string](t, kiosk, `yimenKiosk.last.id`)
	if txt := evalJS[string](t, kiosk, `document.getElementById('tk-bring').textContent`); txt != "请带好：身份证、户口本" {
		t.Errorf("the kiosk's ticket says %q, want what to bring", txt)
	}
	click(t, kiosk, "#tk-done")

	phone := tab(t, browser, true, 390, 844, m.URL+"/t/"+token, true)
	waitJS(t, phone, "the ticket page says what to bring", `document.getElementById('t-status').textContent === '等候中' && document.getElementById('t-bring').textContent === '请带好：身份证、户口本'`, 5*time.Second)

	// 李红梅 calls at window 2 and finishes it as 承诺件.
	clerk := tab(t, browser, false, 1366, 768, m.URL+"/clerk", false)
	signIn := func() {
		t.Helper()
		if err := chromedp.Do(clerk, chromedp.Navigate(m.URL+"/clerk")); err != nil {
			t.Fatal(err)
		}
		waitJS(t, clerk, "the sign-in form", `!document.getElementById('login').hidden`, 5*time.Second)
		typeInto(t, clerk, "#staff-id", "S03")
		typeInto(t, clerk, "#pin", "240103")
		click(t, clerk, "#login-btn")
		waitJS(t, clerk, "the window choice", `document.querySelector('[data-window="2"]') || !document.getElementById('desk').hidden`, 5*time.Second)
		if evalJS[bool](t, clerk, `document.getElementById('desk').hidden`) {
			click(t, clerk, `[data-window="2"]`)
		}
		waitJS(t, clerk, "the desk", `!document.getElementById('desk').hidden && !document.querySelector('[data-act="next"]').disabled`, 5*time.Second)
	}
	signIn()
	click(t, clerk, `[data-act="next"]`)
	waitJS(t, clerk, "the called number", `document.getElementById('cur-num').textContent === `+quote(number), 5*time.Second)
	click(t, clerk, `[data-act="finish"][data-outcome="promised"]`)
	waitJS(t, clerk, "the intake with the service's checklist", `!document.getElementById('sub-case').hidden && document.querySelectorAll('#sub-case .c-docs input:checked').length === 2`, 5*time.Second)
	typeInto(t, clerk, "#case-name", "王大爷")
	evalJS[bool](t, clerk, `document.querySelectorAll('#sub-case .c-docs input')[1].checked = false; true`) // no 户口本 today
	screenshot(t, clerk, "clerk-case-intake")
	click(t, clerk, "#case-intake-ok")
	waitJS(t, clerk, "the case in the clerk's panel", `(function(){var r=document.querySelector('#my-cases-rows tr'); return r && r.textContent.indexOf(`+quote(number)+`) >= 0 && r.textContent.indexOf('王大爷') >= 0 && r.textContent.indexOf('已受理') >= 0})()`, 5*time.Second)

	waitJS(t, phone, "the phone shows the case", `document.getElementById('t-status').textContent === '已受理' && document.getElementById('tc-due').textContent.indexOf('承诺 11月30日（星期一）前办结') === 0 && document.getElementById('tc-resp').textContent.indexOf('李红梅') >= 0`, 5*time.Second)
	if docs := evalJS[string](t, phone, `document.getElementById('tc-resp').textContent`); !strings.Contains(docs, "已收材料：身份证") || strings.Contains(docs, "户口本") {
		t.Errorf("the phone's documents received: %q", docs)
	}
	screenshot(t, phone, "case-accepted-phone")

	// Friday: due on the next working day, a warning for the clerk and the
	// manager.
	clk.Set(time.Date(2026, 11, 27, 9, 0, 0, 0, shanghai))
	admin := tab(t, browser, true, 1366, 768, m.URL+"/admin", false)
	adminSignIn := func() {
		t.Helper()
		if err := chromedp.Do(admin, chromedp.Navigate(m.URL+"/admin")); err != nil {
			t.Fatal(err)
		}
		waitJS(t, admin, "the admin sign-in", `!document.getElementById('login').hidden`, 5*time.Second)
		typeInto(t, admin, "#password", browserAdminPassword)
		click(t, admin, "#admin-login-btn")
	}
	adminSignIn()
	waitJS(t, admin, "the near-due warning on the floor", `document.querySelector('#case-alarms .a-case-near') && document.querySelector('#case-alarms .a-case-near').textContent.indexOf(`+quote(number)+`) >= 0 && !document.querySelector('#case-alarms .a-case-alarm')`, 5*time.Second)
	signIn() // days later: sessions last 12 hours
	waitJS(t, clerk, "the clerk's near-due warning", `document.querySelector('#case-warn .near') && document.querySelector('#my-cases-rows tr.case-row-near')`, 5*time.Second)
	screenshot(t, clerk, "clerk-case-near-due")

	// Tuesday 12-01: overdue. The alarm stays until the case is closed.
	clk.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, shanghai))
	adminSignIn()
	waitJS(t, admin, "the overdue alarm", `document.querySelector('#case-alarms .a-case-alarm') && document.querySelector('#case-alarms .a-case-alarm').textContent.indexOf(`+quote(number)+`) >= 0`, 5*time.Second)
	screenshot(t, admin, "admin-case-alarm")
	signIn()
	waitJS(t, clerk, "the clerk's overdue warning", `document.querySelector('#case-warn .late') && document.querySelector('#my-cases-rows [data-case-act="ready"]')`, 5*time.Second)
	click(t, clerk, `#my-cases-rows [data-case-act="ready"]`)
	waitJS(t, clerk, "ready in the panel", `document.querySelector('#my-cases-rows .case-state') && document.querySelector('#my-cases-rows .case-state').textContent === '待取件'`, 5*time.Second)

	waitJS(t, phone, "待取件 on the phone", `document.getElementById('t-status').textContent === '已办好，待取件' && document.body.className.indexOf('case-ready') >= 0 && document.getElementById('tc-bring').textContent.indexOf('身份证') >= 0`, 5*time.Second)
	screenshot(t, phone, "case-ready-phone")
	small := tab(t, browser, true, 360, 640, m.URL+"/t/"+token, true)
	waitJS(t, small, "待取件 on a small phone", `document.getElementById('t-status').textContent === '已办好，待取件'`, 5*time.Second)
	screenshot(t, small, "case-ready-phone-360")
	evalJS[bool](t, admin, `yimenAdminCases.reload(); true`)
	waitJS(t, admin, "done late: the alarm is still up", `document.querySelector('#case-alarms .a-case-alarm') && document.querySelector('#case-alarms .a-case-alarm').textContent.indexOf('请结案') >= 0`, 5*time.Second)

	// The villager comes back and types the old number at the kiosk.
	click(t, kiosk, "#pickup-open")
	waitJS(t, kiosk, "the pick-up pad", `!document.getElementById('pickup').hidden && document.querySelectorAll('.k-pad button').length >= 11`, 5*time.Second)
	for _, ch := range number {
		click(t, kiosk, `.k-pad [data-key="`+string(ch)+`"]`)
	}
	screenshot(t, kiosk, "kiosk-pickup-pad")
	click(t, kiosk, "#pickup-go")
	waitJS(t, kiosk, "the pick-up ticket", `!document.getElementById('ticket').hidden && document.getElementById('tk-service').textContent.indexOf('取件') === 0`, 5*time.Second)
	pickup := evalJS[string](t, kiosk, `yimenKiosk.last.number`)
	if !evalJS[bool](t, kiosk, `yimenKiosk.last.priority && yimenKiosk.last.category === 'civil' && yimenKiosk.last.id === '20261201-`+pickup+`'`) || pickup == firstID {
		t.Errorf("pick-up ticket %s: %v", pickup, evalJS[string](t, kiosk, `JSON.stringify(yimenKiosk.last)`))
	}
	screenshot(t, kiosk, "kiosk-pickup-ticket")
	waitJS(t, phone, "the phone names the pick-up number", `document.getElementById('tc-say').textContent.indexOf('您的取件号是 `+pickup+`') >= 0`, 5*time.Second)

	// The pick-up ticket is called first; finishing it hands the case over;
	// closing it clears the alarm.
	click(t, clerk, `[data-act="next"]`)
	waitJS(t, clerk, "the pick-up ticket called", `document.getElementById('cur-num').textContent === `+quote(pickup), 5*time.Second)
	click(t, clerk, `[data-act="finish"][data-outcome="immediate"]`)
	waitJS(t, phone, "已取件 on the phone", `document.getElementById('t-status').textContent === '已取件'`, 5*time.Second)
	evalJS[bool](t, clerk, `yimenCases.reload(); true`)
	waitJS(t, clerk, "the close button", `document.querySelector('#my-cases-rows [data-case-act="close"]')`, 5*time.Second)
	click(t, clerk, `#my-cases-rows [data-case-act="close"]`)
	waitJS(t, clerk, "no open case left", `document.querySelectorAll('#my-cases-rows tr').length === 0`, 5*time.Second)
	evalJS[bool](t, admin, `yimenAdminCases.reload(); true`)
	waitJS(t, admin, "the alarm cleared by closing", `!document.querySelector('#case-alarms .a-case-alarm')`, 5*time.Second)
	for name, page := range map[string]context.Context{"phone": phone, "kiosk": kiosk, "clerk": clerk, "admin": admin} {
		if errs := evalJS[string](t, page, `JSON.stringify(window.yimenErrors)`); errs != "[]" {
			t.Errorf("%s: script errors %s", name, errs)
		}
	}
}

// The manager sets a service's time limit and what to bring on
// /admin/hall; a bad limit is refused on its field, in Chinese.
func TestBrowserServicePromiseSettings(t *testing.T) {
	m := startPagesDaemon(t)
	browser := newBrowser(t)
	admin := adminHallTab(t, browser, m)
	days, bring := `[data-path='services[3].promise_days']`, `[data-path='services[3].bring']`
	waitJS(t, admin, "the pension's settings", `document.querySelector("`+days+`").value === '5' && document.querySelector("`+bring+`").value === '身份证、户口本'`, 5*time.Second)
	evalJS[bool](t, admin, `document.querySelector("`+days+`").value = ''; document.querySelector("`+bring+`").value = ''; true`)
	typeInto(t, admin, days, "999")
	typeInto(t, admin, bring, "身份证、户口本、一卡通")
	click(t, admin, "#save")
	waitJS(t, admin, "the bad limit refused on its field", `!document.getElementById('problems').hidden && document.getElementById('problems').textContent.indexOf('承诺件时限') >= 0 && document.querySelector("`+days+`").classList.contains('h-bad')`, 5*time.Second)
	evalJS[bool](t, admin, `document.querySelector("`+days+`").value = ''; true`)
	typeInto(t, admin, days, "3")
	click(t, admin, "#save")
	savedOK(t, admin)
	screenshot(t, admin, "admin-hall-promise")
	_, hall := apiCall(t, m.URL, "", "GET", "/api/hall", nil)
	svc := hall["services"].([]any)[3].(map[string]any)
	if svc["id"] != "pension" || svc["promise_days"] != 3.0 || len(svc["bring"].([]any)) != 3 {
		t.Errorf("the hall after saving: %v", svc)
	}
}

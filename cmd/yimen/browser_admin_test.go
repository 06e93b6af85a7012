package main

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/firmware-bridge/proto"
)

// shiftClock is the daemon's clock: real time moved to a chosen moment,
// and moved on by whole days when a test wants yesterday.
type shiftClock struct{ offset atomic.Int64 }

func newShiftClock(at time.Time) *shiftClock {
	c := &shiftClock{}
	c.offset.Store(int64(time.Until(at)))
	return c
}

func (c *shiftClock) Now() time.Time       { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *shiftClock) Add(d time.Duration)  { c.offset.Add(int64(d)) }
func (c *shiftClock) edit(m *Main)         { m.Now = c.Now }
func hallState(ctx context.Context) string { return `document.getElementById('h-state').textContent` }
func savedOK(t testing.TB, ctx context.Context) {
	waitJS(t, ctx, "saved", hallState(ctx)+`.indexOf('已保存') === 0`, 10*time.Second)
}

// TestBrowserAdminRunsTheHall is the manager's day on /admin/hall: a new
// service and a new clerk, a PIN reset, hours that exclude now (the kiosk
// refuses and says when it reopens), a cap of 2 (the third ticket is
// refused), a device approved and assigned — all without a restart, the
// lobby and the kiosk following each change with one push. Then the same
// after a restart, and yesterday's ledger keeps yesterday's names.
func TestBrowserAdminRunsTheHall(t *testing.T) {
	// A Friday to come, 10:00 in Shanghai (in the future, so that the
	// browser keeps the session cookie the daemon's clock dates).
	sh, _ := time.LoadLocation("Asia/Shanghai")
	friday := time.Now().In(sh).AddDate(0, 0, 2)
	for friday.Weekday() != time.Friday {
		friday = friday.AddDate(0, 0, 1)
	}
	friday = time.Date(friday.Year(), friday.Month(), friday.Day(), 10, 0, 0, 0, sh)
	monday := friday.AddDate(0, 0, 3)
	reopens := fmt.Sprintf("%d月%d日（星期一）08:30", monday.Month(), monday.Day())
	clock := newShiftClock(friday)
	m := startPagesDaemon(t, clock.edit)
	browser := newBrowser(t)
	kioskTok := pairBrowserKiosk(t, browser, m)

	lobby := tab(t, browser, false, 1920, 1080, m.URL+"/display", false)
	waitJS(t, lobby, "the lobby's snapshot", `window.yimenBoard && yimenBoard.ready`, 10*time.Second)
	kiosk := tab(t, browser, false, 1080, 1920, m.URL+"/kiosk", false)
	waitJS(t, kiosk, "the kiosk's services", `document.querySelectorAll('.svc').length === 20`, 10*time.Second)
	// Marks that a reload would wipe.
	evalJS[bool](t, lobby, `window.__kept = 1; true`)
	evalJS[bool](t, kiosk, `window.__kept = 1; true`)

	admin := tab(t, browser, true, 1366, 768, m.URL+"/admin/hall", false)
	waitJS(t, admin, "the sign-in", `!document.getElementById('login').hidden`, 5*time.Second)
	typeInto(t, admin, "#password", browserAdminPassword)
	click(t, admin, "#login-form button[type=submit]")
	waitJS(t, admin, "the editor", `!document.getElementById('editor').hidden && document.querySelectorAll('#t-services tr').length === 20`, 5*time.Second)
	evalJS[bool](t, admin, `window.confirm = function(){ return true }; window.prompt = function(){ return '' }; true`)
	screenshot(t, admin, "admin-hall-services")

	// A service, left without a category at first: the page says what to fix.
	click(t, admin, "#add-service")
	typeInto(t, admin, "#t-services tr:last-child [data-path='services[20].id']", "deed")
	typeInto(t, admin, "#t-services tr:last-child [data-path='services[20].name']", "宅基地确权")
	typeInto(t, admin, "#t-services tr:last-child [data-path='services[20].icon']", "宅")
	click(t, admin, "#save")
	waitJS(t, admin, "the problem said in Chinese, on the field", `!document.getElementById('problems').hidden && document.getElementById('problems').textContent.indexOf('事项第21行“宅基地确权”的类别：至少勾选一个类别') >= 0 && document.querySelector('[data-path="services[20].categories"]').classList.contains('h-bad')`, 5*time.Second)
	screenshot(t, admin, "admin-hall-problem")
	click(t, admin, "#t-services tr:last-child [data-id='mediate']")
	// And a clerk at window 7, without a PIN: the daemon makes one.
	click(t, admin, `#tabs [data-tab="staff"]`)
	click(t, admin, "#add-staff")
	typeInto(t, admin, "[data-path='staff[14].id']", "S15")
	typeInto(t, admin, "[data-path='staff[14].name']", "钱新")
	click(t, admin, "#t-staff tr:last-child [data-id='7']")
	click(t, admin, "#save")
	savedOK(t, admin)
	waitJS(t, admin, "the new clerk's PIN shown once", `!document.getElementById('shown-pin').hidden && /S15：\d{6}/.test(document.querySelector('.h-pin-value').textContent)`, 5*time.Second)
	pin := evalJS[string](t, admin, `/S15：(\d{6})/.exec(document.querySelector('.h-pin-value').textContent)[1]`)
	screenshot(t, admin, "admin-hall-staff")

	waitJS(t, lobby, "the new clerk on the lobby's whereabouts board, no reload", `window.__kept === 1 && yimenBoard.staff.S15 && document.getElementById('staff').textContent.indexOf('钱新') >= 0`, 5*time.Second)
	waitJS(t, kiosk, "the new service on the kiosk, no reload", `window.__kept === 1 && document.querySelector('[data-service="deed"]')`, 5*time.Second)
	if code, _ := apiCall(t, m.URL, "", "POST", "/api/login", map[string]string{"staff": "S15", "pin": pin}); code != 200 {
		t.Errorf("the new clerk cannot sign in with the PIN shown: %d", code)
	}

	// A notice (办事指南) reaches the kiosk and the lobby at once.
	click(t, admin, `#tabs [data-tab="notices"]`)
	evalJS[bool](t, admin, `var n = document.getElementById('notices'); n.value = '办事指南：办理宅基地确权请带户口本和承包合同'; n.dispatchEvent(new Event('input')); true`)
	click(t, admin, "#save")
	savedOK(t, admin)
	waitJS(t, kiosk, "the notice on the kiosk", `!document.getElementById('notices').hidden && document.getElementById('notices').textContent.indexOf('宅基地确权请带户口本') >= 0`, 5*time.Second)
	waitJS(t, lobby, "the notice on the lobby", `yimenBoard.hall.notices[0].indexOf('宅基地确权请带户口本') >= 0`, 5*time.Second)

	// Reset 李红梅's PIN: the page shows the new one once.
	click(t, admin, `#tabs [data-tab="staff"]`)
	click(t, admin, `#t-staff tr[data-staff="S03"] .h-reset`)
	waitJS(t, admin, "the reset PIN shown", `/^\d{6}$/.test(document.querySelector('.h-pin-value').textContent)`, 5*time.Second)
	newPIN := evalJS[string](t, admin, `document.querySelector('.h-pin-value').textContent`)
	if code, _ := apiCall(t, m.URL, "", "POST", "/api/login", map[string]string{"staff": "S03", "pin": "240103"}); code != 401 {
		t.Errorf("the old PIN still works: %d", code)
	}
	if code, _ := apiCall(t, m.URL, "", "POST", "/api/login", map[string]string{"staff": "S03", "pin": newPIN}); code != 200 {
		t.Errorf("the reset PIN does not work: %d", code)
	}

	// Hours Monday to Thursday: closed now (a Friday).
	click(t, admin, `#tabs [data-tab="hours"]`)
	click(t, admin, "#hours-on")
	for _, d := range []string{"1", "2", "3", "4"} {
		click(t, admin, `#hours-weekdays [data-id="`+d+`"]`)
	}
	click(t, admin, "#save")
	savedOK(t, admin)
	screenshot(t, admin, "admin-hall-hours")
	waitJS(t, kiosk, "the kiosk says, large, when it reopens", `!document.getElementById('issuing').hidden && document.getElementById('issuing').textContent === '现在不取号'+`+quote(reopens+" 开始取号")+` && getComputedStyle(document.querySelector('#issuing .i-title')).fontSize === '96px'`, 5*time.Second)
	waitJS(t, lobby, "the lobby shows 停止取号", `!document.getElementById('issuing').hidden && document.getElementById('issuing').textContent.indexOf('停止取号') === 0`, 5*time.Second)
	screenshot(t, kiosk, "kiosk-closed")
	screenshot(t, lobby, "lobby-closed")
	if code, ans := apiCall(t, m.URL, kioskTok, "POST", "/api/tickets", map[string]any{"service": "pension"}); code != 409 || ans["code"] != "closed" || !strings.HasSuffix(ans["opens_at"].(string), "T08:30:00+08:00") || !strings.Contains(ans["error"].(string), reopens) {
		t.Errorf("a ticket outside hours = %d %v", code, ans)
	}

	// Hours off again, and a cap of 2 on the new service.
	click(t, admin, "#hours-on")
	click(t, admin, `#tabs [data-tab="services"]`)
	typeInto(t, admin, "[data-path='services[20].daily_cap']", "2")
	click(t, admin, "#save")
	savedOK(t, admin)
	waitJS(t, kiosk, "the kiosk open again", `document.getElementById('issuing').hidden`, 5*time.Second)
	for i := 1; i <= 2; i++ {
		click(t, kiosk, `[data-service="deed"]`)
		waitJS(t, kiosk, "a ticket", `!document.getElementById('ticket').hidden`, 5*time.Second)
		click(t, kiosk, "#tk-done")
	}
	click(t, kiosk, `[data-service="deed"]`)
	waitJS(t, kiosk, "the third ticket refused", `!document.getElementById('err').hidden && document.getElementById('err-text').textContent.indexOf('今天的号已取完') >= 0`, 5*time.Second)
	screenshot(t, kiosk, "kiosk-cap")
	click(t, kiosk, "#err-ok")

	// A device: learn mode, the simulator's three devices appear, the
	// manager approves them and puts the LED board over window 3.
	click(t, admin, `#tabs [data-tab="devices"]`)
	click(t, admin, "#learn")
	defer runSimDevices(m)()
	waitJS(t, admin, "three proposals", `document.querySelectorAll('#t-devices .h-approve').length === 3`, 10*time.Second)
	for i := 0; i < 3; i++ {
		click(t, admin, "#t-devices .h-approve")
		waitJS(t, admin, "approved", `document.querySelectorAll('#t-devices .h-approve').length === `+fmt.Sprint(2-i), 10*time.Second)
	}
	evalJS[bool](t, admin, `(function(){ var rows = document.querySelectorAll('#t-devices tr'); for (var i = 0; i < rows.length; i++) { if (rows[i].textContent.indexOf('窗口屏') >= 0) { var s = rows[i].querySelector('.h-assign'); s.value = '3'; s.dispatchEvent(new Event('change')); } } return true })()`)
	devs := listDevices(t, adminClient(t, m.URL, browserAdminPassword))
	waitFor(t, "the LED board assigned to window 3", func() bool {
		devs = listDevices(t, adminClient(t, m.URL, browserAdminPassword))
		for _, d := range devs {
			if d.Kind == proto.KindLEDBoard && d.Window == "3" {
				return true
			}
		}
		return false
	})
	waitJS(t, admin, "the paired kiosk and the printer on the devices tab", `document.getElementById('t-kiosks').textContent.indexOf('测试取号机') >= 0 && /^(正常|未知)/.test(document.getElementById('dev-printer').textContent)`, 10*time.Second)
	waitJS(t, admin, "the open lobby listed among the hall screens", `(function(){ var r = document.querySelector('#t-screens tr[data-screen="lobby"]'); return !!r && r.textContent.indexOf('综合屏') === 0 })()`, 10*time.Second)
	screenshot(t, admin, "admin-hall-devices")
	evalJS[bool](t, admin, `document.getElementById('t-screens').scrollIntoView(); true`)
	screenshot(t, admin, "admin-hall-screens")
	click(t, admin, `#tabs [data-tab="notices"]`)
	click(t, admin, "#printer-test")
	waitJS(t, admin, "a test ticket printed", `document.getElementById('printer-state').textContent.indexOf('测试号票已打印') === 0`, 10*time.Second)

	// The same after a restart.
	m.Close()
	n := startPagesDaemon(t, clock.edit, func(n *Main) { n.DataDir = m.DataDir })
	if code, ans := apiCall(t, n.URL, kioskTok, "POST", "/api/tickets", map[string]any{"service": "deed"}); code != 409 || ans["code"] != "cap_reached" {
		t.Errorf("after a restart, a third ticket of the capped service = %d %v", code, ans)
	}
	for staff, p := range map[string]string{"S15": pin, "S03": newPIN} {
		if code, _ := apiCall(t, n.URL, "", "POST", "/api/login", map[string]string{"staff": staff, "pin": p}); code != 200 {
			t.Errorf("after a restart %s cannot sign in: %d", staff, code)
		}
	}

	// Tomorrow the category is renamed; yesterday's ledger keeps its name.
	clock.Add(24 * time.Hour)
	adm := adminClient(t, n.URL, browserAdminPassword)
	v, doc := hallDoc(t, adm)
	for _, c := range doc["categories"].([]any) {
		if c := c.(map[string]any); c["id"] == "mediate" {
			c["name"] = "矛盾调解"
		}
	}
	if code, ans := adm.do("PUT", "/api/admin/hall", map[string]any{"version": v, "hall": doc}); code != 200 {
		t.Fatalf("rename = %d %v", code, ans)
	}
	ledgerNames := func(day string) string {
		code, l := adm.do("GET", "/api/admin/ledger?day="+day, nil)
		if code != 200 {
			t.Fatalf("ledger %s = %d %v", day, code, l)
		}
		var names []string
		for _, c := range l["categories"].([]any) {
			names = append(names, c.(map[string]any)["name"].(string))
		}
		return strings.Join(names, " ")
	}
	if got := ledgerNames(friday.Format(time.DateOnly)); !strings.Contains(got, "调解信访") || strings.Contains(got, "矛盾调解") {
		t.Errorf("yesterday's ledger categories %q, want 调解信访 (as it was)", got)
	}
	if got := ledgerNames(friday.AddDate(0, 0, 1).Format(time.DateOnly)); !strings.Contains(got, "矛盾调解") {
		t.Errorf("today's ledger categories %q, want 矛盾调解", got)
	}
}

// TestBrowserFloorTickets: on the floor view the manager reprints and
// cancels any open ticket, reprints one by its number, sets a clerk's
// whereabouts, and chooses what happens to the tickets still waiting.
func TestBrowserFloorTickets(t *testing.T) {
	m := startPagesDaemon(t)
	browser := newBrowser(t)
	kioskTok := pairBrowserKiosk(t, browser, m)
	var numbers []string
	for range 3 {
		code, tk := apiCall(t, m.URL, kioskTok, "POST", "/api/tickets", map[string]any{"service": "pension"})
		if code != 201 {
			t.Fatalf("ticket = %d %v", code, tk)
		}
		numbers = append(numbers, tk["number"].(string))
	}
	admin := tab(t, browser, true, 1366, 768, m.URL+"/admin", false)
	waitJS(t, admin, "the sign-in", `!document.getElementById('login').hidden`, 5*time.Second)
	typeInto(t, admin, "#password", browserAdminPassword)
	click(t, admin, "#admin-login-btn")
	waitJS(t, admin, "three open tickets", `document.querySelectorAll('#f-open tr').length === 3`, 10*time.Second)
	evalJS[bool](t, admin, `window.prompt = function(q, d){ return d }; true`)

	click(t, admin, `#f-open tr[data-ticket$="-`+numbers[0]+`"] button`)
	waitJS(t, admin, "reprinted", `document.querySelector('#f-open tr[data-ticket$="-`+numbers[0]+`"]').textContent.indexOf('已补打') >= 0`, 5*time.Second)
	click(t, admin, `#f-open tr[data-ticket$="-`+numbers[1]+`"] button:nth-child(2)`)
	waitJS(t, admin, "the cancelled ticket gone from the list", `document.querySelectorAll('#f-open tr').length === 2 && document.getElementById('f-open').textContent.indexOf(`+quote(numbers[1])+`) < 0`, 10*time.Second)
	typeInto(t, admin, "#f-reprint-number", strings.ToLower(numbers[1]))
	click(t, admin, "#f-reprint")
	waitJS(t, admin, "a cancelled ticket reprinted by its number", `document.getElementById('f-reprint-state').textContent === '已补打'`, 5*time.Second)

	evalJS[bool](t, admin, `document.getElementById('f-staff').value = 'S05'; document.getElementById('f-status').value = 'village'; document.getElementById('f-until').value = '15:00'; true`)
	click(t, admin, "#f-staff-save")
	waitJS(t, admin, "whereabouts saved", `document.getElementById('f-staff-state').textContent.indexOf('已保存') === 0`, 5*time.Second)
	waitJS(t, admin, "the floor's whereabouts board", `document.getElementById('a-staff').textContent.indexOf('下村') >= 0`, 10*time.Second)

	evalJS[bool](t, admin, `document.getElementById('f-waiting').scrollIntoView(); true`)
	screenshot(t, admin, "admin-floor")
	click(t, admin, `[data-close="cancel"]`)
	waitJS(t, admin, "the waiting tickets cancelled with a reason", `document.getElementById('f-close-state').textContent === '已取消 2 个号'`, 5*time.Second)
	waitJS(t, admin, "no open ticket left", `document.querySelectorAll('#f-open tr').length === 0`, 10*time.Second)
}

package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestBrowserTruth walks the situations in which the hall used to tell
// villagers something false, and checks what each screen shows now.
func TestBrowserTruth(t *testing.T) {
	m := startPagesDaemon(t)
	browser := newBrowser(t)
	kioskTok := pairBrowserKiosk(t, browser, m)
	api := &client{t: t, base: m.URL, token: kioskTok}

	lobby := tab(t, browser, false, 1920, 1080, m.URL+"/display", false)
	waitJS(t, lobby, "the lobby", `window.yimenBoard && yimenBoard.ready && document.querySelectorAll('#staff .st').length === 14`, 10*time.Second)
	// Nobody has come in: the staff board says so (未到岗, not 在岗).
	if n := evalJS[int](t, lobby, `document.querySelectorAll('#staff .st-off').length`); n != 14 {
		t.Errorf("%d of 14 staff shown 未到岗 on an empty hall", n)
	}
	if s := evalJS[string](t, lobby, `document.querySelector('#staff .st-status').textContent`); s != "未到岗" {
		t.Errorf("first staff row says %q", s)
	}

	// A line with no open window says so at the kiosk before the tap.
	kiosk := tab(t, browser, false, 1080, 1920, m.URL+"/kiosk", false)
	waitJS(t, kiosk, "the kiosk's counts", `document.querySelectorAll('.svc').length === 20 && document.querySelector('[data-service="agritech"] .svc-count').textContent !== ''`, 10*time.Second)
	if txt := evalJS[string](t, kiosk, `document.querySelector('[data-service="agritech"] .svc-count').textContent`); !strings.Contains(txt, "暂无窗口办理") {
		t.Errorf("agritech's button with no window open says %q", txt)
	}

	// Window 3 (S05, its only window) and window 1 open; numbers wait.
	s05 := api.login("S05", "240105")
	s01 := api.login("S01", "240101")
	s05.do("POST", "/api/windows/3/open", nil)
	s01.do("POST", "/api/windows/1/open", nil)
	for range 2 {
		api.do("POST", "/api/tickets", map[string]any{"service": "medicare"})
		api.do("POST", "/api/tickets", map[string]any{"service": "guide"})
	}

	// What a button says is what its ticket then says.
	ahead := regexp.MustCompile(`前面 (\d+) 人`)
	waitJS(t, kiosk, "medicare's count", `/前面 \d+ 人/.test(document.querySelector('[data-service="medicare"] .svc-count').textContent)`, 5*time.Second)
	shown := ahead.FindStringSubmatch(evalJS[string](t, kiosk, `document.querySelector('[data-service="medicare"] .svc-count').textContent`))
	click(t, kiosk, `[data-service="medicare"]`)
	waitJS(t, kiosk, "the ticket", `!document.getElementById('ticket').hidden`, 5*time.Second)
	got := evalJS[float64](t, kiosk, `yimenKiosk.last.ahead`)
	if shown == nil || shown[1] != strconv.Itoa(int(got)) {
		t.Errorf("medicare's button said %v ahead; the ticket got %v", shown, got)
	}
	if txt := evalJS[string](t, kiosk, `document.getElementById('tk-ahead').textContent`); txt != "前面还有 "+strconv.Itoa(int(got))+" 人" {
		t.Errorf("the ticket screen says %q", txt)
	}
	click(t, kiosk, "#tk-done")

	// The two priority buttons make tickets that say which they are, on
	// the screen and on paper; a line nobody serves gets no estimate.
	adminTok := func() string {
		_, ans := apiCall(t, m.URL, "", "POST", "/api/admin/login", map[string]string{"password": browserAdminPassword})
		return ans["token"].(string)
	}()
	for _, k := range []struct{ prio, service, name string }{{"elder", "pension", "老弱病残孕优先"}, {"green", "agritech", "绿色通道"}} {
		click(t, kiosk, `.prio[data-prio="`+k.prio+`"]`)
		click(t, kiosk, `[data-service="`+k.service+`"]`)
		waitJS(t, kiosk, "the "+k.prio+" ticket", `!document.getElementById('ticket').hidden && yimenKiosk.last && yimenKiosk.last.priority_kind === `+quote(k.prio), 5*time.Second)
		if txt := evalJS[string](t, kiosk, `document.getElementById('tk-prio').textContent`); txt != k.name {
			t.Errorf("%s ticket marked %q, want %q", k.prio, txt, k.name)
		}
		number := evalJS[string](t, kiosk, `yimenKiosk.last.number`)
		_, pr := apiCall(t, m.URL, adminTok, "GET", "/api/admin/printer", nil)
		printed := false
		for _, p := range pr["previews"].([]any) {
			p := p.(map[string]any)
			if p["number"] == number {
				printed = strings.Contains(p["html"].(string), k.name)
			}
		}
		if !printed {
			t.Errorf("the printed %s does not say %s", number, k.name)
		}
		if k.service == "agritech" {
			if txt := evalJS[string](t, kiosk, `document.getElementById('tk-wait').textContent`); !strings.Contains(txt, "暂无窗口办理") {
				t.Errorf("agritech's ticket says %q, want 暂无窗口办理", txt)
			}
			token := evalJS[string](t, kiosk, `yimenKiosk.last.token`)
			phone := tab(t, browser, true, 360, 640, m.URL+"/t/"+token, true)
			waitJS(t, phone, "the phone page without a window", `document.getElementById('t-ahead').textContent.indexOf('暂无窗口办理') >= 0 && document.getElementById('t-prio').textContent === '绿色通道'`, 5*time.Second)
		}
		click(t, kiosk, "#tk-done")
	}

	// Calls at window 1, then window 3: a lobby opened afterwards shows the
	// newest call big and first in its list.
	_, a := s01.do("POST", "/api/windows/1/next", nil)
	_, b := s05.do("POST", "/api/windows/3/next", nil)
	first, second := a["ticket"].(map[string]any)["number"].(string), b["ticket"].(map[string]any)["number"].(string)
	lobby2 := tab(t, browser, true, 1920, 1080, m.URL+"/display", false)
	waitJS(t, lobby2, "the reloaded lobby", `window.yimenBoard && yimenBoard.ready`, 10*time.Second)
	waitJS(t, lobby2, "the newest call in the big box", `document.getElementById('call-num').textContent === `+quote(second)+` && document.getElementById('call-win').textContent === '3号窗口'`, 3*time.Second)
	if txt := evalJS[string](t, lobby2, `document.querySelector('#recent li b').textContent`); txt != second {
		t.Errorf("the recent list starts with %q, want the newest %s", txt, second)
	}

	// The clerk of one window lands on the desk without choosing.
	clerk := clerkTab(t, browser, m, "S05", "240105")
	waitJS(t, clerk, "the desk of window 3, no window choice", `!document.getElementById('desk').hidden && document.getElementById('win-name').textContent === '3号窗口' && document.getElementById('cur-num').textContent === `+quote(second), 5*time.Second)
	waitJS(t, clerk, "the waiting numbers", `document.querySelectorAll('#waiting b').length > 0`, 5*time.Second)
	win3 := tab(t, browser, true, 1280, 720, m.URL+"/display/window/3", false)
	waitJS(t, win3, "window 3's screen", `document.getElementById('w-num').textContent === `+quote(second), 5*time.Second)

	// The clerk goes 下村, typing the return time with a Chinese input
	// method: nobody is left called to the empty window.
	evalJS[bool](t, clerk, `document.getElementById('st-status').value = 'village'; true`)
	typeInto(t, clerk, "#st-until", "16：30")
	typeInto(t, clerk, "#st-note", "去东村走访")
	click(t, clerk, `#status-form button[type=submit]`)
	waitJS(t, lobby2, "the big box back to the call still standing", `document.getElementById('call-num').textContent === `+quote(first)+` && document.getElementById('call-win').textContent === '1号窗口'`, 5*time.Second)
	if evalJS[bool](t, lobby2, `Array.prototype.some.call(document.querySelectorAll('#recent li'), function(li){ return li.style.visibility !== 'hidden' && li.querySelector('b').textContent === `+quote(second)+` })`) {
		t.Errorf("the lobby's list still calls %s", second)
	}
	waitJS(t, lobby2, "window 3's tile empty", `!Array.prototype.some.call(document.querySelectorAll('#tiles .tile-num'), function(e){ return e.textContent === `+quote(second)+` })`, 3*time.Second)
	waitJS(t, win3, "window 3's screen empty", `document.getElementById('w-num').textContent === '—'`, 3*time.Second)
	waitJS(t, clerk, "the clerk's desk empty", `document.getElementById('cur-num').textContent === '—'`, 3*time.Second)
	waitJS(t, lobby2, "the board: 下村 until 16:30 with the note", `Array.prototype.some.call(document.querySelectorAll('#staff .st-village'), function(r){ return r.textContent.indexOf('刘芳') >= 0 && r.textContent.indexOf('16:30回') >= 0 && r.textContent.indexOf('去东村走访') >= 0 })`, 3*time.Second)
	if v := evalJS[string](t, clerk, `document.getElementById('st-until').value`); v != "16:30" {
		t.Errorf("the return time field reads %q after saving, want 16:30", v)
	}
	screenshot(t, lobby2, "truth-lobby-returned")

	// A live call goes to the big box and the top of the list.
	_, c := s01.do("POST", "/api/windows/1/next", nil)
	third := c["ticket"].(map[string]any)["number"].(string)
	waitJS(t, lobby2, "the live call", `document.getElementById('call-num').textContent === `+quote(third)+` && document.querySelector('#recent li b').textContent === `+quote(third), 3*time.Second)

	// Back on duty, the clerk calls (the returned number first), starts
	// serving and finishes.
	evalJS[bool](t, clerk, `document.getElementById('st-status').value = 'on_duty'; true`)
	click(t, clerk, `#status-form button[type=submit]`)
	waitJS(t, clerk, "the call key ready", `!document.querySelector('[data-act="next"]').disabled`, 5*time.Second)
	click(t, clerk, `[data-act="next"]`)
	waitJS(t, clerk, "the returned number called again", `document.getElementById('cur-num').textContent === `+quote(second)+` && !document.querySelector('[data-act="start"]').disabled`, 5*time.Second)
	click(t, clerk, `[data-act="start"]`)
	waitJS(t, clerk, "serving", `document.getElementById('cur-info').textContent.indexOf('办理中') >= 0 && document.querySelector('[data-act="start"]').disabled`, 5*time.Second)
	screenshot(t, clerk, "truth-clerk-serving")

	// A transferred ticket's phone page shows its new line, then its window.
	_, tr := api.do("POST", "/api/tickets", map[string]any{"service": "guide"})
	s01.do("POST", "/api/windows/1/next", nil)
	for {
		_, st := s01.do("GET", "/api/windows/1", nil)
		if tk, _ := st["ticket"].(map[string]any); tk != nil && tk["number"] == tr["number"] {
			break
		}
		if code, _ := s01.do("POST", "/api/windows/1/next", nil); code == 204 {
			t.Fatalf("ticket %v never called at window 1", tr["number"])
		}
	}
	if code, ans := s01.do("POST", "/api/windows/1/transfer", map[string]string{"category": "health"}); code != 200 {
		t.Fatalf("transfer: %d %v", code, ans)
	}
	phone := tab(t, browser, true, 390, 844, m.URL+"/t/"+tr["token"].(string), true)
	waitJS(t, phone, "the transferred ticket's new line", `document.getElementById('t-status').textContent.indexOf('已转到卫生计生') === 0 && document.getElementById('t-from').textContent.indexOf('综合咨询') >= 0 && document.getElementById('t-ahead').textContent.indexOf('前面') === 0`, 5*time.Second)
	screenshot(t, phone, "truth-ticket-transferred")
	s09 := api.login("S09", "240109")
	s09.do("POST", "/api/windows/6/open", nil)
	for {
		code, ans := s09.do("POST", "/api/windows/6/next", nil)
		if code == 204 {
			t.Fatalf("ticket %v never called at window 6", tr["number"])
		}
		if ans["ticket"].(map[string]any)["number"] == tr["number"] {
			break
		}
	}
	waitJS(t, phone, "the transferred ticket called", `document.getElementById('t-status').textContent === '请到 6号窗口 办理'`, 5*time.Second)
}

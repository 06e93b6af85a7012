package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/yimen-hall/yimen/queue/queuetest"
)

// The screen-size tests open every page at the sizes halls use and check
// what its user must see: each key element's box inside the viewport (no
// scrolling to reach it) and no key text cut or spilling out of its box.

// viewport is one screen size.
type viewport struct {
	w, h   int64
	mobile bool
}

func (v viewport) String() string { return fmt.Sprintf("%dx%d", v.w, v.h) }

// fitCheck lists what must fit on a page.
type fitCheck struct {
	// inside: every element matching is inside the viewport.
	inside []string
	// whole: no element matching has text cut (overflowing its box).
	whole []string
	// lines: elements that must take at most that many lines.
	lines map[string]int
}

// checkFit answers the problems found, one line each.
func checkFit(t testing.TB, ctx context.Context, c fitCheck) []string {
	t.Helper()
	arg, _ := json.Marshal(map[string]any{"inside": c.inside, "whole": c.whole, "lines": c.lines})
	return evalJS[[]string](t, ctx, `(function(c){
		var out = [], W = document.documentElement.clientWidth, H = document.documentElement.clientHeight;
		function shown(e) { var r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; }
		function name(sel, e) { return sel + ' "' + (e.textContent || '').replace(/\s+/g, ' ').slice(0, 24) + '"'; }
		(c.inside || []).forEach(function (sel) {
			var els = document.querySelectorAll(sel), n = 0;
			Array.prototype.forEach.call(els, function (e) {
				if (!shown(e)) { return; }
				n++;
				var r = e.getBoundingClientRect();
				if (r.left < -1 || r.top < -1 || r.right > W + 1 || r.bottom > H + 1) {
					out.push(name(sel, e) + ' outside the ' + W + 'x' + H + ' viewport at [' + [r.left, r.top, r.right, r.bottom].map(Math.round).join(',') + ']');
					return;
				}
				// Inside the viewport is not enough: a box that clips
				// (overflow hidden or scrolling) may hide it.
				for (var p = e.parentElement; p && p !== document.body; p = p.parentElement) {
					if (getComputedStyle(p).overflow === 'visible') { continue; }
					var q = p.getBoundingClientRect();
					if (r.top < q.top - 1 || r.bottom > q.bottom + 1 || r.left < q.left - 1 || r.right > q.right + 1) {
						out.push(name(sel, e) + ' hidden by its container ' + p.tagName.toLowerCase() + '.' + p.className + ' at [' + [r.top, r.bottom].map(Math.round).join(',') + '] of [' + [q.top, q.bottom].map(Math.round).join(',') + ']');
						return;
					}
				}
				// And nothing else covers it (a footer, an overlay).
				var cx = Math.min(Math.max((r.left + r.right) / 2, 0), W - 1), cy = Math.min(Math.max((r.top + r.bottom) / 2, 0), H - 1);
				var top = document.elementFromPoint(cx, cy);
				if (top && top !== e && !e.contains(top) && !top.contains(e)) {
					out.push(name(sel, e) + ' covered by ' + top.tagName.toLowerCase() + '.' + top.className);
				}
			});
			if (!n) { out.push('nothing shown for ' + sel); }
		});
		(c.whole || []).forEach(function (sel) {
			Array.prototype.forEach.call(document.querySelectorAll(sel), function (e) {
				if (!shown(e)) { return; }
				// Tall CJK glyphs may reach a little past a tight line box:
				// only more than a third of the font size is a cut.
				var slack = parseFloat(getComputedStyle(e).fontSize) / 3;
				// A list that scrolls on purpose is only checked sideways.
				var oy = getComputedStyle(e).overflowY, scrolls = oy === 'auto' || oy === 'scroll';
				if (e.scrollWidth > e.clientWidth + 1 || (!scrolls && e.scrollHeight > e.clientHeight + slack)) {
					out.push(name(sel, e) + ' cut: content ' + e.scrollWidth + 'x' + e.scrollHeight + ' in ' + e.clientWidth + 'x' + e.clientHeight);
				}
			});
		});
		Object.keys(c.lines || {}).forEach(function (sel) {
			Array.prototype.forEach.call(document.querySelectorAll(sel), function (e) {
				if (!shown(e)) { return; }
				var lh = parseFloat(getComputedStyle(e).lineHeight), n = Math.round(e.getBoundingClientRect().height / lh);
				if (n > c.lines[sel]) { out.push(name(sel, e) + ' takes ' + n + ' lines, want at most ' + c.lines[sel]); }
			});
		});
		if (document.scrollingElement.scrollWidth > W + 1) { out.push('the page scrolls sideways: ' + document.scrollingElement.scrollWidth + ' > ' + W); }
		return out;
	})(`+string(arg)+`)`)
}

// fitAt resizes a tab, waits for the page to settle, checks the fit and
// saves a screenshot named page-WxH.
func fitAt(t *testing.T, ctx context.Context, page string, v viewport, ready string, c fitCheck) {
	t.Helper()
	if err := emulate(ctx, v); err != nil {
		t.Fatalf("%s at %s: %v", page, v, err)
	}
	waitJS(t, ctx, page+" ready at "+v.String(), ready, 10*time.Second)
	// Layout settles after a resize within the next frames.
	evalJS[bool](t, ctx, `window.__laid = false; requestAnimationFrame(function(){ requestAnimationFrame(function(){ window.__laid = true }) }); true`)
	waitJS(t, ctx, "layout after the resize", `window.__laid`, 5*time.Second)
	if probs := checkFit(t, ctx, c); len(probs) > 0 {
		t.Errorf("%s at %s:\n  %s", page, v, strings.Join(probs, "\n  "))
	}
	screenshot(t, ctx, page+"-"+v.String())
}

func emulate(ctx context.Context, v viewport) error {
	var opts []chromedp.EmulateViewportOption
	if v.mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateScale(2))
	}
	return chromedp.Do(ctx, chromedp.EmulateViewport(v.w, v.h, opts...))
}

// busyHall puts the demo hall in the middle of a morning: six windows
// open (5 and 7 not: 农业服务 has no open window), calls at most, one
// paused, clerks away with notes and return times, 30 tickets.
func busyHall(t *testing.T, m *Main) (tokens map[string]string) {
	t.Helper()
	api := &client{t: t, base: m.URL, token: kioskToken(t, m.URL, browserAdminPassword)}
	clerks := map[string]*client{}
	for _, s := range []struct{ staff, pin, window string }{
		{"S01", "240101", "1"}, {"S04", "240104", "2"}, {"S05", "240105", "3"},
		{"S06", "240106", "4"}, {"S09", "240109", "6"}, {"S13", "240113", "8"},
	} {
		c := api.login(s.staff, s.pin)
		clerks[s.window] = c
		if code, ans := c.do("POST", "/api/windows/"+s.window+"/open", nil); code != 200 {
			t.Fatalf("open %s: %d %v", s.window, code, ans)
		}
	}
	tokens = map[string]string{}
	services := []string{"medicare", "pension", "guide", "housing", "birth", "dispute", "relief", "lowincome", "certificate", "agritech"}
	for i := range 30 {
		body := map[string]any{"service": services[i%len(services)]}
		switch i % 7 {
		case 3:
			body["priority_kind"] = "elder"
		case 5:
			body["priority_kind"] = "green"
		}
		code, tk := api.do("POST", "/api/tickets", body)
		if code != 201 {
			t.Fatalf("ticket %d: %d %v", i, code, tk)
		}
		tokens[tk["number"].(string)] = tk["token"].(string)
	}
	for _, w := range []string{"1", "2", "3", "4", "6", "8"} {
		if code, ans := clerks[w].do("POST", "/api/windows/"+w+"/next", nil); code != 200 {
			t.Fatalf("next at %s: %d %v", w, code, ans)
		}
	}
	clerks["3"].do("POST", "/api/windows/3/start", nil)
	clerks["4"].do("POST", "/api/windows/4/no-show", nil)
	clerks["4"].do("POST", "/api/windows/4/pause", map[string]string{"reason": "整理材料"})
	for _, s := range []struct{ staff, pin, status, note, until string }{
		{"S11", "240111", "village", "去东村走访贫困户", "16:30"},
		{"S07", "240107", "meeting", "镇里开会", "11:00"},
		{"S12", "240112", "leave", "病假", ""},
		{"S10", "240110", "break", "", "14:00"},
		{"S14", "240114", "out", "县里送材料", "15:30"},
	} {
		c := api.login(s.staff, s.pin)
		if code, ans := c.do("PUT", "/api/staff/"+s.staff+"/status", map[string]string{"status": s.status, "note": s.note, "until": s.until}); code != 200 {
			t.Fatalf("status of %s: %d %v", s.staff, code, ans)
		}
	}
	return tokens
}

var (
	kioskSizes   = []viewport{{1080, 1920, false}, {1920, 1080, false}, {1280, 800, false}}
	lobbySizes   = []viewport{{1920, 1080, false}, {1366, 768, false}, {3840, 2160, false}}
	clerkSizes   = []viewport{{1366, 768, false}, {1280, 1024, false}}
	phoneSizes   = []viewport{{360, 640, true}, {390, 844, true}}
	managerSizes = []viewport{{1366, 768, false}}
)

func TestBrowserScreenSizes(t *testing.T) {
	// A Monday morning, so that an appointment can be checked in and
	// called at its slot.
	clk := queuetest.NewClock(time.Date(2026, 11, 23, 9, 20, 0, 0, shanghai))
	m := startPagesDaemon(t, func(m *Main) { m.Now = clk.Now })
	browser := newBrowser(t)
	kioskCred := pairBrowserKiosk(t, browser, m)
	tokens := busyHall(t, m)

	t.Run("kiosk", func(t *testing.T) {
		kiosk := tab(t, browser, false, 1080, 1920, m.URL+"/kiosk", false)
		ready := `document.querySelectorAll('.svc').length === 20 && document.querySelector('.svc-count').textContent !== ''`
		for _, v := range kioskSizes {
			fitAt(t, kiosk, "kiosk", v, ready, fitCheck{
				inside: []string{".svc", ".prio", "#hint"},
				whole:  []string{".svc-name", ".svc-count", ".prio"},
				lines:  map[string]int{".svc-name": 2},
			})
			// A ticket for a line nobody serves, 绿色通道.
			click(t, kiosk, `.prio[data-prio="green"]`)
			click(t, kiosk, `[data-service="agritech"]`)
			fitAt(t, kiosk, "kiosk-ticket", v, `!document.getElementById('ticket').hidden && document.getElementById('tk-qr').complete`, fitCheck{
				inside: []string{"#tk-number", "#tk-prio", "#tk-ahead", "#tk-qr", "#tk-print", "#tk-done"},
				whole:  []string{"#tk-number", "#tk-prio", "#tk-ahead", "#tk-service"},
			})
			click(t, kiosk, "#tk-done")
		}
	})

	t.Run("lobby", func(t *testing.T) {
		// The last call is a 预约 one: checked in, then called at its slot
		// by its number at window 3; its badge must show at every size.
		admin := adminClient(t, m.URL, browserAdminPassword)
		code, appt := admin.do("POST", "/api/appointments", map[string]string{"service": "pension", "day": "2026-11-23", "slot": "09:30", "name": "王大爷", "phone": "13800001234"})
		if code != 201 {
			t.Fatalf("book: %d %v", code, appt)
		}
		code, tk := apiCall(t, m.URL, kioskCred, "POST", "/api/tickets", map[string]any{"appointment": appt["code"]})
		if code != 201 {
			t.Fatalf("check-in: %d %v", code, tk)
		}
		clk.Set(time.Date(2026, 11, 23, 9, 30, 0, 0, shanghai))
		clerk := (&client{t: t, base: m.URL}).login("S05", "240105")
		if code, ans := clerk.do("POST", "/api/windows/3/call", map[string]any{"number": tk["number"]}); code != 200 {
			t.Fatalf("call %v: %d %v", tk["number"], code, ans)
		}
		lobby := tab(t, browser, true, 1920, 1080, m.URL+"/display", false)
		ready := `window.yimenBoard && yimenBoard.ready && document.querySelectorAll('#tiles .tile').length === 8 && document.getElementById('call-num').textContent === ` + quote(tk["number"].(string)) + ` && !document.getElementById('call-appt').hidden`
		for _, v := range lobbySizes {
			fitAt(t, lobby, "lobby", v, ready, fitCheck{
				inside: []string{"#call", "#call-appt", "#tiles .tile", "#queues tr", "#recent li", "#staff .st", ".d-foot"},
				whole:  []string{"#call-num", "#call-appt", "#call-win", ".tile-name", ".tile-num", ".tile-state", "#queues td", "#recent li", ".st-name", ".st-win", ".st-status", ".st-until", ".st-note"},
			})
			if w := evalJS[float64](t, lobby, `document.getElementById('call-appt').getBoundingClientRect().width`); w == 0 {
				t.Errorf("lobby at %s: the 预约 badge has no width", v)
			}
		}
	})

	t.Run("clerk", func(t *testing.T) {
		clerk := tab(t, browser, true, 1366, 768, m.URL+"/clerk", false)
		waitJS(t, clerk, "the sign-in form", `!document.getElementById('login').hidden`, 5*time.Second)
		typeInto(t, clerk, "#staff-id", "S05")
		typeInto(t, clerk, "#pin", "240105")
		click(t, clerk, "#login-btn")
		ready := `!document.getElementById('desk').hidden && document.getElementById('cur-num').textContent !== '—'`
		for _, v := range clerkSizes {
			fitAt(t, clerk, "clerk", v, ready, fitCheck{
				inside: []string{"[data-act]", "#cur-num", "#cur-info", "#my-queues tr", "#waiting", "#st-status", "#st-until", "#st-note", "#status-form button", "#logout"},
				whole:  []string{"#cur-num", "#cur-info", "[data-act]", "#my-queues td"},
			})
		}
	})

	t.Run("phone", func(t *testing.T) {
		for _, number := range []string{"A001", "E001"} {
			phone := tab(t, browser, true, 360, 640, m.URL+"/t/"+tokens[number], true)
			for _, v := range phoneSizes {
				fitAt(t, phone, "ticket-"+number, v, `document.getElementById('t-status').textContent !== '正在查询…'`, fitCheck{
					inside: []string{"#t-num", "#t-status", "#t-ahead"},
					whole:  []string{"#t-num", "#t-status", "#t-ahead"},
				})
			}
		}
	})

	t.Run("admin", func(t *testing.T) {
		admin := tab(t, browser, true, 1366, 768, m.URL+"/admin", false)
		waitJS(t, admin, "the admin sign-in", `!document.getElementById('login').hidden`, 5*time.Second)
		typeInto(t, admin, "#password", browserAdminPassword)
		click(t, admin, "#admin-login-btn")
		for _, v := range managerSizes {
			fitAt(t, admin, "admin", v, `!document.getElementById('floor').hidden && document.querySelectorAll('#a-windows tr').length === 8 && document.querySelectorAll('#a-open tr').length > 0`, fitCheck{
				inside: []string{"#a-windows tr", "#a-queues tr", "#a-staff tr", "#a-open"},
				whole:  []string{"#a-windows td", "#a-queues td", "#a-staff td", "#a-open"},
			})
		}
	})
}

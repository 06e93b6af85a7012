package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser tests drive the real daemon's pages in Debian's chromium:
// a villager takes a ticket at the kiosk, a clerk calls it, the lobby, the
// window screen and the phone's ticket page follow. They save a screenshot
// of each page into $YIMEN_SCREENSHOTS (default ../../ci-artifacts/screenshots).

const chromiumPath = "/usr/bin/chromium"

const browserAdminPassword = "browser-admin-pw"

// startPagesDaemon runs the whole daemon in-process on a free port.
func startPagesDaemon(t testing.TB, edit ...func(*Main)) *Main {
	t.Helper()
	m := NewMain(io.Discard)
	m.Addr, m.DataDir, m.AdminPassword, m.IssueRate = "127.0.0.1:0", t.TempDir(), browserAdminPassword, 0
	for _, e := range edit {
		e(m)
	}
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// newBrowser starts chromium with the flags the hall's machines use in tests.
func newBrowser(t testing.TB) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser tests need %s (apt-get install chromium fonts-noto-cjk): %v", chromiumPath, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		// Every tab is on a screen in the hall: none may be throttled.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("enable-precise-memory-info", true),
		// Pages glide to their next step; a click aimed while the page
		// still moves (slowly, on a loaded machine) lands on the wrong row.
		chromedp.Flag("force-prefers-reduced-motion", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1920, 1080),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		cancel()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return ctx
}

// tab opens a new tab (in a fresh browser context when isolated: its own
// cookies and cache) with the given viewport, at url.
func tab(t testing.TB, browser context.Context, isolated bool, w, h int64, url string, mobile bool) context.Context {
	t.Helper()
	var opts []chromedp.ContextOption
	if isolated {
		opts = append(opts, chromedp.WithNewBrowserContext())
	}
	ctx, cancel := chromedp.NewContext(browser, opts...)
	t.Cleanup(cancel)
	var vopts []chromedp.EmulateViewportOption
	if mobile {
		vopts = append(vopts, chromedp.EmulateMobile, chromedp.EmulateScale(3))
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, h, vopts...), chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	return ctx
}

// evalJS evaluates a JavaScript expression in a tab.
func evalJS[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitJS waits until a JavaScript expression is truthy.
func waitJS(t testing.TB, ctx context.Context, what, expr string, timeout time.Duration) {
	t.Helper()
	// timeout is what a quiet machine needs; CI shares two cores between
	// Chromium, the daemon and -race, so never wait less than patience.
	// A passing wait returns as soon as the page shows expr.
	timeout = max(timeout, patience)
	deadline := time.Now().Add(timeout)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			diag, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify({errors: window.yimenErrors, board: window.yimenBoard && {ready: yimenBoard.ready, seq: yimenBoard.seq, connected: yimenBoard.connected}, text: document.body.innerText.slice(0, 300)})`))
			t.Fatalf("timed out after %v waiting for %s (%s), err %v; page: %s", timeout, what, expr, err, diag)
		}
		time.Sleep(15 * time.Millisecond)
	}
}

func click(t testing.TB, ctx context.Context, css string) {
	t.Helper()
	// A page that redraws a list between finding a button and clicking it
	// detaches the node found; a person would click the redrawn button, so
	// find it again.
	deadline := time.Now().Add(patience)
	for {
		// A button that never shows (a hidden tab) fails the test within
		// patience instead of holding it until the package times out.
		cctx, cancel := context.WithDeadline(ctx, deadline)
		err := chromedp.Do(cctx, chromedp.Click(chromedp.CSS(css), chromedp.NodeVisible))
		cancel()
		if err == nil {
			return
		}
		stale := strings.Contains(err.Error(), "Could not find node") || strings.Contains(err.Error(), "detached")
		if !stale || time.Now().After(deadline) {
			t.Fatalf("click %s: %v", css, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func typeInto(t testing.TB, ctx context.Context, css, text string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(css), text, chromedp.NodeVisible)); err != nil {
		t.Fatalf("type into %s: %v", css, err)
	}
}

func screenshotDir(t testing.TB) string {
	dir := os.Getenv("YIMEN_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "ci-artifacts", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("screenshot folder: %v", err)
	}
	return dir
}

func screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(screenshotDir(t), name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", path)
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// apiCall is a small JSON client for set-up steps the test does not drive
// through a page.
func apiCall(t testing.TB, base, token, method, path string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	if method != "GET" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var out map[string]any
	data, _ := io.ReadAll(resp.Body)
	json.Unmarshal(data, &out)
	return resp.StatusCode, out
}

// pairBrowserKiosk pairs a kiosk for a pages daemon and gives the
// browser's shared (non-isolated) tabs its cookie, as approving the kiosk
// screen on /admin would; it returns the credential for API calls.
func pairBrowserKiosk(t testing.TB, browser context.Context, m *Main) string {
	t.Helper()
	token := kioskToken(t, m.URL, browserAdminPassword)
	httpOnly := true
	_, err := chromedp.Call(browser, network.SetCookie, network.SetCookieParams{Name: "yimen_kiosk", Value: token, URL: m.URL, HTTPOnly: &httpOnly})
	if err != nil {
		t.Fatalf("give the browser the kiosk cookie: %v", err)
	}
	return token
}

func TestBrowserPages(t *testing.T) {
	start := time.Now()
	m := startPagesDaemon(t)
	browser := newBrowser(t)
	kioskTok := pairBrowserKiosk(t, browser, m)

	// The lobby, the window screen above window 3, and the kiosk.
	lobby := tab(t, browser, false, 1920, 1080, m.URL+"/display", false)
	waitJS(t, lobby, "the lobby's first snapshot", `window.yimenBoard && yimenBoard.ready && document.querySelectorAll('#tiles .tile').length === 8`, 10*time.Second)
	waitJS(t, lobby, "voice allowed without a tap (autoplay flag)", `yimenVoice.ready && document.getElementById('unlock').hidden`, 5*time.Second)
	win3 := tab(t, browser, false, 1920, 1080, m.URL+"/display/window/3", false)
	waitJS(t, win3, "the window screen's snapshot", `window.yimenBoard && yimenBoard.ready`, 10*time.Second)

	kiosk := tab(t, browser, false, 1920, 1080, m.URL+"/kiosk", false)
	waitJS(t, kiosk, "the kiosk's services with counts", `document.querySelectorAll('.svc').length === 20 && document.querySelector('.svc-count').textContent !== ''`, 10*time.Second)
	if lang := evalJS[string](t, kiosk, `document.documentElement.lang`); lang != "zh-CN" {
		t.Errorf("kiosk lang = %q", lang)
	}
	screenshot(t, kiosk, "kiosk")

	// A villager taps 新农合报销 (twice, quickly: one ticket only).
	evalJS[bool](t, kiosk, `(function(){var b=document.querySelector('[data-service="medicare"]'); b.click(); b.click(); return true})()`)
	waitJS(t, kiosk, "the ticket on the kiosk's screen", `!document.getElementById('ticket').hidden`, 5*time.Second)
	number := evalJS[string](t, kiosk, `yimenKiosk.last.number`)
	token := evalJS[string](t, kiosk, `yimenKiosk.last.token`)
	if shown := evalJS[string](t, kiosk, `document.getElementById('tk-number').textContent`); shown != number || !strings.HasPrefix(number, "B") && !strings.HasPrefix(number, "D") {
		t.Fatalf("kiosk shows %q for ticket %q", shown, number)
	}
	waitJS(t, kiosk, "the QR code image", `document.getElementById('tk-qr').complete && document.getElementById('tk-qr').naturalWidth > 100`, 5*time.Second)
	if txt := evalJS[string](t, kiosk, `document.getElementById('tk-print').textContent`); !strings.Contains(txt, "已打印") {
		t.Errorf("print line = %q, want 已打印 (sim printer)", txt)
	}
	screenshot(t, kiosk, "kiosk-ticket")
	if code, _ := apiCall(t, m.URL, "", "GET", "/api/tickets/"+token, nil); code != 200 {
		t.Fatalf("the kiosk's token does not answer: %d", code)
	}
	waitJS(t, lobby, "one waiting ticket on the lobby", `(function(){var q=yimenBoard.queues; return q.civil.waiting + q.health.waiting === 1})()`, 3*time.Second)

	// The villager's phone opens the QR code's page.
	phone := tab(t, browser, true, 390, 844, m.URL+"/t/"+token, true)
	waitJS(t, phone, "the ticket page", `document.getElementById('t-status').textContent === '等候中'`, 5*time.Second)
	screenshot(t, phone, "ticket-waiting")

	// A clerk signs in at window 3 and calls.
	clerk := tab(t, browser, false, 1920, 1080, m.URL+"/clerk", false)
	waitJS(t, clerk, "the sign-in form", `!document.getElementById('login').hidden`, 5*time.Second)
	typeInto(t, clerk, "#staff-id", "S03")
	typeInto(t, clerk, "#pin", "000000")
	click(t, clerk, "#login-btn")
	waitJS(t, clerk, "a wrong PIN's error in Chinese", `!document.getElementById('error').hidden && document.getElementById('error').textContent.indexOf('不正确') >= 0`, 5*time.Second)
	evalJS[bool](t, clerk, `document.getElementById('pin').value = ''; true`)
	typeInto(t, clerk, "#pin", "240103")
	click(t, clerk, "#login-btn")
	waitJS(t, clerk, "the window choice", `!document.getElementById('pick').hidden && document.querySelector('[data-window="3"]')`, 5*time.Second)
	click(t, clerk, `[data-window="3"]`)
	waitJS(t, clerk, "the desk", `!document.getElementById('desk').hidden && !document.querySelector('[data-act="next"]').disabled`, 5*time.Second)
	evalJS[bool](t, lobby, `window.__seen = null; new MutationObserver(function(){ if (!window.__seen && document.getElementById('call-num').textContent === `+quote(number)+`) window.__seen = performance.timeOrigin + performance.now(); }).observe(document.getElementById('call'), {subtree:true, childList:true, characterData:true}); true`)
	// The keyboard shortcut 1 calls the next number.
	if err := chromedp.Do(clerk, chromedp.KeyEvent("1")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, clerk, "the called number at the desk", `document.getElementById('cur-num').textContent === `+quote(number), 5*time.Second)
	clickedAt := evalJS[float64](t, clerk, `yimenClerk.lastAction.at`)

	// Within a second: the lobby, the window screen, the voice queue, the phone.
	waitJS(t, lobby, "the call on the lobby", `window.__seen && document.getElementById('call-win').textContent === '3号窗口'`, 2*time.Second)
	seenAt := evalJS[float64](t, lobby, `window.__seen`)
	if d := seenAt - clickedAt; d > 1000 {
		t.Errorf("the lobby showed the call %.0f ms after the clerk's key, want < 1000", d)
	} else {
		t.Logf("clerk key → lobby DOM: %.1f ms", d)
	}
	want := "请 " + number + " 号 到 3 号窗口 办理"
	waitJS(t, lobby, "the announcement queued", `(yimenVoice.current && yimenVoice.current.text === `+quote(want)+`) || yimenVoice.queue.some(function(a){return a.text === `+quote(want)+`}) || yimenVoice.played.indexOf(`+quote(want)+`) >= 0`, time.Second)
	waitJS(t, lobby, "the tile of window 3", `document.querySelector('#tiles .tile-called .tile-num') && document.querySelector('#tiles .tile-called .tile-num').textContent === `+quote(number), time.Second)
	waitJS(t, win3, "the window screen", `document.getElementById('w-num').textContent === `+quote(number), time.Second)
	waitJS(t, phone, "the phone says go to window 3", `document.getElementById('t-status').textContent.indexOf('请到 3号窗口') === 0 && document.body.className.indexOf('st-called') >= 0`, 2*time.Second)
	screenshot(t, phone, "ticket-called")
	screenshot(t, clerk, "clerk")
	screenshot(t, win3, "window")

	// A recall is announced again, "再次".
	click(t, clerk, `[data-act="recall"]`)
	waitJS(t, lobby, "the recall announced", `(function(){var w=`+quote("再次 "+want)+`; return (yimenVoice.current && yimenVoice.current.text===w) || yimenVoice.queue.some(function(a){return a.text===w}) || yimenVoice.played.indexOf(w)>=0})()`, 2*time.Second)
	// A call carries only itself: the lobby keeps the recent list, newest first.
	waitJS(t, lobby, "the recent calls kept from the calls", `yimenBoard.recent.length === 2 && yimenBoard.recent[0].number === `+quote(number)+` && yimenBoard.recent[0].recall && !yimenBoard.recent[1].recall && document.getElementById('recent').textContent.indexOf(`+quote(number)+`) >= 0`, 2*time.Second)
	// The first announcement is played out in full, never cut short.
	waitJS(t, lobby, "the first announcement played", `yimenVoice.played.indexOf(`+quote(want)+`) >= 0`, 10*time.Second)
	if errs := evalJS[int](t, lobby, `yimenVoice.errors`); errs != 0 {
		t.Errorf("voice: %d clips failed to load or decode", errs)
	}
	screenshot(t, lobby, "lobby")

	// The clerk pauses with a reason: the window screen says so.
	click(t, clerk, `[data-act="finish"][data-outcome="immediate"]`)
	waitJS(t, clerk, "finished", `document.getElementById('cur-num').textContent === '—'`, 3*time.Second)
	click(t, clerk, `[data-act="pause"]`)
	click(t, clerk, `[data-reason="接电话"]`)
	waitJS(t, win3, "paused on the window screen", `document.getElementById('w-num').textContent === '暂停服务' && document.getElementById('w-state').textContent.indexOf('接电话') >= 0`, 2*time.Second)
	screenshot(t, win3, "window-paused")
	waitJS(t, phone, "the phone says finished", `document.getElementById('t-status').textContent === '已办结'`, 3*time.Second)

	// The clerk's whereabouts reach the lobby's board.
	evalJS[bool](t, clerk, `document.getElementById('st-status').value='meeting'; document.getElementById('st-until').value='15:30'; document.getElementById('st-note').value='镇里开会'; true`)
	click(t, clerk, `#status-form button[type=submit]`)
	waitJS(t, lobby, "the whereabouts board", `(function(){var rows=document.querySelectorAll('#staff .st-meeting'); for (var i=0;i<rows.length;i++){ if (rows[i].textContent.indexOf('李红梅')>=0 && rows[i].textContent.indexOf('15:30')>=0) return true } return false})()`, 3*time.Second)

	// An unknown ticket page is a friendly 404.
	nf := tab(t, browser, true, 390, 844, m.URL+"/t/no-such-token", true)
	if txt := evalJS[string](t, nf, `document.body.textContent`); !strings.Contains(txt, "号票不存在") {
		t.Errorf("unknown ticket page: %q", txt)
	}

	// The manager signs in (own browser context: own cookie).
	admin := tab(t, browser, true, 1920, 1080, m.URL+"/admin", false)
	waitJS(t, admin, "the admin sign-in", `!document.getElementById('login').hidden`, 5*time.Second)
	typeInto(t, admin, "#password", browserAdminPassword)
	click(t, admin, "#admin-login-btn")
	waitJS(t, admin, "the floor", `!document.getElementById('floor').hidden && document.querySelectorAll('#a-windows tr').length === 8 && document.querySelector('.ledger-sum')`, 5*time.Second)
	waitJS(t, admin, "the ledger counts the ticket", `(function(){var d=document.querySelectorAll('.ledger-sum div'); return d[0].textContent.indexOf('1')>=0})()`, 3*time.Second)
	waitJS(t, admin, "the printer's preview", `document.querySelectorAll('#previews iframe').length >= 1`, 3*time.Second)
	screenshot(t, admin, "admin")

	// The lobby keeps its state while the daemon is away, and says so.
	m.Close()
	waitJS(t, lobby, "the reconnect banner", `!document.getElementById('conn').hidden`, 5*time.Second)
	if n := evalJS[string](t, lobby, `document.getElementById('call-num').textContent`); n != number {
		t.Errorf("the lobby lost its state when the daemon went away: %q", n)
	}
	screenshot(t, lobby, "lobby-disconnected")

	// The daemon comes back (same address, same data): the lobby drops the
	// banner, resyncs, and shows and announces the next call.
	m2 := startPagesDaemon(t, func(n *Main) {
		n.Addr, n.DataDir = strings.TrimPrefix(m.URL, "http://"), m.DataDir
	})
	waitJS(t, lobby, "the lobby back after the restart", `document.getElementById('conn').hidden`, 15*time.Second)
	api := &client{t: t, base: m2.URL, token: kioskTok}
	_, tk := api.do("POST", "/api/tickets", map[string]any{"service": "birth"})
	again := api.login("S09", "240109")
	if code, ans := again.do("POST", "/api/windows/6/next", nil); code != 200 {
		t.Fatalf("call after the restart: %d %v", code, ans)
	}
	next := tk["number"].(string)
	waitJS(t, lobby, "the call after the restart", `document.getElementById('call-num').textContent === `+quote(next)+` && document.getElementById('call-win').textContent === '6号窗口'`, 3*time.Second)
	waitJS(t, lobby, "its announcement", `yimenVoice.played.concat(yimenVoice.queue.map(function(a){return a.text}), yimenVoice.current ? [yimenVoice.current.text] : []).indexOf(`+quote("请 "+next+" 号 到 6 号窗口 办理")+`) >= 0`, 3*time.Second)
	t.Logf("browser test took %v", time.Since(start).Round(time.Millisecond))
}

// TestBrowserKioskUnprinted: without a printer the kiosk says the ticket
// did not print and tells the villager what to do, and the manager sees it
// among the unprinted tickets.
func TestBrowserKioskUnprinted(t *testing.T) {
	m := startPagesDaemon(t, func(m *Main) { m.PrinterURI = "none" })
	browser := newBrowser(t)
	pairBrowserKiosk(t, browser, m)
	kiosk := tab(t, browser, false, 1920, 1080, m.URL+"/kiosk", false)
	waitJS(t, kiosk, "the kiosk", `document.querySelectorAll('.svc').length === 20`, 10*time.Second)
	click(t, kiosk, `.prio[data-prio="elder"]`)
	click(t, kiosk, `[data-service="pension"]`)
	waitJS(t, kiosk, "the ticket", `!document.getElementById('ticket').hidden`, 5*time.Second)
	txt := evalJS[string](t, kiosk, `document.getElementById('tk-print').textContent`)
	if !strings.Contains(txt, "没有打印") || !strings.Contains(txt, "拍下") {
		t.Errorf("unprinted ticket line = %q", txt)
	}
	if evalJS[bool](t, kiosk, `document.getElementById('tk-prio').hidden`) {
		t.Error("the priority ticket is not marked 优先办理")
	}
	screenshot(t, kiosk, "kiosk-unprinted")
	click(t, kiosk, "#tk-done")
	waitJS(t, kiosk, "back to the start, priority cleared", `!document.getElementById('start').hidden && !document.querySelector('.prio.on')`, 2*time.Second)

	admin := tab(t, browser, true, 1920, 1080, m.URL+"/admin", false)
	waitJS(t, admin, "the admin sign-in", `!document.getElementById('login').hidden`, 5*time.Second)
	typeInto(t, admin, "#password", browserAdminPassword)
	click(t, admin, "#admin-login-btn")
	waitJS(t, admin, "the unprinted ticket with 补打", `document.querySelectorAll('#a-unprinted button').length === 1`, 5*time.Second)
}

// tabBytes is what a page transferred on its first load.
func tabBytes(t testing.TB, ctx context.Context) (total, audio int) {
	t.Helper()
	v := evalJS[[]int](t, ctx, `(function(){
		var n = performance.getEntriesByType('navigation')[0], t = n ? n.transferSize : 0, a = 0;
		performance.getEntriesByType('resource').forEach(function(r){ if (/\/voice\/.*\.ogg/.test(r.name)) a += r.transferSize; else t += r.transferSize; });
		return [t, a];
	})()`)
	return v[0], v[1]
}

// TestBrowserMeasure logs what the pages cost: bytes on first load, the
// clerk's click to the lobby's change, and the lobby's heap across 10,000
// calls. It asserts nothing; run it with YIMEN_MEASURE=1.
func TestBrowserMeasure(t *testing.T) {
	if os.Getenv("YIMEN_MEASURE") != "1" {
		t.Skip("set YIMEN_MEASURE=1 to measure the pages")
	}
	m := startPagesDaemon(t)
	browser := newBrowser(t)
	kioskTok := pairBrowserKiosk(t, browser, m)
	for _, p := range []struct{ path string }{{"/"}, {"/kiosk"}, {"/clerk"}, {"/display"}, {"/display/window/3"}, {"/admin"}} {
		ctx := tab(t, browser, true, 1920, 1080, m.URL+p.path, false)
		waitJS(t, ctx, "load", `document.readyState === 'complete'`, 5*time.Second)
		time.Sleep(300 * time.Millisecond)
		total, audio := tabBytes(t, ctx)
		t.Logf("first load %-18s %6d bytes (+%d bytes of voice clips)", p.path, total, audio)
	}
	_, tk := apiCall(t, m.URL, kioskTok, "POST", "/api/tickets", map[string]any{"service": "guide"})
	ctx := tab(t, browser, true, 390, 844, m.URL+"/t/"+tk["token"].(string), true)
	waitJS(t, ctx, "load", `document.readyState === 'complete'`, 5*time.Second)
	time.Sleep(300 * time.Millisecond)
	total, _ := tabBytes(t, ctx)
	t.Logf("first load %-18s %6d bytes", "/t/{token}", total)

	// Click → lobby latency, two tabs in one browser (one clock).
	lobby := tab(t, browser, false, 1920, 1080, m.URL+"/display", false)
	waitJS(t, lobby, "lobby", `window.yimenBoard && yimenBoard.ready`, 5*time.Second)
	evalJS[bool](t, lobby, `window.__mut = 0; new MutationObserver(function(){ window.__mut = performance.timeOrigin + performance.now(); }).observe(document.getElementById('call-num'), {subtree:true, childList:true, characterData:true}); true`)
	clerk := tab(t, browser, false, 1920, 1080, m.URL+"/clerk", false)
	waitJS(t, clerk, "sign-in", `!document.getElementById('login').hidden`, 5*time.Second)
	evalJS[bool](t, clerk, `document.getElementById('staff-id').value='S02'; document.getElementById('pin').value='240102'; document.getElementById('login-btn').click(); true`)
	waitJS(t, clerk, "pick", `document.querySelector('[data-window="1"]')`, 5*time.Second)
	click(t, clerk, `[data-window="1"]`)
	waitJS(t, clerk, "desk", `!document.getElementById('desk').hidden`, 5*time.Second)
	var lat []float64
	for i := 0; i < 30; i++ {
		apiCall(t, m.URL, kioskTok, "POST", "/api/tickets", map[string]any{"service": "guide"})
		waitJS(t, clerk, "ready", `!document.querySelector('[data-act="next"]').disabled`, 5*time.Second)
		t0 := evalJS[float64](t, clerk, `(function(){var t = performance.timeOrigin + performance.now(); document.querySelector('[data-act="next"]').click(); return t})()`)
		waitJS(t, lobby, "the call", fmt.Sprintf(`window.__mut > %f`, t0), 5*time.Second)
		lat = append(lat, evalJS[float64](t, lobby, `window.__mut`)-t0)
	}
	t.Logf("clerk click → lobby DOM change over %d calls: %s", len(lat), summarize(lat))

	// 10,000 calls pushed to the lobby: its heap and DOM stay flat.
	heap := func() (float64, int) {
		h := collectHeap(t, lobby)
		return h, evalJS[int](t, lobby, `document.getElementsByTagName('*').length`)
	}
	_, login := apiCall(t, m.URL, "", "POST", "/api/login", map[string]string{"staff": "S02", "pin": "240102"})
	tok := login["token"].(string)
	apiCall(t, m.URL, tok, "POST", "/api/windows/1/next", nil)
	h0, d0 := heap()
	t.Logf("lobby before: heap %.2f MB, %d elements", h0/1e6, d0)
	const total10k, workers = 10000, 20
	began := time.Now()
	for done := 0; done < total10k; {
		batch := 2000
		errs := make(chan error, workers)
		for w := 0; w < workers; w++ {
			go func() {
				var err error
				for i := 0; i < batch/workers; i++ {
					req, _ := http.NewRequest("POST", m.URL+"/api/windows/1/recall", nil)
					req.Header.Set("Authorization", "Bearer "+tok)
					req.Header.Set("Content-Type", "application/json")
					resp, e := http.DefaultClient.Do(req)
					if e != nil {
						err = e
						break
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				errs <- err
			}()
		}
		for w := 0; w < workers; w++ {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		done += batch / workers * workers
		// Caught up: connected, and seq still for half a second.
		for last := -1; ; {
			time.Sleep(500 * time.Millisecond)
			seq := evalJS[int](t, lobby, `yimenBoard.connected ? yimenBoard.seq : -1`)
			if seq == last && seq > 0 {
				break
			}
			last = seq
		}
		h, d := heap()
		t.Logf("lobby after %5d calls (%v): heap %.2f MB, %d elements, voice queue %d, played %d, displayed calls %d",
			done, time.Since(began).Round(time.Second), h/1e6, d,
			evalJS[int](t, lobby, `yimenVoice.queue.length`), evalJS[int](t, lobby, `yimenVoice.played.length`),
			evalJS[int](t, lobby, `yimenDisplay.calls`))
	}
}

func summarize(v []float64) string {
	s := append([]float64(nil), v...)
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[j] < s[i] {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
	return fmt.Sprintf("median %.1f ms, p90 %.1f ms, max %.1f ms", s[len(s)/2], s[len(s)*9/10], s[len(s)-1])
}

// collectHeap collects garbage in a tab and returns its used JS heap.
func collectHeap(t testing.TB, ctx context.Context) float64 {
	t.Helper()
	if _, err := chromedp.Call(ctx, heapprofiler.CollectGarbage, cdp.Empty{}); err != nil {
		t.Fatalf("collect garbage: %v", err)
	}
	h, err := chromedp.Call(ctx, cdpruntime.GetHeapUsage, cdp.Empty{})
	if err != nil {
		t.Fatalf("heap usage: %v", err)
	}
	return h.UsedSize
}

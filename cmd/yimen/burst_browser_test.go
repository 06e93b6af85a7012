package main

import (
	"strconv"
	"testing"
	"time"
)

// A burst of numbers, as kiosks take them on a market morning, reaches
// every screen though the screens' issued messages are paced: the lobby
// TV at 1366×768, reloaded in the middle of the burst, and the portrait
// kiosk's button both end on the line as it stands.
func TestBrowserBurstReachesTheScreens(t *testing.T) {
	m := startPagesDaemon(t)
	browser := newBrowser(t)
	api := &client{t: t, base: m.URL, token: pairBrowserKiosk(t, browser, m)}
	api.login("S04", "240104").do("POST", "/api/windows/2/open", nil) // 民生事业

	lobby := tab(t, browser, false, 1366, 768, m.URL+"/display", false)
	waitJS(t, lobby, "the lobby", `window.yimenBoard && yimenBoard.ready`, 10*time.Second)
	kiosk := tab(t, browser, false, 1080, 1920, m.URL+"/kiosk", false)
	waitJS(t, kiosk, "the kiosk's buttons", `document.querySelectorAll('.svc').length === 20`, 10*time.Second)

	const burst = 40
	for i := range burst {
		if code, tk := api.do("POST", "/api/tickets", map[string]any{"service": "pension"}); code != 201 || tk["category"] != "civil" {
			t.Fatalf("ticket %d: %d %v", i+1, code, tk)
		}
		if i == burst/2 {
			// Reloaded while the numbers keep coming.
			evalJS[bool](t, lobby, `setTimeout(function () { location.reload(); }, 0); true`)
		}
	}
	waitJS(t, lobby, "the reloaded lobby", `window.yimenBoard && yimenBoard.ready`, 10*time.Second)
	waitJS(t, lobby, "民生事业 with every number of the burst",
		`Array.prototype.some.call(document.querySelectorAll('#queues tr'), function (r) {
			return r.textContent.indexOf('民生事业') >= 0 && r.querySelector('.q-n').textContent === '`+strconv.Itoa(burst)+` 人';
		})`, 10*time.Second)
	waitJS(t, kiosk, "pension's button counting every number of the burst",
		`document.querySelector('[data-service="pension"] .svc-count').textContent.indexOf('前面 `+strconv.Itoa(burst)+` 人') >= 0`, 10*time.Second)
	screenshot(t, lobby, "burst-lobby-1366x768")
	screenshot(t, kiosk, "burst-kiosk-1080x1920")
}

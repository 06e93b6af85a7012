package main

import (
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue/queuetest"
)

// promiseCases has clerk (at window, serving 民生事业) take n 养老保险
// villagers in turn and finish each as 承诺件 with the villager's name and
// phone; it returns the cases' IDs and numbers.
func promiseCases(t *testing.T, kiosk, clerk *client, window string, n int) (ids, numbers []string) {
	t.Helper()
	for range n {
		code, tk := kiosk.do("POST", "/api/tickets", map[string]any{"service": "pension"})
		if code != 201 {
			t.Fatalf("ticket: %d %v", code, tk)
		}
		number := tk["number"].(string)
		if code, ans := clerk.do("POST", "/api/windows/"+window+"/call", map[string]any{"number": number}); code != 200 {
			t.Fatalf("call %s: %d %v", number, code, ans)
		}
		clerk.do("POST", "/api/windows/"+window+"/start", nil)
		code, ans := clerk.do("POST", "/api/windows/"+window+"/finish", map[string]any{"outcome": "promised",
			"case": map[string]any{"name": "王大爷", "phone": "13800001234"}})
		if code != 200 {
			t.Fatalf("finish %s as 承诺件: %d %v", number, code, ans)
		}
		ids, numbers = append(ids, tk["id"].(string)), append(numbers, number)
	}
	return ids, numbers
}

// TestBrowserLobbyPickup: the lobby lists the numbers ready for pick-up
// (请取件) as cases become ready, newest first, never whose they are; a
// picked-up case leaves the list; the list sits beside the call with
// 扫码预约 and covers nothing at the lobby sizes.
func TestBrowserLobbyPickup(t *testing.T) {
	clk := queuetest.NewClock(time.Date(2026, 11, 23, 9, 20, 0, 0, shanghai)) // a Monday morning
	m := startPagesDaemon(t, func(m *Main) { m.Now = clk.Now })
	browser := newBrowser(t)
	busyHall(t, m)
	admin := adminClient(t, m.URL, browserAdminPassword)
	kiosk := &client{t: t, base: m.URL, token: kioskToken(t, m.URL, browserAdminPassword)}
	clerk := kiosk.login("S04", "240104")

	lobby := tab(t, browser, true, 1920, 1080, m.URL+"/display", false)
	ready := `window.yimenBoard && yimenBoard.ready && document.querySelectorAll('#tiles .tile').length === 8`
	waitJS(t, lobby, "the lobby", ready, 10*time.Second)

	ids, numbers := promiseCases(t, kiosk, clerk, "2", 11)
	// Accepted, not yet done: nothing to pick up.
	waitJS(t, lobby, "the last call", `document.getElementById('call-num').textContent === `+quote(numbers[10]), 10*time.Second)
	if evalJS[bool](t, lobby, `!document.getElementById('pickup').hidden || !document.getElementById('side').hidden`) {
		t.Errorf("the lobby shows 请取件 before any case is ready")
	}
	evalJS[bool](t, lobby, `window.__same = true`)

	pickupText := `Array.prototype.map.call(document.querySelectorAll('#pickup-nums span'), function (e) { return e.textContent; }).join(' ')`
	if code, ans := clerk.do("POST", "/api/cases/"+ids[0]+"/ready", nil); code != 200 {
		t.Fatalf("ready: %d %v", code, ans)
	}
	waitJS(t, lobby, "请取件 "+numbers[0], `!document.getElementById('pickup').hidden && `+pickupText+` === `+quote(numbers[0]), 10*time.Second)
	if got := evalJS[string](t, lobby, `document.getElementById('pickup').innerText`); !strings.Contains(got, "请取件") {
		t.Errorf("the list says %q, want 请取件", got)
	}
	if body := evalJS[string](t, lobby, `document.body.innerText`); strings.Contains(body, "王大爷") || strings.Contains(body, "1234") {
		t.Errorf("the lobby shows whose case it is: %q", body)
	}

	// All eleven ready, and self-booking on: the list makes room for the
	// QR code and says how many there are.
	for i := 1; i < len(ids); i++ {
		clk.Add(time.Minute)
		if code, ans := clerk.do("POST", "/api/cases/"+ids[i]+"/ready", nil); code != 200 {
			t.Fatalf("ready %s: %d %v", ids[i], code, ans)
		}
	}
	selfBooking(t, admin, 1)
	newest := []string{numbers[10], numbers[9], numbers[8]}
	waitJS(t, lobby, "the newest ready first, and how many", `!document.getElementById('book').hidden && `+pickupText+`.indexOf(`+quote(strings.Join(newest, " "))+`) === 0 && `+pickupText+`.indexOf('等11件') > 0`, 10*time.Second)
	if n := evalJS[int](t, lobby, `document.querySelectorAll('#pickup-nums span').length`); n != 9 {
		t.Errorf("%d places in the list beside the QR code, want 9 (8 numbers and 等11件)", n)
	}
	shown := ready + ` && !document.getElementById('book').hidden && document.getElementById('book-qr').naturalWidth > 0 && !document.getElementById('pickup').hidden`
	for _, v := range lobbySizes {
		fitAt(t, lobby, "lobby-pickup", v, shown, fitCheck{
			inside: []string{"#call", "#pickup", "#pickup-nums span", ".d-pickup-title", "#book", "#book-qr", "#tiles .tile", "#queues tr", "#recent li", "#staff .st", ".d-foot"},
			whole:  []string{"#call-num", "#call-win", ".d-pickup-title", "#pickup-nums span", ".d-book-title", ".tile-name", ".tile-num", ".tile-state", "#queues td", "#recent li", ".st-name"},
		})
		if p := noOverlap(t, lobby, "#side", []string{"#call", "#tiles .tile", ".d-right", ".d-foot", ".d-head"}); len(p) > 0 {
			t.Errorf("lobby at %s: %s", v, strings.Join(p, "; "))
		}
	}

	// Picked up: the number leaves the list.
	if code, ans := clerk.do("POST", "/api/cases/"+ids[10]+"/pickup", nil); code != 200 {
		t.Fatalf("pickup: %d %v", code, ans)
	}
	waitJS(t, lobby, numbers[10]+" gone from 请取件", `(' ' + `+pickupText+` + ' ').indexOf(' `+numbers[10]+` ') < 0 && `+pickupText+`.indexOf('等10件') > 0`, 10*time.Second)
	if !evalJS[bool](t, lobby, `window.__same === true`) {
		t.Errorf("the lobby reloaded")
	}
}

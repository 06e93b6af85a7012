package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/yimen-hall/yimen/queue/queuetest"
)

// noOverlap answers, one line each, the shown elements matching others
// whose boxes cross a shown element matching sel: a box set beside the
// call must take room of its own, not lie over the hall's content.
func noOverlap(t testing.TB, ctx context.Context, sel string, others []string) []string {
	t.Helper()
	arg, _ := json.Marshal(map[string]any{"sel": sel, "others": others})
	return evalJS[[]string](t, ctx, `(function(c){
		var out = [];
		function shown(e) { var r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; }
		Array.prototype.forEach.call(document.querySelectorAll(c.sel), function (a) {
			if (!shown(a)) { return; }
			var r = a.getBoundingClientRect();
			c.others.forEach(function (o) {
				Array.prototype.forEach.call(document.querySelectorAll(o), function (e) {
					if (!shown(e) || a.contains(e) || e.contains(a)) { return; }
					var q = e.getBoundingClientRect();
					if (r.left < q.right - 1 && q.left < r.right - 1 && r.top < q.bottom - 1 && q.top < r.bottom - 1) {
						out.push(c.sel + ' overlaps ' + o + ' "' + (e.textContent || '').replace(/\s+/g, ' ').slice(0, 20) + '"');
					}
				});
			});
		});
		return out;
	})(`+string(arg)+`)`)
}

// TestBookQRFollowsSelfBooking: the QR code to /book is drawn only while the
// hall lets villagers book on their phones, and it holds the public address
// the ticket QR codes use.
func TestBookQRFollowsSelfBooking(t *testing.T) {
	m := startMain(t, func(m *Main) { m.PublicURL = "http://192.168.1.10:8080" })
	get := func() (int, []byte) {
		t.Helper()
		res, err := http.Get(m.URL + "/book/qr.png")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, body
	}
	if code, body := get(); code != 404 {
		t.Errorf("GET /book/qr.png with self-booking off = %d %.80s, want 404", code, body)
	}
	admin := adminClient(t, m.URL, testAdminPassword)
	selfBooking(t, admin, 1)
	want, err := qrcode.Encode("http://192.168.1.10:8080/book", qrcode.Medium, 320)
	if err != nil {
		t.Fatal(err)
	}
	if code, body := get(); code != 200 || !bytes.Equal(body, want) {
		t.Errorf("GET /book/qr.png with self-booking on = %d (%d bytes), want the QR code of http://192.168.1.10:8080/book", code, len(body))
	}
}

// TestBrowserLobbyBookQR: when the manager turns self-booking on, the lobby
// shows 扫码预约 with the QR code beside the call, without a reload and
// without covering anything at the lobby sizes; the kiosk's 预约取号
// screen shows it too; turned off, both go.
func TestBrowserLobbyBookQR(t *testing.T) {
	clk := queuetest.NewClock(time.Date(2026, 11, 23, 9, 20, 0, 0, shanghai)) // a Monday morning
	m := startPagesDaemon(t, func(m *Main) { m.Now = clk.Now })
	browser := newBrowser(t)
	pairBrowserKiosk(t, browser, m)
	busyHall(t, m)
	admin := adminClient(t, m.URL, browserAdminPassword)

	lobby := tab(t, browser, true, 1920, 1080, m.URL+"/display", false)
	ready := `window.yimenBoard && yimenBoard.ready && document.querySelectorAll('#tiles .tile').length === 8`
	waitJS(t, lobby, "the lobby", ready, 10*time.Second)
	if evalJS[bool](t, lobby, `!document.getElementById('book').hidden || !document.getElementById('side').hidden || document.body.innerText.indexOf('扫码预约') >= 0`) {
		t.Errorf("the lobby shows 扫码预约 while self-booking is off")
	}
	evalJS[bool](t, lobby, `window.__same = true`)

	selfBooking(t, admin, 1)
	shown := `!document.getElementById('book').hidden && document.getElementById('book-qr').complete && document.getElementById('book-qr').naturalWidth > 0`
	waitJS(t, lobby, "扫码预约 on the lobby", shown, 10*time.Second)
	if !evalJS[bool](t, lobby, `window.__same === true`) {
		t.Errorf("the lobby reloaded to show 扫码预约")
	}
	if got := evalJS[string](t, lobby, `document.getElementById('book').innerText`); !strings.Contains(got, "扫码预约") {
		t.Errorf("the lobby's box says %q, want 扫码预约", got)
	}
	for _, v := range lobbySizes {
		fitAt(t, lobby, "lobby-book", v, ready+` && `+shown, fitCheck{
			inside: []string{"#call", "#book", "#book-qr", ".d-book-title", "#tiles .tile", "#queues tr", "#recent li", "#staff .st", ".d-foot"},
			whole:  []string{"#call-num", "#call-win", ".d-book-title", ".d-book-sub", ".tile-name", ".tile-num", "#queues td", "#recent li", ".st-name"},
		})
		if p := noOverlap(t, lobby, "#side", []string{"#call", "#tiles .tile", ".d-right", ".d-foot", ".d-head"}); len(p) > 0 {
			t.Errorf("lobby at %s: %s", v, strings.Join(p, "; "))
		}
		// Large type, readable across the hall: the title is at least
		// as tall as a window tile's name.
		if !evalJS[bool](t, lobby, `parseFloat(getComputedStyle(document.querySelector('.d-book-title')).fontSize) >= parseFloat(getComputedStyle(document.querySelector('.tile-name')).fontSize)`) {
			t.Errorf("lobby at %s: 扫码预约 is smaller than a window's name", v)
		}
	}

	// The kiosk's 预约取号 screen points to it too.
	kiosk := tab(t, browser, false, 1080, 1920, m.URL+"/kiosk", false)
	waitJS(t, kiosk, "the kiosk", `document.querySelectorAll('.svc').length === 20`, 10*time.Second)
	click(t, kiosk, "#appt-open")
	kshown := `!document.getElementById('appt').hidden && !document.getElementById('appt-book').hidden && document.querySelector('#appt-book img').naturalWidth > 0`
	for _, v := range kioskSizes {
		fitAt(t, kiosk, "kiosk-appt-book", v, kshown, fitCheck{
			inside: []string{"#appt-book", "#appt-book img", "#appt-book b", "#appt-go", "#appt-cancel", "#appt .k-pad button", "#appt-input"},
			whole:  []string{"#appt-book b"},
		})
		if p := noOverlap(t, kiosk, "#appt-book", []string{"#appt h2", "#appt p", "#appt-input", "#appt .k-pad button", "#appt-go", "#appt-cancel", "#appt-by-phone"}); len(p) > 0 {
			t.Errorf("kiosk at %s: %s", v, strings.Join(p, "; "))
		}
	}
	click(t, kiosk, "#appt-cancel")

	// Turned off: gone from the lobby, and from the kiosk's next 预约取号.
	v, doc := hallDoc(t, admin)
	doc["appointments"] = map[string]any{"self_booking": false}
	if code, ans := admin.do("PUT", "/api/admin/hall", map[string]any{"version": v, "hall": doc}); code != 200 {
		t.Fatalf("turn self-booking off: %d %v", code, ans)
	}
	waitJS(t, lobby, "扫码预约 gone from the lobby", `document.getElementById('book').hidden && document.getElementById('side').hidden`, 10*time.Second)
	click(t, kiosk, "#appt-open")
	waitJS(t, kiosk, "no 扫码预约 on the kiosk", `!document.getElementById('appt').hidden && document.getElementById('appt-book').hidden`, 10*time.Second)
}

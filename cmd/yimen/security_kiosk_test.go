package main

import (
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
)

// TestTicketNeedsPairedKiosk is the drain of issue 9 point 4 tried
// against the daemon: numbers without a kiosk credential, a cross-site
// text/plain POST riding on the kiosk page's cookie, a JSON POST from
// another site. Each must be refused and take no number; a screen the
// manager approves issues, and stops when the manager removes it.
func TestTicketNeedsPairedKiosk(t *testing.T) {
	m := startMain(t, nil)
	admin := adminClient(t, m.URL, testAdminPassword)
	token := kioskToken(t, m.URL, testAdminPassword)
	anon := &client{t: t, base: m.URL}

	if code, ans := anon.do("POST", "/api/tickets", map[string]any{"service": "guide"}); code != 401 || ans["code"] != "kiosk_not_paired" {
		t.Errorf("a number without a kiosk credential = %d %v, want 401 kiosk_not_paired", code, ans)
	}
	if code, ans := (&client{t: t, base: m.URL, token: "0123456789abcdef"}).do("POST", "/api/tickets", map[string]any{"service": "guide"}); code != 401 {
		t.Errorf("a number with a made-up credential = %d %v, want 401", code, ans)
	}
	for _, tt := range []struct {
		name    string
		headers map[string]string
	}{
		{"text/plain form from another site", map[string]string{"Content-Type": "text/plain", "Origin": "http://evil.example"}},
		{"text/plain without an Origin", map[string]string{"Content-Type": "text/plain"}},
		{"form post", map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site"}},
		{"JSON from another site (Origin)", map[string]string{"Content-Type": "application/json", "Origin": "http://evil.example"}},
		{"JSON from another site (Sec-Fetch-Site)", map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"}},
	} {
		req, _ := http.NewRequest("POST", m.URL+"/api/tickets", strings.NewReader(`{"service":"guide"}`))
		for k, v := range tt.headers {
			req.Header.Set(k, v)
		}
		req.AddCookie(&http.Cookie{Name: "yimen_kiosk", Value: token}) // the kiosk page's cookie, as a browser would attach it
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 403 && resp.StatusCode != 415 {
			t.Errorf("%s: %d, want 403 or 415", tt.name, resp.StatusCode)
		}
	}
	if _, floor := admin.do("GET", "/api/admin/floor", nil); floor["open"] != nil {
		t.Fatalf("refused requests took numbers: %v", floor["open"])
	}

	// A new kiosk screen proposes itself; the manager sees its code and
	// approves it; the screen then holds a cookie and issues.
	jar, _ := cookiejar.New(nil)
	screen := &http.Client{Jar: jar}
	code, prop := jsonDo(t, screen, "POST", m.URL+"/api/kiosk/pair", `{}`)
	if code != 201 || prop["state"] != "pending" || len(prop["code"].(string)) != 6 {
		t.Fatalf("propose = %d %v", code, prop)
	}
	if code, _ := jsonDo(t, screen, "POST", m.URL+"/api/tickets", `{"service":"guide"}`); code != 401 {
		t.Errorf("a proposed, unapproved screen issued: %d", code)
	}
	_, list := admin.do("GET", "/api/admin/kiosks", nil)
	pending, _ := list["pending"].([]any)
	if len(pending) != 1 || pending[0].(map[string]any)["code"] != prop["code"] {
		t.Fatalf("the manager sees pending %v, want the screen's code %v", pending, prop["code"])
	}
	id := pending[0].(map[string]any)["id"].(string)
	if code, ans := anon.do("POST", "/api/admin/kiosks/pending/"+id+"/approve", map[string]string{"name": "大厅东"}); code != 401 {
		t.Errorf("approval without the manager = %d %v", code, ans)
	}
	if code, ans := admin.do("POST", "/api/admin/kiosks/pending/"+id+"/approve", map[string]string{"name": "大厅东"}); code != 200 {
		t.Fatalf("approve = %d %v", code, ans)
	}
	if code, ans := jsonDo(t, screen, "GET", m.URL+"/api/kiosk/pair", ""); code != 200 || ans["state"] != "paired" {
		t.Fatalf("the approved screen polls: %d %v", code, ans)
	}
	if code, ans := jsonDo(t, screen, "POST", m.URL+"/api/tickets", `{"service":"guide"}`); code != 201 {
		t.Fatalf("the approved screen takes a number: %d %v", code, ans)
	}

	// Removed, it stops at once.
	_, list = admin.do("GET", "/api/admin/kiosks", nil)
	for _, k := range list["kiosks"].([]any) {
		if k.(map[string]any)["name"] == "大厅东" {
			if code, _ := admin.do("DELETE", "/api/admin/kiosks/"+k.(map[string]any)["id"].(string), nil); code != 204 {
				t.Fatalf("remove = %d", code)
			}
		}
	}
	if code, _ := jsonDo(t, screen, "POST", m.URL+"/api/tickets", `{"service":"guide"}`); code != 401 {
		t.Errorf("a removed kiosk still issues: %d", code)
	}
}

// jsonDo sends a JSON request with a given client (one with a cookie jar
// plays a browser's kiosk page).
func jsonDo(t *testing.T, hc *http.Client, method, url, body string) (int, map[string]any) {
	t.Helper()
	c := &client{t: t, base: "", hc: hc}
	if body == "" {
		return c.do(method, url, nil)
	}
	return c.do(method, url, body)
}

// TestPhonesTakeNumbersOnlyWhenTheHallAllows: with --phone-tickets 2 a
// phone without a kiosk takes two numbers an hour, then is told to use a
// kiosk; another phone is not affected.
func TestPhonesTakeNumbersOnlyWhenTheHallAllows(t *testing.T) {
	m := startMain(t, func(m *Main) { m.PhoneTickets = 2 })
	phone := &client{t: t, base: m.URL, hc: fromAddress("127.0.0.21")}
	for i := range 2 {
		if code, ans := phone.do("POST", "/api/tickets", map[string]any{"service": "guide"}); code != 201 {
			t.Fatalf("phone's number %d = %d %v", i+1, code, ans)
		}
	}
	if code, ans := phone.do("POST", "/api/tickets", map[string]any{"service": "guide"}); code != 429 || ans["code"] != "rate_limited" {
		t.Errorf("phone's third number within the hour = %d %v, want 429", code, ans)
	}
	other := &client{t: t, base: m.URL, hc: fromAddress("127.0.0.22")}
	if code, _ := other.do("POST", "/api/tickets", map[string]any{"service": "guide"}); code != 201 {
		t.Errorf("another phone = %d, want 201", code)
	}
}

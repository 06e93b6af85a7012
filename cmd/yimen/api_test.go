package main

import (
	"fmt"
	"strings"
	"testing"
)

func TestContractAPI(t *testing.T) {
	m := startMain(t, nil)
	kiosk := kioskClient(t, m)

	code, hall := kiosk.do("GET", "/api/hall", nil)
	if code != 200 || hall["name"] != "乐昌镇便民服务中心" {
		t.Fatalf("GET /api/hall = %d %v", code, hall["name"])
	}
	if s := fmt.Sprint(hall["staff"]); strings.Contains(s, "pin") || strings.Contains(s, "240103") {
		t.Errorf("the public hall shows PINs: %s", s)
	}

	code, tk := kiosk.do("POST", "/api/tickets", map[string]any{"service": "pension", "priority": false})
	if code != 201 {
		t.Fatalf("POST /api/tickets = %d %v", code, tk)
	}
	for _, k := range []string{"id", "number", "category", "service", "ahead", "token", "status_url", "printed"} {
		if _, ok := tk[k]; !ok {
			t.Errorf("ticket answer lacks %q: %v", k, tk)
		}
	}
	if tk["number"] != "B001" || tk["printed"] != true || !strings.HasSuffix(tk["status_url"].(string), "/t/"+tk["token"].(string)) {
		t.Errorf("ticket = %v", tk)
	}
	token := tk["token"].(string)

	for _, bad := range []struct {
		body string
		code int
		err  string
	}{
		{`{"service":"nope"}`, 400, "unknown_service"},
		{`{"service":`, 400, "bad_json"},
		{`{}`, 400, "missing_service"},
		{`{"service": 7}`, 400, "bad_json"},
		{`{"service":"pension"} {"x":1}`, 400, "bad_json"},
		{`{"service":"` + strings.Repeat("x", 70<<10) + `"}`, 413, "body_too_large"},
	} {
		code, ans := kiosk.do("POST", "/api/tickets", bad.body)
		if code != bad.code || ans["code"] != bad.err || ans["error"] == "" {
			t.Errorf("POST %.30s… = %d %v, want %d %s", bad.body, code, ans, bad.code, bad.err)
		}
	}

	code, st := kiosk.do("GET", "/api/tickets/"+token, nil)
	if code != 200 || st["status"] != "waiting" || st["number"] != "B001" || st["ahead"] != 0.0 {
		t.Errorf("GET ticket = %d %v", code, st)
	}
	if code, _ := kiosk.do("GET", "/api/tickets/NOTATOKEN", nil); code != 404 {
		t.Errorf("unknown token = %d, want 404", code)
	}

	// Sign-in.
	if code, ans := kiosk.do("POST", "/api/login", map[string]string{"staff": "S03", "pin": "000000"}); code != 401 || ans["code"] != "bad_credentials" {
		t.Errorf("wrong PIN = %d %v", code, ans)
	}
	if code, _ := kiosk.do("POST", "/api/windows/3/next", nil); code != 401 {
		t.Errorf("next without a token = %d, want 401", code)
	}
	clerk := kiosk.login("S03", "240103") // A post of windows 2 and 3
	if code, ans := clerk.do("POST", "/api/windows/4/next", nil); code != 403 {
		t.Errorf("next at someone else's window = %d %v, want 403", code, ans)
	}
	if code, ans := clerk.do("GET", "/api/windows/4", nil); code != 403 || ans["code"] != "not_your_window" {
		t.Errorf("viewing someone else's window = %d %v, want 403 not_your_window", code, ans)
	}
	if code, ans := clerk.do("GET", "/api/windows/99", nil); code != 404 || ans["code"] != "unknown_window" {
		t.Errorf("viewing an unknown window = %d %v, want 404 unknown_window", code, ans)
	}
	if code, ans := clerk.do("GET", "/api/windows/3", nil); code != 200 || ans["window"].(map[string]any)["id"] != "3" {
		t.Errorf("viewing my window = %d %v", code, ans)
	}
	code, ans := clerk.do("POST", "/api/windows/3/next", nil)
	if code != 200 || ans["ticket"].(map[string]any)["number"] != "B001" {
		t.Fatalf("next = %d %v", code, ans)
	}
	if _, st := kiosk.do("GET", "/api/tickets/"+token, nil); st["status"] != "called" || st["window"] != "3" {
		t.Errorf("ticket after call = %v", st)
	}
	for _, step := range []struct {
		action string
		body   any
		state  string
	}{
		{"recall", nil, "called"},
		{"transfer", map[string]string{"category": "health"}, "idle"},
		{"next", nil, "called"}, // the transferred B001 again (window 3 serves health)
		{"finish", map[string]string{"outcome": "consult"}, "idle"},
		{"pause", map[string]string{"reason": "整理材料"}, "paused"},
		{"resume", nil, "idle"},
	} {
		code, ans := clerk.do("POST", "/api/windows/3/"+step.action, step.body)
		if code != 200 {
			t.Fatalf("%s = %d %v", step.action, code, ans)
		}
		if got := ans["window"].(map[string]any)["state"]; got != step.state {
			t.Errorf("after %s window state = %v, want %s", step.action, got, step.state)
		}
	}
	if _, st := kiosk.do("GET", "/api/tickets/"+token, nil); st["status"] != "done" || st["number"] != "B001" {
		t.Errorf("ticket after transfer and finish = %v", st)
	}
	if code, ans := clerk.do("POST", "/api/windows/3/transfer", map[string]string{"category": "nope"}); code != 404 {
		t.Errorf("transfer to unknown category = %d %v", code, ans)
	}
	if code, _ := clerk.do("POST", "/api/windows/3/next", nil); code != 204 {
		t.Errorf("next with nobody waiting = %d, want 204", code)
	}
	if code, ans := clerk.do("POST", "/api/windows/3/no-show", nil); code != 409 || ans["code"] != "no_current_ticket" {
		t.Errorf("no-show with nothing called = %d %v", code, ans)
	}

	// Whereabouts: my own, not someone else's; an admin may set anyone's.
	if code, ans := clerk.do("PUT", "/api/staff/S03/status", map[string]string{"status": "village", "note": "去东北街村", "until": "15:30"}); code != 200 || ans["status"] != "village" {
		t.Errorf("own status = %d %v", code, ans)
	}
	if code, _ := clerk.do("PUT", "/api/staff/S04/status", map[string]string{"status": "leave"}); code != 403 {
		t.Errorf("someone else's status = %d, want 403", code)
	}
	if code, _ := clerk.do("PUT", "/api/staff/S03/status", map[string]string{"status": "asleep"}); code != 400 {
		t.Errorf("unknown status = %d, want 400", code)
	}
	code, ans = kiosk.do("POST", "/api/admin/login", map[string]string{"password": testAdminPassword})
	if code != 200 {
		t.Fatalf("admin login = %d %v", code, ans)
	}
	admin := &client{t: t, base: m.URL, token: ans["token"].(string)}
	if code, _ := admin.do("PUT", "/api/staff/S04/status", map[string]string{"status": "meeting"}); code != 200 {
		t.Errorf("admin sets a clerk's status = %d", code)
	}
	if code, _ := clerk.do("GET", "/api/admin/ledger", nil); code != 403 {
		t.Errorf("clerk reads the ledger = %d, want 403", code)
	}
	code, led := admin.do("GET", "/api/admin/ledger", nil)
	if code != 200 || led["issued"] != 1.0 || led["consult"] != 1.0 || led["finished"] != 1.0 || led["transferred"] != 1.0 {
		t.Errorf("ledger = %d %v", code, led)
	}
}

func TestIssueRateLimit(t *testing.T) {
	m := startMain(t, func(m *Main) { m.IssueRate = 3 })
	c := kioskClient(t, m)
	for i := range 3 {
		if code, _ := c.do("POST", "/api/tickets", map[string]any{"service": "guide"}); code != 201 {
			t.Fatalf("ticket %d = %d", i, code)
		}
	}
	code, ans := c.do("POST", "/api/tickets", map[string]any{"service": "guide"})
	if code != 429 || ans["code"] != "rate_limited" {
		t.Errorf("fourth ticket within a minute = %d %v, want 429", code, ans)
	}
}

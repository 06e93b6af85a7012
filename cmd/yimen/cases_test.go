package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue/queuetest"
)

// A 承诺件 through the whole daemon: the clerk who first received the
// villager answers for the case through a transfer, the case outlives its
// day and a restart on the ticket's own address, and the villager who comes
// back gets a pick-up ticket ahead of the walk-ins.
func TestCaseSurvivesRestartAndKeepsResponsible(t *testing.T) {
	clk := queuetest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, shanghai)) // a Monday
	m := startMain(t, func(m *Main) { m.Now = clk.Now })
	kiosk := kioskClient(t, m)
	_, tk := kiosk.do("POST", "/api/tickets", map[string]any{"service": "pension"})
	token, number := tk["token"].(string), tk["number"].(string)
	if fmt.Sprint(tk["bring"]) != "[身份证 户口本]" {
		t.Errorf("the ticket does not say what to bring: %v", tk["bring"])
	}

	// 赵志强 (S04) receives the villager at window 2 and transfers the
	// ticket to 卫生计生, where 周医生 (S09) finishes it as 承诺件.
	s04 := kiosk.login("S04", "240104")
	if code, ans := s04.do("POST", "/api/windows/2/next", nil); code != 200 {
		t.Fatalf("S04 next: %d %v", code, ans)
	}
	if code, ans := s04.do("POST", "/api/windows/2/transfer", map[string]any{"category": "health"}); code != 200 {
		t.Fatalf("transfer: %d %v", code, ans)
	}
	s09 := kiosk.login("S09", "240109")
	s09.do("POST", "/api/windows/6/next", nil)
	code, ans := s09.do("POST", "/api/windows/6/finish", map[string]any{"outcome": "promised",
		"case": map[string]any{"name": "王大爷", "phone": "13800001234", "documents": []string{"身份证"}}})
	if code != 200 {
		t.Fatalf("finish as 承诺件: %d %v", code, ans)
	}
	caseOf := func(c *client) map[string]any {
		t.Helper()
		code, ans := c.do("GET", "/api/tickets/"+token, nil)
		cs, _ := ans["case"].(map[string]any)
		if code != 200 || cs == nil {
			t.Fatalf("GET /api/tickets/%s = %d %v, want a case", token, code, ans)
		}
		return cs
	}
	cs := caseOf(kiosk)
	id := cs["id"].(string)
	if cs["responsible"] != "S04" || cs["responsible_name"] != "赵志强" || cs["state"] != "accepted" || cs["due"] != "2026-11-30" {
		t.Errorf("case = responsible %v (%v), state %v, due %v; want S04 赵志强, accepted, 2026-11-30",
			cs["responsible"], cs["responsible_name"], cs["state"], cs["due"])
	}
	if cs["name"] != nil || cs["phone"] != nil {
		t.Errorf("the public ticket shows the villager's name or phone: %v %v", cs["name"], cs["phone"])
	}
	if code, ans := s09.do("POST", "/api/cases/"+id+"/forward", map[string]any{"text": "县社保局"}); code != 403 || ans["code"] != "not_responsible" {
		t.Errorf("the clerk who finished it moves the case: %d %v", code, ans)
	}
	if code, ans := s04.do("POST", "/api/cases/"+id+"/forward", map[string]any{"text": "县社保局"}); code != 200 || ans["state"] != "processing" || ans["phone"] != "13800001234" {
		t.Errorf("S04 forwards: %d %v", code, ans)
	}

	// Tuesday, after a restart.
	m.Close()
	clk.Set(time.Date(2026, 11, 24, 9, 0, 0, 0, shanghai))
	m = startMain(t, func(n *Main) { n.DataDir, n.Now = m.DataDir, clk.Now })
	kiosk = kioskClient(t, m)
	if code, _ := kiosk.do("POST", "/api/tickets", map[string]any{"service": "birth"}); code != 201 {
		t.Fatalf("walk-in: %d", code)
	}
	cs = caseOf(kiosk)
	if cs["responsible"] != "S04" || cs["state"] != "processing" || cs["note"] != "县社保局" {
		t.Errorf("after the day and a restart: %v", cs)
	}
	s04 = kiosk.login("S04", "240104")
	if _, mine := s04.do("GET", "/api/cases/mine", nil); len(mine["cases"].([]any)) != 1 {
		t.Errorf("S04's cases: %v", mine)
	}
	if code, ans := kiosk.do("POST", "/api/pickup", map[string]any{"number": number}); code != 409 || ans["code"] != "case_not_ready" {
		t.Errorf("pick-up before ready: %d %v", code, ans)
	}
	if code, ans := s04.do("POST", "/api/cases/"+id+"/ready", nil); code != 200 || ans["state"] != "ready" {
		t.Fatalf("ready: %d %v", code, ans)
	}
	if cs := caseOf(kiosk); cs["state_name"] != "待取件" {
		t.Errorf("the villager's page says %v", cs["state_name"])
	}

	// The villager types the old number at the kiosk.
	code, p := kiosk.do("POST", "/api/pickup", map[string]any{"number": number})
	if code != 201 || p["priority"] != true || p["category"] != "health" || p["ahead"] != 0.0 {
		t.Fatalf("pick-up ticket: %d %v", code, p)
	}
	s09 = kiosk.login("S09", "240109")
	_, called := s09.do("POST", "/api/windows/6/next", nil)
	if got := called["ticket"].(map[string]any)["number"]; got != p["number"] {
		t.Fatalf("window 6 called %v, not the pick-up ticket %v", got, p["number"])
	}
	s09.do("POST", "/api/windows/6/finish", map[string]any{"outcome": "immediate"})
	if cs := caseOf(kiosk); cs["state"] != "picked_up" {
		t.Errorf("after the pick-up ticket: %v", cs["state"])
	}
	admin := adminClient(t, m.URL, testAdminPassword)
	if code, ans := admin.do("POST", "/api/cases/"+id+"/close", nil); code != 200 || ans["state"] != "closed" {
		t.Errorf("the manager closes: %d %v", code, ans)
	}
	if code, ans := admin.do("GET", "/api/admin/cases?state=closed&from=2026-11-23&to=2026-11-23", nil); code != 200 || len(ans["cases"].([]any)) != 1 {
		t.Errorf("closed cases accepted on Monday: %d %v", code, ans)
	}
	if code, ans := admin.do("GET", "/api/admin/cases?state=nonsense", nil); code != 400 {
		t.Errorf("bad state: %d %v", code, ans)
	}
}

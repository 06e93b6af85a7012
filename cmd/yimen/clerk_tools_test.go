package main

import (
	"fmt"
	"testing"
)

// numbers lists the numbers of a window answer's list (waiting, held).
func numbers(ans map[string]any, list string) string {
	var out []string
	items, _ := ans[list].([]any)
	for _, it := range items {
		out = append(out, it.(map[string]any)["number"].(string))
	}
	return fmt.Sprint(out)
}

func current(ans map[string]any) string {
	if t, ok := ans["ticket"].(map[string]any); ok {
		return t["number"].(string) + " " + t["status"].(string)
	}
	return ""
}

// TestClerkTools drives 选呼, 挂起, 过号重排 and 转办到窗口 through the API
// as a clerk's page does, with their refusals.
func TestClerkTools(t *testing.T) {
	m := startMain(t, nil)
	kiosk := kioskClient(t, m)
	tokens := map[string]string{}
	for range 5 {
		code, tk := kiosk.do("POST", "/api/tickets", map[string]any{"service": "pension"})
		if code != 201 {
			t.Fatalf("issue: %d %v", code, tk)
		}
		tokens[tk["number"].(string)] = tk["token"].(string)
	}
	status := func(number string) string {
		_, st := kiosk.do("GET", "/api/tickets/"+tokens[number], nil)
		return fmt.Sprint(st["status"])
	}
	clerk := kiosk.login("S03", "240103") // windows 2 and 3
	post := func(action string, body any, wantCode int, wantErr string) map[string]any {
		t.Helper()
		code, ans := clerk.do("POST", "/api/windows/3/"+action, body)
		if code != wantCode || (wantErr != "" && ans["code"] != wantErr) {
			t.Fatalf("%s %v = %d %v, want %d %s", action, body, code, ans, wantCode, wantErr)
		}
		return ans
	}

	// 选呼: a later number first; the rest keep their order.
	ans := post("call", map[string]string{"number": "b003"}, 200, "")
	if current(ans) != "B003 called" || numbers(ans, "waiting") != "[B001 B002 B004 B005]" {
		t.Fatalf("after call B003: %s, waiting %s", current(ans), numbers(ans, "waiting"))
	}
	post("call", map[string]string{"number": "B099"}, 404, "unknown_number")
	post("call", map[string]string{}, 400, "bad_number")
	post("call", map[string]string{"number": "B003"}, 409, "already_here")

	// 挂起: B003 is parked, B001 called; B003 comes back by its number.
	post("start", nil, 200, "")
	ans = post("hold", nil, 200, "")
	if current(ans) != "B001 called" || numbers(ans, "held") != "[B003]" {
		t.Fatalf("after hold: %s, held %s", current(ans), numbers(ans, "held"))
	}
	if s := status("B003"); s != "held" {
		t.Errorf("B003's ticket page says %s, want held", s)
	}
	ans = post("call", map[string]string{"number": "B003"}, 200, "")
	if current(ans) != "B003 called" || numbers(ans, "held") != "[]" || status("B001") != "no_show" {
		t.Fatalf("B003 called back: %s, held %s, B001 %s", current(ans), numbers(ans, "held"), status("B001"))
	}

	// 过号重排: B001 came back; a waiting ticket needs none.
	ans = post("requeue", map[string]string{"number": "B001"}, 200, "")
	if numbers(ans, "waiting") != "[B002 B004 B005 B001]" || status("B001") != "waiting" {
		t.Errorf("after requeue: waiting %s, B001 %s", numbers(ans, "waiting"), status("B001"))
	}
	post("requeue", map[string]string{"number": "B002"}, 409, "not_no_show")

	// 转办到窗口: refused while nobody works window 2, then kept for it.
	post("transfer", map[string]string{"window": "2"}, 409, "window_closed")
	post("transfer", map[string]string{"window": "2", "category": "health"}, 400, "category_or_window")
	b := kiosk.login("S04", "240104") // window 2, B post
	if code, ans := b.do("POST", "/api/windows/2/open", nil); code != 200 {
		t.Fatalf("S04 opens window 2: %d %v", code, ans)
	}
	ans = post("transfer", map[string]string{"window": "2"}, 200, "")
	if current(ans) != "" || numbers(ans, "waiting") != "[B002 B004 B005 B001]" {
		t.Errorf("window 3 after the transfer: %s, waiting %s", current(ans), numbers(ans, "waiting"))
	}
	_, w2 := b.do("GET", "/api/windows/2", nil)
	if numbers(w2, "waiting") != "[B002 B003 B004 B005 B001]" {
		t.Errorf("window 2 waiting %s: B003 keeps its place", numbers(w2, "waiting"))
	}
	if code, ans := b.do("POST", "/api/windows/2/call", map[string]string{"number": "B003"}); code != 200 || current(ans) != "B003 called" {
		t.Errorf("window 2 calls B003: %d %v", code, ans)
	}

	admin := adminClient(t, m.URL, testAdminPassword)
	code, led := admin.do("GET", "/api/admin/ledger", nil)
	if code != 200 || led["held"] != 1.0 || led["requeued"] != 1.0 || led["no_show"] != 0.0 {
		t.Errorf("ledger = %d held %v requeued %v no_show %v", code, led["held"], led["requeued"], led["no_show"])
	}
}

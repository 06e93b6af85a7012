package main

import "testing"

// A paired screen does the one job it was approved for: a rating tablet
// left on a window's desk cannot take numbers, and a kiosk cannot rate.
func TestPairedScreensDoOneJob(t *testing.T) {
	m := startMain(t, nil)
	admin := adminClient(t, m.URL, testAdminPassword)
	pair := func(role string) *client {
		code, ans := admin.do("POST", "/api/admin/kiosks", map[string]string{"name": "测试" + role, "role": role})
		if code != 201 || ans["token"] == nil {
			t.Fatalf("pair a %s: %d %v", role, code, ans)
		}
		return &client{t: t, base: m.URL, token: ans["token"].(string)}
	}
	kiosk, tablet := pair("kiosk"), pair("rating")

	if code, ans := tablet.do("POST", "/api/tickets", map[string]any{"service": "medicare"}); code != 401 || ans["code"] != "kiosk_not_paired" {
		t.Errorf("rating tablet takes a number: %d %v, want 401 kiosk_not_paired", code, ans)
	}
	if code, ans := kiosk.do("POST", "/api/tickets", map[string]any{"service": "medicare"}); code != 201 {
		t.Fatalf("kiosk takes a number: %d %v", code, ans)
	}
	if code, ans := kiosk.do("GET", "/api/rate/2", nil); code != 401 || ans["code"] != "not_paired" {
		t.Errorf("kiosk asks what to rate: %d %v, want 401 not_paired", code, ans)
	}
	if code, ans := tablet.do("GET", "/api/rate/2", nil); code != 200 {
		t.Errorf("rating tablet asks what to rate: %d %v", code, ans)
	}
	if code, ans := admin.do("POST", "/api/admin/kiosks", map[string]string{"name": "x", "role": "clerk"}); code != 400 || ans["code"] != "bad_role" {
		t.Errorf("unknown role: %d %v, want 400 bad_role", code, ans)
	}

	// The manager sees which is which.
	_, list := admin.do("GET", "/api/admin/kiosks", nil)
	roles := map[string]string{}
	for _, k := range list["kiosks"].([]any) {
		k := k.(map[string]any)
		roles[k["name"].(string)] = k["role"].(string)
	}
	if roles["测试kiosk"] != "kiosk" || roles["测试rating"] != "rating" {
		t.Errorf("paired screens as the manager sees them: %v", roles)
	}
}

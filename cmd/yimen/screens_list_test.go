package main

import (
	"net/http"
	"testing"
)

// The manager sees every connected lobby and window screen, so that a
// dark TV is noticed; a screen that closes leaves the list.
func TestAdminScreensList(t *testing.T) {
	m := startMain(t, nil)
	if code, _ := (&client{t: t, base: m.URL}).do("GET", "/api/admin/screens", nil); code != http.StatusUnauthorized {
		t.Errorf("screens without the manager: %d, want 401", code)
	}
	admin := adminClient(t, m.URL, testAdminPassword)
	screens := func() map[string]map[string]any {
		code, ans := admin.do("GET", "/api/admin/screens", nil)
		if code != 200 {
			t.Fatalf("GET /api/admin/screens: %d %v", code, ans)
		}
		out := map[string]map[string]any{}
		list, _ := ans["screens"].([]any)
		for _, x := range list {
			row := x.(map[string]any)
			key, _ := row["screen"].(string)
			if w, _ := row["window"].(string); w != "" {
				key += "-" + w
			}
			out[key] = row
		}
		return out
	}

	lobby := dialDisplay(t, m, "?screen=lobby")
	win := dialDisplay(t, m, "?screen=window&window=3")
	dialDisplay(t, m, "") // a phone: counted, not listed
	dialDisplay(t, m, "?screen=window&window=%3Cscript%3E")
	readMsg(t, lobby)
	readMsg(t, win)
	var got map[string]map[string]any
	waitFor(t, "the lobby and window 3 screens listed", func() bool {
		got = screens()
		return got["lobby"] != nil && got["window-3"] != nil
	})
	if len(got) != 2 {
		t.Errorf("screens = %v, want the lobby and window 3 only", got)
	}
	for k, row := range got {
		if row["addr"] != "127.0.0.1" || row["connected_at"] == nil || row["last_write"] == nil {
			t.Errorf("%s: %v, want its address, connection time and last write", k, row)
		}
	}

	win.Close()
	waitFor(t, "the closed window screen gone", func() bool {
		got = screens()
		return got["window-3"] == nil
	})
	if got["lobby"] == nil {
		t.Errorf("the lobby screen left the list with the window screen: %v", got)
	}
}

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yimen-hall/yimen/queue"
)

// hallFileWith writes the demo hall with its first clerk's entry changed
// by edit, as a hall's own file would be written.
func hallFileWith(t *testing.T, edit func(staff map[string]any)) string {
	t.Helper()
	data, err := json.Marshal(queue.DemoHall())
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	json.Unmarshal(data, &doc)
	staff := doc["staff"].([]any)
	s0 := staff[0].(map[string]any)
	delete(s0, "pin_hash")
	edit(s0)
	data, _ = json.Marshal(doc)
	path := filepath.Join(t.TempDir(), "hall.json")
	os.WriteFile(path, data, 0o600)
	return path
}

// TestHallSecretsStrict is issue 9 point 5 tried against the daemon: a
// staff entry written "PIN" or "Pin" signed in and /api/hall published the
// plain PIN; unknown staff fields (a phone number, an ID card) were
// published too. Now a case variant of a secret's key stops the start,
// naming the entry, and /api/hall publishes staff through an allow-list.
func TestHallSecretsStrict(t *testing.T) {
	for _, key := range []string{"PIN", "Pin", "pin_Hash", "PIN_HASH"} {
		path := hallFileWith(t, func(s map[string]any) { s[key] = "135790" })
		m := NewMain(new(syncBuffer))
		m.Addr, m.DataDir, m.HallFile = "127.0.0.1:0", t.TempDir(), path
		err := m.Run(t.Context())
		m.Close()
		if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("staff[0].key %q", key)) {
			t.Errorf("hall with staff key %q: start error %v, want one naming staff[0] and the key", key, err)
		}
	}
	bad := hallFileWith(t, func(s map[string]any) { s["pin_hash"] = "240101" })
	m := NewMain(new(syncBuffer))
	m.Addr, m.DataDir, m.HallFile = "127.0.0.1:0", t.TempDir(), bad
	err := m.Run(t.Context())
	m.Close()
	if err == nil || !strings.Contains(err.Error(), "staff[0].pin_hash (S01): not a bcrypt hash") {
		t.Errorf("hall with a pin_hash that is no hash: start error %v", err)
	}

	path := hallFileWith(t, func(s map[string]any) {
		s["pin"] = "135790"
		s["phone"] = "13800138000"
		s["id_card"] = "440281199001011234"
		s["admin"] = true
	})
	m = startMain(t, func(m *Main) { m.HallFile = path })
	code, hall := (&client{t: t, base: m.URL}).do("GET", "/api/hall", nil)
	if code != 200 {
		t.Fatalf("GET /api/hall = %d", code)
	}
	staff, _ := json.Marshal(hall["staff"])
	for _, secret := range []string{"135790", "13800138000", "440281199001011234", "pin", "phone", "id_card", "admin", "$2a$"} {
		if strings.Contains(string(staff), secret) {
			t.Errorf("/api/hall publishes %q: %s", secret, staff)
		}
	}
	first := hall["staff"].([]any)[0].(map[string]any)
	if first["id"] != "S01" || first["name"] != "王丽" || len(first["windows"].([]any)) != 2 {
		t.Errorf("public staff entry = %v, want id, name and windows", first)
	}
	(&client{t: t, base: m.URL}).login("S01", "135790") // the PIN written "pin" works
}

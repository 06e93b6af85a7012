package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hallDoc reads the live hall as the admin page does.
func hallDoc(t testing.TB, admin *client) (float64, map[string]any) {
	t.Helper()
	code, ans := admin.do("GET", "/api/admin/hall", nil)
	if code != 200 {
		t.Fatalf("GET /api/admin/hall = %d %v", code, ans)
	}
	return ans["version"].(float64), ans["hall"].(map[string]any)
}

func appendTo(doc map[string]any, list string, item map[string]any) {
	doc[list] = append(doc[list].([]any), item)
}

func TestAdminEditsTheLiveHall(t *testing.T) {
	m := startMain(t, nil)
	admin := adminClient(t, m.URL, testAdminPassword)
	kiosk := kioskClient(t, m)

	v, doc := hallDoc(t, admin)
	if v == 0 {
		t.Fatal("the demo hall was not logged at first start (version 0)")
	}
	if raw, _ := json.Marshal(doc); bytes.Contains(raw, []byte("pin")) {
		t.Fatalf("GET /api/admin/hall shows PINs: %.200s", raw)
	}
	if code, _ := kiosk.do("GET", "/api/admin/hall", nil); code != 401 {
		t.Errorf("GET /api/admin/hall without signing in = %d, want 401", code)
	}

	screen := dialDisplay(t, m, "")
	if first := readMsg(t, screen); first.Type != "snapshot" {
		t.Fatalf("first push = %s", first.Type)
	}

	appendTo(doc, "services", map[string]any{"id": "deed", "name": "宅基地确权", "categories": []string{"mediate"}, "icon": "宅"})
	appendTo(doc, "staff", map[string]any{"id": "S15", "name": "钱新", "windows": []string{"7"}})
	code, ans := admin.do("PUT", "/api/admin/hall", map[string]any{"version": v, "hall": doc})
	if code != 200 {
		t.Fatalf("PUT /api/admin/hall = %d %v", code, ans)
	}
	pin, _ := ans["pins"].(map[string]any)["S15"].(string)
	if len(pin) != 6 {
		t.Fatalf("a new clerk without a PIN got none shown: %v", ans)
	}

	// One push message carries the change; no reload.
	msg := readMsg(t, screen)
	if msg.Type != "hall" || len(msg.Staff) != 15 {
		t.Errorf("push after the change: type %q with %d staff, want one \"hall\" message with 15", msg.Type, len(msg.Staff))
	}
	if code, tk := kiosk.do("POST", "/api/tickets", map[string]any{"service": "deed"}); code != 201 || !strings.HasPrefix(tk["number"].(string), "F") {
		t.Errorf("ticket for the new service = %d %v", code, tk)
	}
	kiosk.login("S15", pin)

	// A change from an old version is refused, and so is a bad document,
	// with the field to fix.
	if code, ans := admin.do("PUT", "/api/admin/hall", map[string]any{"version": v, "hall": doc}); code != 409 || ans["code"] != "stale_version" {
		t.Errorf("PUT with an old version = %d %v, want 409 stale_version", code, ans)
	}
	v2, doc := hallDoc(t, admin)
	appendTo(doc, "services", map[string]any{"id": "x", "name": "错", "categories": []string{"helth"}})
	code, ans = admin.do("PUT", "/api/admin/hall", map[string]any{"version": v2, "hall": doc})
	probs, _ := json.Marshal(ans["problems"])
	if code != 400 || ans["code"] != "invalid_hall" || !strings.Contains(string(probs), `"path":"services[21].categories[0]"`) {
		t.Errorf("PUT of a bad hall = %d %v", code, ans)
	}

	// A reset PIN: the old one stops working at once.
	if code, ans := admin.do("POST", "/api/admin/staff/S03/pin", map[string]string{"pin": "135790"}); code != 200 || ans["pin"] != nil {
		t.Errorf("set PIN = %d %v", code, ans)
	}
	if code, _ := kiosk.do("POST", "/api/login", map[string]string{"staff": "S03", "pin": "240103"}); code != 401 {
		t.Errorf("the old PIN still signs in: %d", code)
	}
	kiosk.login("S03", "135790")
	code, ans = admin.do("POST", "/api/admin/staff/S04/pin", nil)
	made, _ := ans["pin"].(string)
	if code != 200 || len(made) != 6 {
		t.Fatalf("generated PIN = %d %v", code, ans)
	}
	kiosk.login("S04", made)

	// The same changes after a restart.
	m.Close()
	n := startMain(t, func(n *Main) { n.DataDir = m.DataDir })
	kiosk = kioskClient(t, n)
	if code, _ := kiosk.do("POST", "/api/tickets", map[string]any{"service": "deed"}); code != 201 {
		t.Errorf("after a restart the new service = %d", code)
	}
	kiosk.login("S03", "135790")
	kiosk.login("S15", pin)
	admin = adminClient(t, n.URL, testAdminPassword)
	code, ans = admin.do("POST", "/api/admin/hall/undo", map[string]any{"version": mustVersion(t, admin)})
	if code != 200 {
		t.Fatalf("undo = %d %v", code, ans)
	}
	kiosk.login("S04", "240104") // the generated PIN was the last change: undone
	n.Close()

	out := new(bytes.Buffer)
	if err := hallCmd([]string{"export", "--data", m.DataDir}, out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "宅基地确权") || !strings.Contains(out.String(), `"pin_hash"`) {
		t.Errorf("yimen hall export: %.300s", out)
	}
}

func mustVersion(t testing.TB, admin *client) float64 {
	v, _ := hallDoc(t, admin)
	return v
}

// TestHallFileImport: --hall imports a file into the data directory when it
// differs from the file imported last, as a change in the log.
func TestHallFileImport(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "hall.json")
	write := func(name string) {
		doc := strings.Replace(smallHallFile, "测试镇", name, 1)
		if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("测试镇")
	data := t.TempDir()
	start := func() (*Main, *client) {
		m := startMain(t, func(m *Main) { m.DataDir, m.HallFile = data, file })
		return m, adminClient(t, m.URL, testAdminPassword)
	}
	m, admin := start()
	v, doc := hallDoc(t, admin)
	doc["notices"] = []string{"服务承诺：一次办好"}
	if code, ans := admin.do("PUT", "/api/admin/hall", map[string]any{"version": v, "hall": doc}); code != 200 {
		t.Fatalf("PUT = %d %v", code, ans)
	}
	m.Close()

	m, admin = start() // the same file: the manager's change stays
	if _, doc := hallDoc(t, admin); doc["notices"] == nil {
		t.Error("a restart with the same --hall undid the manager's change")
	}
	m.Close()

	write("新桥镇") // an edited file is imported as a change
	_, admin = start()
	_, doc = hallDoc(t, admin)
	if !strings.HasPrefix(doc["name"].(string), "新桥镇") || doc["notices"] != nil {
		t.Errorf("an edited --hall was not imported: %v, notices %v", doc["name"], doc["notices"])
	}
	code, ans := admin.do("GET", "/api/admin/hall", nil)
	hist, _ := json.Marshal(ans["history"])
	if code != 200 || strings.Count(string(hist), `"reason":"import"`) != 2 {
		t.Errorf("history: %s", hist)
	}
}

const smallHallFile = `{
  "name": "测试镇便民服务中心",
  "categories": [{"id": "civil", "prefix": "B", "name": "民生事业"}],
  "services": [{"id": "pension", "name": "养老保险", "categories": ["civil"]}],
  "windows": [{"id": "1", "name": "1号窗口", "categories": ["civil"]}],
  "staff": [{"id": "S01", "name": "王丽", "pin": "240101", "windows": ["1"]}]
}`

// TestKioskRefusesOutsideHoursAndPastCaps: hours and caps set live on the
// API answer the kiosk with 409 closed (and when it reopens) or
// cap_reached, and the manager's overrides take effect at once.
func TestKioskRefusesOutsideHoursAndPastCaps(t *testing.T) {
	// Friday 2026-11-20, 18:00 in Shanghai.
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	m := startMain(t, func(m *Main) { m.Now = func() time.Time { return now } })
	admin := adminClient(t, m.URL, testAdminPassword)
	kiosk := kioskClient(t, m)

	v, doc := hallDoc(t, admin)
	doc["hours"] = map[string]any{"open": "08:30", "close": "17:30", "weekdays": []int{1, 2, 3, 4, 5}}
	doc["services"].([]any)[0].(map[string]any)["daily_cap"] = 2
	if code, ans := admin.do("PUT", "/api/admin/hall", map[string]any{"version": v, "hall": doc}); code != 200 {
		t.Fatalf("PUT hours = %d %v", code, ans)
	}
	svc := doc["services"].([]any)[0].(map[string]any)["id"]
	code, ans := kiosk.do("POST", "/api/tickets", map[string]any{"service": svc})
	if code != 409 || ans["code"] != "closed" || ans["opens_at"] != "2026-11-23T08:30:00+08:00" || !strings.Contains(ans["error"].(string), "11月23日（星期一）08:30") {
		t.Fatalf("ticket after hours = %d %v", code, ans)
	}
	if code, ans := kiosk.do("GET", "/api/issuing", nil); code != 200 || ans["open"] != false || ans["text"] != "11月23日（星期一）08:30" {
		t.Errorf("GET /api/issuing = %d %v", code, ans)
	}
	if code, ans := admin.do("POST", "/api/admin/today/extend", map[string]string{"until": "19:00"}); code != 200 || ans["open"] != true {
		t.Fatalf("extend today = %d %v", code, ans)
	}
	for i := range 2 {
		if code, ans := kiosk.do("POST", "/api/tickets", map[string]any{"service": svc}); code != 201 {
			t.Fatalf("ticket %d = %d %v", i+1, code, ans)
		}
	}
	if code, ans := kiosk.do("POST", "/api/tickets", map[string]any{"service": svc}); code != 409 || ans["code"] != "cap_reached" {
		t.Errorf("third ticket with a cap of 2 = %d %v", code, ans)
	}
	if code, ans := admin.do("POST", "/api/admin/today/lift-cap", map[string]any{"service": svc}); code != 200 {
		t.Fatalf("lift cap = %d %v", code, ans)
	}
	if code, ans := kiosk.do("POST", "/api/tickets", map[string]any{"service": svc}); code != 201 {
		t.Errorf("ticket after lifting the cap = %d %v", code, ans)
	}
}

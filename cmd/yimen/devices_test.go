package main

import (
	"context"
	"fmt"
	"strings"
	"testing"

	bridge "github.com/yimen-hall/yimen/firmware-bridge"
)

// Wi-Fi devices reach the daemon's device websocket, show up unassigned
// with an alarm, and the alarm goes once the manager assigns them.
func TestDevicesLearnMode(t *testing.T) {
	m := startMain(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go bridge.RunSimulator(ctx, "ws"+strings.TrimPrefix(m.URL, "http")+"/ws/device", new(syncBuffer))

	c := &client{t: t, base: m.URL}
	_, ans := c.do("POST", "/api/admin/login", map[string]string{"password": testAdminPassword})
	admin := &client{t: t, base: m.URL, token: ans["token"].(string)}
	var board string
	waitFor(t, "three devices with their alarms", func() bool {
		_, floor := admin.do("GET", "/api/admin/floor", nil)
		board = fmt.Sprint(floor["board"].(map[string]any)["alarms"])
		return strings.Count(board, "待分配窗口") == 3
	})
	var hwid string
	for _, a := range m.hub.Alarms() {
		if strings.Contains(a.Text, "窗口屏") {
			hwid = strings.TrimPrefix(a.Source, "device:")
		}
	}
	if hwid == "" {
		t.Fatalf("no alarm for the LED board: %s", board)
	}
	if code, ans := admin.do("POST", "/api/admin/devices/"+hwid+"/assign", map[string]string{"window": "3"}); code != 200 {
		t.Fatalf("assign: %d %v", code, ans)
	}
	for _, a := range m.hub.Alarms() {
		if a.Source == "device:"+hwid {
			t.Errorf("the assigned board still raises %q", a.Text)
		}
	}
	if code, _ := admin.do("POST", "/api/admin/devices/"+hwid+"/assign", map[string]string{"window": "99"}); code != 400 {
		t.Errorf("assign to an unknown window = %d, want 400", code)
	}
}

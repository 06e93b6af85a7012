package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/firmware-bridge/proto"
)

// alarmsMsg is what a push message says of alarms.
type alarmsMsg struct {
	Type   string `json:"type"`
	Alarms []struct {
		Source, Level, Text string
	} `json:"alarms"`
}

// managerAlarms is the manager's alarm list, "source text" each.
func managerAlarms(t *testing.T, admin *client) []string {
	t.Helper()
	code, ans := admin.do("GET", "/api/admin/alarms", nil)
	if code != 200 {
		t.Fatalf("GET /api/admin/alarms = %d %v", code, ans)
	}
	var out []string
	for _, a := range ans["alarms"].([]any) {
		a := a.(map[string]any)
		out = append(out, fmt.Sprint(a["source"], " ", a["text"]))
	}
	return out
}

// TestPublicAlarmsTellNoDetail: a stranger's page on the hall's network,
// unpaired and not signed in, reads the public push as the lobby does.
// When devices are proposed and then drop off, it learns that the hall has
// alarms and how grave, never which device (kind, number, hwid) nor which
// window; the manager's list names them.
func TestPublicAlarmsTellNoDetail(t *testing.T) {
	m := startMain(t, nil)
	admin := adminClient(t, m.URL, testAdminPassword)
	if code, ans := (&client{t: t, base: m.URL}).do("GET", "/api/admin/alarms", nil); code != http.StatusUnauthorized {
		t.Errorf("GET /api/admin/alarms unsigned = %d %v, want 401", code, ans)
	}
	stranger := dialDisplay(t, m, "?screen=lobby")
	if msg := readJSON[alarmsMsg](t, stranger, 5*time.Second); msg.Type != "snapshot" {
		t.Fatalf("first message %q, want the snapshot", msg.Type)
	}

	if code, ans := admin.do("POST", "/api/admin/devices/learn", map[string]int{"minutes": 10}); code != 200 {
		t.Fatalf("learn mode: %d %v", code, ans)
	}
	stop := runSimDevices(m)
	defer stop()
	waitFor(t, "the manager's proposals alarm", func() bool {
		return strings.Join(managerAlarms(t, admin), "|") == "devices:pending 3 台新设备待确认"
	})
	devs := listDevices(t, admin)
	var secrets, hwids []string // what a stranger must not read
	for _, d := range devs {
		if code, ans := admin.do("POST", "/api/admin/devices/"+d.HWID+"/approve", nil); code != 200 {
			t.Fatalf("approve %s: %d %v", d.HWID, code, ans)
		}
		if d.Kind == proto.KindLEDBoard {
			if code, ans := admin.do("POST", "/api/admin/devices/"+d.HWID+"/assign", map[string]string{"window": "3"}); code != 200 {
				t.Fatalf("assign: %d %v", code, ans)
			}
		}
		hwids = append(hwids, d.HWID)
	}
	secrets = append(secrets, hwids...)
	stop()
	var detail []string
	waitFor(t, "the manager's three offline alarms", func() bool {
		detail = managerAlarms(t, admin)
		return len(detail) == 3
	})
	if all := strings.Join(detail, "|"); !strings.Contains(all, "窗口屏（编号 ") || !strings.Contains(all, "窗口 3") || !strings.Contains(all, "device:") {
		t.Errorf("the manager's alarms %q: want each device named, the board with its window", detail)
	}
	for _, d := range detail {
		secrets = append(secrets, strings.SplitN(d, " ", 2)[0]) // device:N
	}
	secrets = append(secrets, "编号", "窗口", "呼叫器", "评价器", "窗口屏", "设备", "device", "devices:pending")

	tell := func(where string, data []byte) {
		t.Helper()
		var msg alarmsMsg
		json.Unmarshal(data, &msg)
		for _, a := range msg.Alarms {
			if a.Source != "hall" || (a.Level != "warn" && a.Level != "error") || a.Text == "" {
				t.Errorf("%s: public alarm %+v, want source hall, a level and a plain text", where, a)
			}
		}
		// The board itself names windows; its alarms must not, and no part
		// of the message names a device.
		alarms, _ := json.Marshal(msg.Alarms)
		for _, s := range secrets {
			if strings.Contains(string(alarms), s) {
				t.Errorf("%s: its alarms carry %q: %s", where, s, alarms)
			}
		}
		for _, s := range append(hwids, "device") {
			if strings.Contains(string(data), s) {
				t.Errorf("%s carries %q", where, s)
			}
		}
	}
	// Every message the stranger got while it happened, up to the list of
	// three.
	for {
		stranger.SetReadDeadline(time.Now().Add(patience))
		_, data, err := stranger.ReadMessage()
		if err != nil {
			t.Fatalf("the stranger's push ended before the three alarms: %v", err)
		}
		var msg alarmsMsg
		if json.Unmarshal(data, &msg); msg.Type != "alarm" {
			continue
		}
		tell("an alarm message", data)
		if len(msg.Alarms) == 3 {
			break
		}
	}
	// And a page that comes now.
	late := dialDisplay(t, m, "")
	late.SetReadDeadline(time.Now().Add(patience))
	_, snap, err := late.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	tell("a new page's snapshot", snap)
	var msg alarmsMsg
	if json.Unmarshal(snap, &msg); len(msg.Alarms) != 3 {
		t.Errorf("the snapshot has %d alarms, want the 3 (without their detail)", len(msg.Alarms))
	}
}

package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	bridge "github.com/yimen-hall/yimen/firmware-bridge"
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"github.com/yimen-hall/yimen/firmware-bridge/sim"
)

// Wi-Fi devices are only proposed by their HELLO, during learn mode; the
// manager sees one alarm counting them, approves each over the API, and
// assigns it. Nothing on the public push names a device's hwid, even
// when an approved device drops off.
func TestDevicesPairing(t *testing.T) {
	m := startMain(t, nil)
	c := &client{t: t, base: m.URL}
	_, ans := c.do("POST", "/api/admin/login", map[string]string{"password": testAdminPassword})
	admin := &client{t: t, base: m.URL, token: ans["token"].(string)}
	if code, _ := c.do("POST", "/api/admin/devices/learn", map[string]int{"minutes": 10}); code != http.StatusUnauthorized {
		t.Errorf("learn mode without the manager: %d, want 401", code)
	}
	if code, ans := admin.do("POST", "/api/admin/devices/learn", map[string]int{"minutes": 10}); code != 200 || ans["learning"] != true {
		t.Fatalf("learn mode: %d %v", code, ans)
	}

	stop := runSimDevices(m)
	defer stop()

	waitFor(t, "one alarm for the three proposals", func() bool {
		as := m.hub.Alarms()
		return len(as) == 1 && as[0].Text == "3 台新设备待确认"
	})
	devs := listDevices(t, admin)
	if len(devs) != 3 {
		t.Fatalf("devices = %+v", devs)
	}
	var board string
	for _, d := range devs {
		if d.State != bridge.StatePending {
			t.Errorf("%s is %s before approval", d.HWID, d.State)
		}
		if code, _ := admin.do("POST", "/api/admin/devices/"+d.HWID+"/assign", map[string]string{"window": "3"}); code == 200 {
			t.Errorf("a proposal was assigned before approval")
		}
		if code, ans := admin.do("POST", "/api/admin/devices/"+d.HWID+"/approve", nil); code != 200 {
			t.Fatalf("approve %s: %d %v", d.HWID, code, ans)
		}
		if d.Kind == proto.KindLEDBoard {
			board = d.HWID
		}
	}
	waitFor(t, "the proposals alarm cleared", func() bool { return len(m.hub.Alarms()) == 0 })
	if code, ans := admin.do("POST", "/api/admin/devices/"+board+"/assign", map[string]string{"window": "3"}); code != 200 {
		t.Fatalf("assign: %d %v", code, ans)
	}
	if code, _ := admin.do("POST", "/api/admin/devices/"+board+"/assign", map[string]string{"window": "99"}); code != 400 {
		t.Errorf("assign to an unknown window = %d, want 400", code)
	}
	if code, _ := admin.do("POST", "/api/admin/devices/"+board+"/approve", nil); code != 404 {
		t.Errorf("approving a paired device again = %d, want 404", code)
	}

	// the devices drop off: an alarm per device, naming its number
	stop()
	waitFor(t, "offline alarms", func() bool { return len(m.hub.Alarms()) == 3 })
	var texts []string
	for _, a := range m.hub.Alarms() {
		texts = append(texts, a.Source+" "+a.Text)
	}
	if !strings.Contains(strings.Join(texts, "|"), "窗口屏（编号 ") {
		t.Errorf("alarms %q: want the board named by its number", texts)
	}
	push := dialDisplay(t, m, "")
	push.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, snap, err := push.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range devs {
		if strings.Contains(string(snap), d.HWID) {
			t.Errorf("the public push carries hwid %s: %s", d.HWID, snap)
		}
	}
}

// The device websocket refuses a page of another site and a message larger
// than a frame.
func TestDeviceSocketLimits(t *testing.T) {
	m := startMain(t, nil)
	url := "ws" + strings.TrimPrefix(m.URL, "http") + "/ws/device"
	if _, resp, err := websocket.DefaultDialer.Dial(url, http.Header{"Origin": {"http://evil.example"}}); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site device socket: %v, want 403", err)
	}
	conn, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.WriteMessage(websocket.BinaryMessage, make([]byte, 1<<20))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, _, err := conn.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
		t.Errorf("after a 1 MB message: %v, want close 1009", err)
	}
}

type deviceRow struct {
	HWID   string     `json:"hwid"`
	State  string     `json:"state"`
	Kind   proto.Kind `json:"kind"`
	No     int        `json:"no"`
	Window string     `json:"window"`
}

func listDevices(t *testing.T, admin *client) []deviceRow {
	t.Helper()
	req, _ := http.NewRequest("GET", admin.base+"/api/admin/devices", nil)
	req.Header.Set("Authorization", "Bearer "+admin.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out []deviceRow
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// runSimDevices connects the simulator's three devices (a call pad, a
// rating tablet, an LED board) to the daemon's device websocket; stop
// disconnects them and waits until they are gone (calling it again does
// nothing).
func runSimDevices(m *Main) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		sim.Run(ctx, "ws"+strings.TrimPrefix(m.URL, "http")+"/ws/device", new(syncBuffer))
		close(done)
	}()
	return func() { cancel(); <-done }
}

package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// pushMsg is the part of a push message the tests read.
type pushMsg struct {
	Type    string `json:"type"`
	Seq     uint64 `json:"seq"`
	Boot    string `json:"boot"`
	Day     string `json:"day"`
	Number  string `json:"number"`
	Window  string `json:"window"`
	Recall  bool   `json:"recall"`
	Windows []struct {
		ID     string `json:"id"`
		State  string `json:"state"`
		Number string `json:"number"`
	} `json:"windows"`
	Queues []struct {
		Category    string `json:"category"`
		Waiting     int    `json:"waiting"`
		WaitMinutes *int   `json:"wait_minutes"`
		NoWindow    bool   `json:"no_window"`
	} `json:"queues"`
	Staff []struct {
		ID         string `json:"id"`
		Status     string `json:"status"`
		StatusName string `json:"status_name"`
		Until      string `json:"until"`
	} `json:"staff"`
	Services []struct {
		ID            string `json:"id"`
		Category      string `json:"category"`
		Ahead         int    `json:"ahead"`
		AheadPriority int    `json:"ahead_priority"`
		WaitMinutes   *int   `json:"wait_minutes"`
		NoWindow      bool   `json:"no_window"`
	} `json:"services"`
	Recent []struct {
		Number      string `json:"number"`
		Window      string `json:"window"`
		Appointment bool   `json:"appointment"`
	} `json:"recent"`
	Call *struct {
		Number      string `json:"number"`
		WindowName  string `json:"window_name"`
		Appointment bool   `json:"appointment"`
	} `json:"call"`
}

func dialDisplay(t testing.TB, m *Main, query string) *websocket.Conn {
	t.Helper()
	url := "ws" + strings.TrimPrefix(m.URL, "http") + "/ws/display" + query
	conn, _, err := websocket.DefaultDialer.Dial(url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func readMsg(t testing.TB, conn *websocket.Conn) pushMsg {
	t.Helper()
	return readJSON[pushMsg](t, conn, 5*time.Second)
}

// readJSON reads one push message into a T.
func readJSON[T any](t testing.TB, conn *websocket.Conn, wait time.Duration) T {
	t.Helper()
	var m T
	conn.SetReadDeadline(time.Now().Add(wait))
	_, data, err := conn.ReadMessage()
	if err != nil {
		t.Fatalf("read push message: %v", err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("push message is not JSON: %s", data)
	}
	return m
}

func TestDisplayPush(t *testing.T) {
	m := startMain(t, nil)
	kiosk := kioskClient(t, m)
	kiosk.do("POST", "/api/tickets", map[string]any{"service": "birth"}) // D001 before anyone watches

	lobby := dialDisplay(t, m, "")
	snap := readMsg(t, lobby)
	if snap.Type != "snapshot" || snap.Boot == "" || len(snap.Windows) != 8 || len(snap.Staff) != 14 {
		t.Fatalf("first message = %+v", snap)
	}
	for _, q := range snap.Queues {
		if q.Category == "health" && q.Waiting != 1 {
			t.Errorf("snapshot health queue = %d, want 1", q.Waiting)
		}
	}

	clerk := kiosk.login("S09", "240109") // window 6, health
	clerk.do("POST", "/api/windows/6/next", nil)
	seq := snap.Seq
	var called pushMsg
	for called.Type != "called" {
		msg := readMsg(t, lobby)
		if msg.Seq != seq+1 {
			t.Fatalf("seq %d after %d: must rise by exactly one", msg.Seq, seq)
		}
		seq = msg.Seq
		called = msg
	}
	if called.Number != "D001" || called.Window != "6" || called.Recall {
		t.Errorf("called message = %+v", called)
	}
	if len(called.Windows) == 0 || called.Windows[0].Number != "D001" || called.Windows[0].State != "called" {
		t.Errorf("called message's window patch = %+v", called.Windows)
	}
	if called.Call == nil || called.Call.Number != "D001" || called.Call.WindowName != "6号窗口" || called.Recent != nil {
		t.Errorf("called message: call %+v, recent %+v (a call carries only itself)", called.Call, called.Recent)
	}

	// A screen that missed messages catches up from the ring...
	lastSeen := seq
	clerk.do("POST", "/api/windows/6/recall", nil)
	clerk.do("PUT", "/api/staff/S09/status", map[string]string{"status": "break", "until": "14:00"})
	late := dialDisplay(t, m, fmt.Sprintf("?since=%d&boot=%s", lastSeen, snap.Boot))
	r1 := readMsg(t, late)
	if r1.Seq != lastSeen+1 || r1.Type != "called" || !r1.Recall {
		t.Errorf("first replayed message = %+v, want the recall at seq %d", r1, lastSeen+1)
	}
	// The clerk went on break with D001 called: it goes back to its line
	// first, then the board shows the break.
	if r := readMsg(t, late); r.Type != "returned" || r.Number != "D001" || r.Seq != lastSeen+2 {
		t.Errorf("second replayed message = %+v, want D001 returned", r)
	}
	r2 := readMsg(t, late)
	if r2.Type != "staff" || r2.Seq != lastSeen+3 || len(r2.Staff) == 0 || r2.Staff[0].Status != "break" || r2.Staff[0].Until != "14:00" {
		t.Errorf("second replayed message = %+v", r2)
	}
	// ...and one from another boot, or too far back, gets a snapshot.
	for _, q := range []string{"?since=1&boot=other", "?since=999999&boot=" + snap.Boot} {
		c := dialDisplay(t, m, q)
		if msg := readMsg(t, c); msg.Type != "snapshot" {
			t.Errorf("%s: first message %q, want snapshot", q, msg.Type)
		}
	}
}

package web

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/yimen-hall/yimen/display"
)

type screenMsg struct {
	Type string `json:"type"`
	Seq  uint64 `json:"seq"`
}

func dialScreen(t *testing.T, url string) *websocket.Conn {
	t.Helper()
	conn, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(url, "http")+"/ws/display", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A screen that reads slowly is never cut off, however far behind it
// falls: it is brought up to date (with a snapshot when far behind) and
// sees every seq in order. A screen that reads nothing at all is closed
// once its socket has accepted nothing for the stall time, and does not
// hold up the others meanwhile.
func TestSlowScreenIsNotDropped(t *testing.T) {
	s, _ := newTestServer(t)
	s.screens.stall = 3 * time.Second
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)

	stuck := dialScreen(t, ts.URL) // reads nothing until the end
	slow := dialScreen(t, ts.URL)
	waitUntil(t, "both screens to connect", func() bool { return s.screens.live.Load() == 2 })

	var at, snapshots atomic.Uint64 // the slow screen's seq, and snapshots it got
	failed := make(chan error, 1)
	go func() {
		for {
			slow.SetReadDeadline(time.Now().Add(60 * time.Second))
			_, data, err := slow.ReadMessage()
			if err != nil {
				failed <- err
				return
			}
			var m screenMsg
			if err := json.Unmarshal(data, &m); err != nil {
				failed <- err
				return
			}
			if m.Type == "snapshot" {
				snapshots.Add(1)
			} else if m.Seq != at.Load()+1 {
				failed <- fmt.Errorf("seq %d after %d", m.Seq, at.Load())
				return
			}
			at.Store(m.Seq)
			time.Sleep(time.Millisecond) // a slow TV box: about a thousand messages a second
		}
	}()

	// Big messages (10 KB alarms) fill the loopback socket buffers fast;
	// keep publishing until the stuck screen is closed.
	text := strings.Repeat("打印机缺纸", 700)
	deadline := time.Now().Add(90 * time.Second)
	for i := 0; s.screens.live.Load() == 2; i++ {
		if time.Now().After(deadline) {
			t.Fatal("the screen that reads nothing was never closed")
		}
		s.hub.SetAlarm(display.Alarm{Source: "printer", Level: "error", Text: fmt.Sprint(i, text)})
		if i%100 == 99 {
			time.Sleep(10 * time.Millisecond)
		}
	}
	final := s.hub.Seq()
	waitUntil(t, "the slow screen to be current", func() bool {
		select {
		case err := <-failed:
			t.Fatalf("the slow screen, at seq %d: %v", at.Load(), err)
		default:
		}
		return at.Load() == final
	})
	t.Logf("slow screen current at seq %d after %d snapshots", final, snapshots.Load())
	if snapshots.Load() < 2 {
		t.Errorf("the slow screen got %d snapshots: it never fell behind, so the test proved nothing", snapshots.Load())
	}
	if n := s.screens.live.Load(); n != 1 {
		t.Errorf("%d screens connected, want the slow one", n)
	}
	// The stuck screen finds its connection ended after what its socket
	// buffers held.
	for {
		stuck.SetReadDeadline(time.Now().Add(20 * time.Second))
		if _, _, err := stuck.ReadMessage(); err != nil {
			if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
				t.Fatal("the stuck screen's connection did not end")
			}
			break
		}
	}
}

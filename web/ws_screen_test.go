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
			time.Sleep(10 * time.Millisecond) // a slow TV box: about a hundred messages a second
		}
	}()

	// Big messages (a list of 100 alarms, about 10 KB on the public
	// push) fill the loopback socket buffers fast; keep publishing until
	// the stuck screen is closed.
	text := strings.Repeat("打印机缺纸", 700)
	deadline := time.Now().Add(90 * time.Second)
	for i := 0; s.screens.live.Load() == 2; i++ {
		if time.Now().After(deadline) {
			t.Fatal("the screen that reads nothing was never closed")
		}
		s.hub.SetAlarm(display.Alarm{Source: fmt.Sprint("device:", i%100), Level: "error", Text: fmt.Sprint(i, text)})
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

// Messages of every size reach every screen whole and in order, however
// the pushers bunch them into one write: short ones, ones whose frame
// length takes two bytes and ones that take eight, published faster than
// the screens read.
func TestPushedFramesOfEverySize(t *testing.T) {
	s, _ := newTestServer(t)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	const screens = 3
	var conns [screens]*websocket.Conn
	for i := range conns {
		conns[i] = dialScreen(t, ts.URL)
	}
	waitUntil(t, "the screens to connect", func() bool { return s.screens.live.Load() == screens })
	sizes := []int{10, 200, 40_000, 100_000} // bytes of alarm text (3 per character)
	for round := range 5 {
		for _, n := range sizes {
			s.hub.SetAlarm(display.Alarm{Source: "printer", Level: "error", Text: fmt.Sprint(round, n, strings.Repeat("缺", n/3))})
		}
	}
	final := s.hub.Seq()
	for i, c := range conns {
		var at uint64
		for at < final {
			c.SetReadDeadline(time.Now().Add(patienceWS))
			_, data, err := c.ReadMessage()
			if err != nil {
				t.Fatalf("screen %d at seq %d of %d: %v", i, at, final, err)
			}
			var m struct {
				screenMsg
				Alarms []display.Alarm `json:"alarms"`
			}
			if err := json.Unmarshal(data, &m); err != nil {
				t.Fatalf("screen %d after seq %d: %d bytes that are not one message: %v", i, at, len(data), err)
			}
			if m.Type != "snapshot" && m.Seq != at+1 {
				t.Fatalf("screen %d: seq %d after %d", i, m.Seq, at)
			}
			at = m.Seq
		}
	}
}

// A screen that is sent nothing for a while is pinged, and stays
// connected past the time its reader waits for a pong.
func TestIdleScreenIsPinged(t *testing.T) {
	s, _ := newTestServer(t)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	conn := dialScreen(t, ts.URL)
	var pings atomic.Int64
	conn.SetPingHandler(func(data string) error {
		pings.Add(1)
		return conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
	})
	done := make(chan error, 1)
	go func() {
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				done <- err
				return
			}
		}
	}()
	waitUntil(t, "pings past the pong wait", func() bool { return pings.Load() > int64(wsPongWait/wsPingPeriod) })
	select {
	case err := <-done:
		t.Fatalf("the idle screen's connection ended: %v", err)
	default:
	}
	if n := s.screens.live.Load(); n != 1 {
		t.Errorf("%d screens connected, want the idle one", n)
	}
}

// patienceWS bounds a read that should complete at once.
const patienceWS = 60 * time.Second

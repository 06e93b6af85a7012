package main

import (
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// After Close nothing of the daemon is left running: every goroutine it
// started (screens, devices, the committer, timers of its own) has ended,
// and connected lobby screens and devices see their connections end.
func TestCloseLeavesNothingRunning(t *testing.T) {
	http.DefaultClient.CloseIdleConnections()
	before := runtime.NumGoroutine()
	m := startMain(t, nil)
	k := kioskClient(t, m)
	k.do("POST", "/api/tickets", map[string]any{"service": "medicare"})
	ws := "ws" + strings.TrimPrefix(m.URL, "http")
	screen, _, err := websocket.DefaultDialer.Dial(ws+"/ws/display", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer screen.Close()
	device, _, err := websocket.DefaultDialer.Dial(ws+"/ws/device", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer device.Close()
	// Both are being served before the daemon stops.
	screen.SetReadDeadline(time.Now().Add(patience))
	if _, _, err := screen.ReadMessage(); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	closed := make(chan struct{})
	go func() {
		m.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(patience):
		t.Fatal("Close did not return")
	}
	t.Logf("Close took %v", time.Since(start))
	// The device's link was served until Close, and Close waits for it:
	// no device session may still be reading (it used to run on until the
	// device's own timeout, or for good while the device kept talking).
	buf := make([]byte, 1<<20)
	if stacks := string(buf[:runtime.Stack(buf, true)]); strings.Contains(stacks, "(*wsSession).reader") {
		t.Errorf("a device session still runs after Close:\n%s", stacks)
	}
	for name, c := range map[string]*websocket.Conn{"lobby screen": screen, "device": device} {
		c.SetReadDeadline(time.Now().Add(patience))
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
					t.Errorf("the %s's connection outlived Close", name)
				}
				break
			}
		}
		t.Logf("%s ended %v after Close began", name, time.Since(start))
	}
	screen.Close()
	device.Close()
	k.hc = nil
	http.DefaultClient.CloseIdleConnections()
	deadline := time.Now().Add(patience)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("%d goroutines after Close, %d before:\n%s", runtime.NumGoroutine(), before, buf[:n])
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("goroutines: %d before, %d after", before, runtime.NumGoroutine())
}

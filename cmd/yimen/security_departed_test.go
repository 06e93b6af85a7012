package main

import (
	"io"
	"testing"
	"time"
)

// TestDepartedScreenIsClosedPromptly: a lobby TV switched off at the wall
// leaves a half-open socket that never answers again. It took about 50 s
// before the daemon let it go; now it pings every 5 s and closes a screen
// silent for 15 s. The test's screen reads the raw socket and so never
// answers a ping, as a dead TV would not.
func TestDepartedScreenIsClosedPromptly(t *testing.T) {
	m := startMain(t, nil)
	conn := dialDisplay(t, m, "")
	readMsg(t, conn) // the snapshot: the screen is live
	raw := conn.NetConn()
	start := time.Now()
	raw.SetReadDeadline(time.Now().Add(45 * time.Second))
	buf := make([]byte, 4096)
	for {
		if _, err := raw.Read(buf); err != nil {
			if err != io.EOF {
				t.Fatalf("the silent screen was still open after %v (%v)", time.Since(start).Round(time.Second), err)
			}
			break
		}
	}
	if el := time.Since(start); el > 30*time.Second {
		t.Errorf("the silent screen was closed after %v, want within about 20 s", el.Round(time.Second))
	} else {
		t.Logf("the silent screen was closed after %v", el.Round(time.Second))
	}
}

package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestSlowBodiesDoNotStarveHealthz is issue 9 point 6's attack: thousands
// of connections each trickling a request body held the daemon at its
// descriptor limit and /healthz timed out. Here the daemon runs with a
// limit of 256 descriptors and a stranger from 20 addresses keeps 600
// slow bodies open, reopening any that is closed; /healthz must still
// answer, every time.
func TestSlowBodiesDoNotStarveHealthz(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("binds many loopback addresses and sets a descriptor limit")
	}
	cmd := exec.Command("sh", "-c", `ulimit -n 256 && exec "$0" "$@"`, os.Args[0],
		"--addr", "127.0.0.1:0", "--data", t.TempDir(), "--printer", "none")
	d := startDaemonCmd(t, cmd)
	addr := strings.TrimPrefix(d.url, "http://")

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	opened := 0
	for a := range 20 {
		dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 2, byte(1+a))}, Timeout: 2 * time.Second}
		for range 30 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					c, err := dialer.Dial("tcp", addr)
					if err != nil {
						time.Sleep(50 * time.Millisecond)
						continue
					}
					mu.Lock()
					opened++
					mu.Unlock()
					fmt.Fprintf(c, "POST /api/tickets HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{", addr)
					// Trickle a byte now and then until the daemon hangs up.
					buf := make([]byte, 1)
					for {
						c.SetReadDeadline(time.Now().Add(time.Second))
						if _, err := c.Read(buf); err != nil && !isTimeout(err) {
							break
						}
						if _, err := c.Write([]byte(" ")); err != nil {
							break
						}
						select {
						case <-stop:
							c.Close()
							return
						default:
						}
					}
					c.Close()
				}
			})
		}
	}
	defer func() { close(stop); wg.Wait() }()
	waitFor(t, "600 slow connections", func() bool { mu.Lock(); defer mu.Unlock(); return opened >= 600 })

	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for i := range 10 {
		t0 := time.Now()
		resp, err := hc.Get(d.url + "/healthz")
		if err != nil {
			t.Fatalf("/healthz #%d under the slow-body attack: %v", i, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "ok") {
			t.Fatalf("/healthz #%d = %d %q", i, resp.StatusCode, body)
		}
		t.Logf("/healthz #%d answered in %v", i, time.Since(t0).Round(time.Millisecond))
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

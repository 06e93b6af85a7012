package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/web"
)

// benchLogin measures what a login storm costs the kiosks: a kiosk issues
// numbers one after another, first alone, then while `attackers`
// addresses (127.0.1.x) send sign-ins with unknown staff ids and wrong
// PINs as fast as they are answered. The daemon uses bcrypt's default
// cost, as a hall does.
func benchLogin(ctx context.Context, out io.Writer, attackers int, d time.Duration) error {
	c, cleanup, err := startBenchChild()
	if err != nil {
		return err
	}
	defer cleanup()
	token, err := c.kioskToken()
	if err != nil {
		return err
	}
	kioskHC := &http.Client{Timeout: 10 * time.Second}
	issue := func(until time.Time) ([]time.Duration, error) {
		var lat []time.Duration
		for time.Now().Before(until) && ctx.Err() == nil {
			t0 := time.Now()
			resp, err := c.request(kioskHC, "POST", "/api/tickets", token, `{"service":"guide"}`)
			if err != nil {
				return nil, err
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				return nil, fmt.Errorf("issue: %s", resp.Status)
			}
			lat = append(lat, time.Since(t0))
		}
		return lat, nil
	}
	base, err := issue(time.Now().Add(d))
	if err != nil {
		return err
	}
	known, unknown, err := signInTimes(c, 10)
	if err != nil {
		return err
	}

	storm := func(login bool) (lat []time.Duration, sent, checked, refused, busy int64, err error) {
		var nSent, nChecked, nRefused, nBusy atomic.Int64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for a := range attackers {
			wg.Go(func() {
				dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 1, byte(1+a%250))}}
				hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: dialer.DialContext}}
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					var resp *http.Response
					var err error
					if login {
						body := fmt.Sprintf(`{"staff":"X%d-%d","pin":"%06d"}`, a, i, i)
						if i%2 == 1 {
							body = fmt.Sprintf(`{"staff":"S%02d","pin":"%06d"}`, 1+i%14, i)
						}
						resp, err = c.request(hc, "POST", "/api/login", "", body)
					} else {
						resp, err = c.request(hc, "GET", "/api/kiosk/me", "", "")
					}
					if err != nil {
						continue
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					nSent.Add(1)
					switch resp.StatusCode {
					case http.StatusUnauthorized:
						nChecked.Add(1)
					case http.StatusTooManyRequests:
						nRefused.Add(1)
					case http.StatusServiceUnavailable:
						nBusy.Add(1)
					}
				}
			})
		}
		lat, err = issue(time.Now().Add(d))
		close(stop)
		wg.Wait()
		return lat, nSent.Load(), nChecked.Load(), nRefused.Load(), nBusy.Load(), err
	}
	control, csent, _, _, _, err := storm(false)
	if err != nil {
		return err
	}
	logins, sent, checked, refused, busy, err := storm(true)
	if err != nil {
		return err
	}
	q := func(l []time.Duration) string {
		return fmt.Sprintf("p50 %v p99 %v (%d tickets)", percentile(l, 0.5).Round(10*time.Microsecond), percentile(l, 0.99).Round(10*time.Microsecond), len(l))
	}
	fmt.Fprintf(out, "login storm: a kiosk's issue latency alone %s; while %d addresses flood a cheap GET (%d answered) %s; while they send wrong sign-ins %s\n",
		q(base), attackers, csent, q(control), q(logins))
	fmt.Fprintf(out, "login storm: %d sign-ins answered in %v: %d checked (wrong), %d refused before any bcrypt work, %d told busy\n",
		sent, d, checked, refused, busy)
	fmt.Fprintf(out, "login timing: a wrong PIN for a real clerk answers in p50 %v, for a staff id that does not exist in p50 %v (10 each, before the storm)\n",
		percentile(known, 0.5).Round(100*time.Microsecond), percentile(unknown, 0.5).Round(100*time.Microsecond))
	staff := len(queue.DemoHall().Staff)
	perYear, years := web.GuessFigures(staff)
	fmt.Fprintf(out, "guessing: strangers get at most %.0f wrong tries a year from any number of addresses; expected time to guess one six-digit PIN of %d clerks: %.0f years (%.1f%% chance within a year)\n",
		perYear, staff, years, 100*perYear/1e6)
	return nil
}

// startBenchChild starts a daemon without a printer on a fresh data
// directory; cleanup stops it and removes the directory.
func startBenchChild() (*child, func(), error) {
	dir, err := os.MkdirTemp("", "yimen-bench-")
	if err != nil {
		return nil, nil, err
	}
	c, err := startChild(dir, "--printer", "none")
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return c, func() { c.stop(); os.RemoveAll(dir) }, nil
}

// signInTimes times wrong sign-ins for real clerks and for ids that do
// not exist, n of each, alternating, each from its own address (so that
// no address's delay starts): the two must not be told apart.
func signInTimes(c *child, n int) (known, unknown []time.Duration, err error) {
	for i := range 2 * n {
		dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 3, byte(1+i))}}
		hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: dialer.DialContext}}
		body := fmt.Sprintf(`{"staff":"S%02d","pin":"000000"}`, 1+i%14)
		if i%2 == 1 {
			body = fmt.Sprintf(`{"staff":"NOBODY%d","pin":"000000"}`, i)
		}
		t0 := time.Now()
		resp, err := c.request(hc, "POST", "/api/login", "", body)
		if err != nil {
			return nil, nil, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			return nil, nil, fmt.Errorf("timing sign-in: %s", resp.Status)
		}
		if i%2 == 0 {
			known = append(known, time.Since(t0))
		} else {
			unknown = append(unknown, time.Since(t0))
		}
	}
	return known, unknown, nil
}

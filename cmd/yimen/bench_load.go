package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// benchIssue issues tickets over HTTP from concurrent kiosks for a while;
// each answer is a durable (fsync'd) ticket.
func benchIssue(ctx context.Context, out io.Writer, kiosks int, d time.Duration, printerURI string) error {
	dir, err := os.MkdirTemp("", "yimen-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	c, err := startChild(dir, "--printer", printerURI)
	if err != nil {
		return err
	}
	defer c.stop()
	token, err := c.kioskToken()
	if err != nil {
		return err
	}
	st := issueLoad(ctx, c.url, token, kiosks, 0, d)
	fmt.Fprintf(out, "issue: %d kiosks, printer %s, %v: %d tickets (%d failed), %.0f tickets/s, latency p50 %v p99 %v\n",
		kiosks, printerURI, st.elapsed.Round(time.Millisecond), st.ok, st.failed, st.rate(),
		percentile(st.lat, 0.5).Round(10*time.Microsecond), percentile(st.lat, 0.99).Round(10*time.Microsecond))
	return nil
}

// issueStats is the outcome of an issuing load.
type issueStats struct {
	ok, failed int
	elapsed    time.Duration
	lat        []time.Duration
}

func (st issueStats) rate() float64 { return float64(st.ok) / st.elapsed.Seconds() }

// then is st followed by next, as if next had run right after st.
func (st issueStats) then(next issueStats) issueStats {
	out := issueStats{ok: st.ok + next.ok, failed: st.failed + next.failed, elapsed: st.elapsed + next.elapsed}
	out.lat = append(slices.Clip(st.lat), next.lat...)
	return out
}

// issueLoad issues tickets over HTTP from concurrent kiosks until n
// tickets (0: no limit) or d has passed; each answer is a durable
// (fsync'd) ticket. A token, when given, is the kiosks' credential.
func issueLoad(ctx context.Context, url, token string, kiosks, n int, d time.Duration) issueStats {
	services := []string{"medicare", "pension", "housing", "birth", "subsidy", "guide", "dispute", "land"}
	var (
		st     issueStats
		issued atomic.Int64
		mu     sync.Mutex
		wg     sync.WaitGroup
	)
	deadline := time.Now().Add(d)
	tr := &http.Transport{MaxIdleConnsPerHost: kiosks}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	start := time.Now()
	for k := range kiosks {
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				if n > 0 && issued.Add(1) > int64(n) {
					return
				}
				body := fmt.Sprintf(`{"service":%q,"priority":%t}`, services[(k+i)%len(services)], i%10 == 0)
				req, _ := http.NewRequest("POST", url+"/api/tickets", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				if token != "" {
					req.Header.Set("Authorization", "Bearer "+token)
				}
				t0 := time.Now()
				resp, err := hc.Do(req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				now := time.Now()
				mu.Lock()
				if err != nil || resp.StatusCode != http.StatusCreated {
					st.failed++
				} else {
					st.ok++
					st.lat = append(st.lat, now.Sub(t0))
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	st.elapsed = time.Since(start)
	return st
}

// benchFanout connects many lobby screens, then measures, for each clerk
// "next", the time until every screen has the called message; and the
// daemon's resident memory with those screens connected.
func benchFanout(ctx context.Context, out io.Writer, screens, calls int, finish bool) error {
	dir, err := os.MkdirTemp("", "yimen-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	c, err := startChild(dir, "--printer", "none")
	if err != nil {
		return err
	}
	defer c.stop()
	idle, _ := rssMB(c.cmd.Process.Pid)

	wsURL := "ws" + strings.TrimPrefix(c.url, "http") + "/ws/display"
	got := make(chan recv, screens*4)
	set, err := dialScreens(wsURL, screens)
	if err != nil {
		return err
	}
	defer set.close()
	stop := make(chan struct{})
	defer close(stop)
	go set.run(got, stop)
	time.Sleep(time.Second) // let every snapshot arrive
	connected, _ := rssMB(c.cmd.Process.Pid)

	hc := &http.Client{Timeout: 10 * time.Second}
	post := func(path, token, body string) (*http.Response, error) {
		return c.request(hc, "POST", path, token, body)
	}
	kioskTok, err := c.kioskToken()
	if err != nil {
		return err
	}
	resp, err := post("/api/login", "", `{"staff":"S01","pin":"240101"}`)
	if err != nil {
		return err
	}
	var login struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	if login.Token == "" {
		return fmt.Errorf("login failed: %s", resp.Status)
	}
	// Every ticket is taken first, and each call's ticket is finished
	// (办结) before the next call, with time for those messages to reach
	// the screens: the clock then measures "next" → "called" alone, not
	// messages that happen to be on their way to the screens before it.
	discard := func(r *http.Response, err error) {
		if err == nil {
			io.Copy(io.Discard, r.Body)
			r.Body.Close()
		}
	}
	for range calls {
		discard(post("/api/tickets", kioskTok, `{"service":"guide"}`))
	}
	time.Sleep(time.Second)
	first := true
	all, worst, err := measureCalls(ctx, got, screens, calls, func() error {
		if !first && finish {
			discard(post("/api/windows/1/finish", login.Token, `{"outcome":"immediate"}`))
		}
		first = false
		time.Sleep(50 * time.Millisecond)
		return nil
	}, func() (*http.Response, error) { return post("/api/windows/1/next", login.Token, "") })
	if err != nil {
		return err
	}
	after, _ := rssMB(c.cmd.Process.Pid)
	how := "each ticket finished before the next call"
	if !finish {
		how = "next finishes the ticket at the window"
	}
	fmt.Fprintf(out, "fanout (%s): %d screens, %d calls: next → called at a screen p50 %v p99 %v; at the last screen p50 %v p99 %v\n",
		how, screens, len(worst), percentile(all, 0.5).Round(10*time.Microsecond), percentile(all, 0.99).Round(10*time.Microsecond),
		percentile(worst, 0.5).Round(10*time.Microsecond), percentile(worst, 0.99).Round(10*time.Microsecond))
	fmt.Fprintf(out, "memory: daemon RSS %.1f MB idle, %.1f MB with %d screens, %.1f MB after the calls\n", idle, connected, screens, after)
	return nil
}

// measureCalls makes calls calls, each after prepare, and times each from
// just before next until every screen has its called message: every
// screen's time, and the last screen's for each call.
func measureCalls(ctx context.Context, got <-chan recv, screens, calls int, prepare func() error, next func() (*http.Response, error)) (all, worst []time.Duration, err error) {
	all, worst, lost, err := measureCallsLost(ctx, got, screens, calls, prepare, next)
	if err == nil && lost > 0 {
		err = fmt.Errorf("%d of %d screens stopped getting calls", lost, screens)
	}
	return all, worst, err
}

// measureCallsLost is measureCalls that goes on when screens stop getting
// calls (a daemon that cut them off), and says how many did.
func measureCallsLost(ctx context.Context, got <-chan recv, screens, calls int, prepare func() error, next func() (*http.Response, error)) (all, worst []time.Duration, lost int, err error) {
	for i := 0; i < calls && ctx.Err() == nil; i++ {
		if err := prepare(); err != nil {
			return nil, nil, lost, err
		}
		t0 := time.Now()
		r, err := next()
		if err != nil {
			return nil, nil, lost, err
		}
		var ans struct{ Ticket struct{ Number string } }
		json.NewDecoder(r.Body).Decode(&ans)
		r.Body.Close()
		var last time.Duration
		timeout := time.NewTimer(10 * time.Second)
		for n := 0; n < screens-lost; {
			select {
			case m := <-got:
				if m.number != ans.Ticket.Number {
					continue
				}
				d := m.at.Sub(t0)
				all = append(all, d)
				last = max(last, d)
				n++
			case <-timeout.C:
				lost = screens - n // the others are gone for good
			}
		}
		timeout.Stop()
		worst = append(worst, last)
		time.Sleep(20 * time.Millisecond)
	}
	return all, worst, lost, nil
}

// calledNumber finds the number of a "called" message without decoding
// the whole message.
func calledNumber(data []byte) (string, bool) {
	if !bytes.HasPrefix(data, []byte(`{"type":"called",`)) {
		return "", false
	}
	_, rest, ok := bytes.Cut(data, []byte(`"number":"`))
	if !ok {
		return "", false
	}
	n, _, ok := bytes.Cut(rest, []byte(`"`))
	return string(n), ok
}

// recv is one screen's receipt of a called message.
type recv struct {
	number string
	at     time.Time
}

// screenSet is a set of lobby screens connected for a benchmark.
type screenSet interface {
	run(got chan<- recv, stop <-chan struct{})
	dropped() int // screens whose connection the daemon ended
	close()
}

package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

type floorOpts struct {
	screens, calls, kiosks, waiting int
	duration                        time.Duration // the drop measurement's issuing time
	history, dayTickets             int
	startup                         bool
	parts                           map[string]bool // which parts run (floorParts)
	daemonArgs                      []string        // the daemons' flags (--printer none, -hall)
	county                          bool            // link the daemons to a hub in this process
	hallFile                        string
}

// floorParts reads -parts: "push,issue" runs those two. Each part starts
// its own baseline, so a part alone is still a ratio against the floor.
func floorParts(list string) map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Split(list, ",") {
		if p = strings.TrimSpace(p); p != "" {
			m[p] = true
		}
	}
	return m
}

// benchFloor measures the daemon against bare baselines started in the
// same run, under the same clients, and prints the ratios:
//   - call → every one of N screens, against a plain gorilla/websocket
//     server doing one fsync'd append and one prepared message to every
//     socket;
//   - issuing against bbolt behind plain net/http (and raw bbolt), as the
//     waiting lines grow from 0 to opts.waiting;
//   - memory per open ticket, start-up with a day of tickets and with a
//     year of history, and screens dropped while kiosks issue at full
//     speed with N screens connected.
func benchFloor(ctx context.Context, out io.Writer, o floorOpts) error {
	root, err := os.MkdirTemp("", "yimen-bench-floor-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	sub := func(name string) string {
		d := filepath.Join(root, name)
		os.MkdirAll(d, 0o700)
		return d
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	hc := &http.Client{Timeout: 10 * time.Second}
	post := func(url, token, body string) (*http.Response, error) {
		req, _ := http.NewRequest("POST", url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return hc.Do(req)
	}
	discard := func(r *http.Response, err error) {
		if err == nil {
			io.Copy(io.Discard, r.Body)
			r.Body.Close()
		}
	}
	pause := func() error { time.Sleep(50 * time.Millisecond); return nil }

	fmt.Fprintf(out, "floor: %d screens, %d calls, %d kiosks, %d tickets issued into empty lines\n", o.screens, o.calls, o.kiosks, o.waiting)
	if o.county {
		args, done, err := floorCounty(sub("county"), o.hallFile, out)
		if err != nil {
			return err
		}
		defer done()
		o.daemonArgs = append(slices.Clip(o.daemonArgs), args...)
	}
	if o.parts["push"] {
		if err := floorPush(ctx, out, o, exe, sub, post, discard, pause); err != nil {
			return err
		}
	}
	if o.parts["issue"] {
		if err := floorIssue(ctx, out, o, exe, sub); err != nil {
			return err
		}
	}
	if o.parts["heap"] {
		if err := floorHeap(ctx, out, o.kiosks, o.waiting, sub("heap")); err != nil {
			return err
		}
	}
	if o.parts["drops"] {
		if err := floorDrops(ctx, out, o, sub("drops")); err != nil {
			return err
		}
	}
	if !o.startup || !o.parts["startup"] {
		return nil
	}
	for _, c := range []struct {
		name          string
		days, tickets int
	}{{"one day", 1, o.dayTickets}, {"a year", 365, o.history}} {
		dir := sub("startup-" + fmt.Sprint(c.days))
		snap, events, err := writeHistory(dir, c.days, c.tickets)
		if err != nil {
			return err
		}
		runs, err := startupRuns(dir, snap, 3)
		if err != nil {
			return err
		}
		os.RemoveAll(dir)
		fmt.Fprintf(out, "  start-up with %d tickets in %s (%d events, %d of them after the snapshot, as far behind as the daemon lets it fall): exec → listening %s (median of %v; goal < 1 s)\n",
			c.tickets, c.name, events, events-snap.seq, ms(percentile(runs, 0.5)), roundAll(runs))
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)) }

// floorPush measures call → every one of o.screens screens on the daemon
// and on the bare server, both running at once with their screens
// connected, one call on each in turn: the load of whatever else runs on
// the machine then falls on both alike, and the ratio is the daemon's own.
func floorPush(ctx context.Context, out io.Writer, o floorOpts, exe string, sub func(string) string,
	post func(url, token, body string) (*http.Response, error), discard func(*http.Response, error), pause func() error) error {
	bare, err := startExe(exe, "bench", "bare-server", sub("bare"))
	if err != nil {
		return fmt.Errorf("bare server: %w", err)
	}
	defer bare.stop()
	d, err := startChild(sub("push"), o.daemonArgs...)
	if err != nil {
		return err
	}
	defer d.stop()
	kt := floorKioskToken(d)
	for range o.calls {
		discard(post(d.url+"/api/tickets", kt, `{"service":"guide"}`))
	}
	clerk, err := staffToken(d, "S01", "240101")
	if err != nil {
		return err
	}
	// Each call follows the finish (办结) of the last one, on both: two
	// messages to every screen, each after an fsync.
	finish := func(url, token, body string) func() error {
		first := true
		return func() error {
			if !first {
				discard(post(url, token, body))
			}
			first = false
			return pause()
		}
	}
	targets := []*pushTarget{
		{pid: bare.cmd.Process.Pid, url: bare.url + "/ws", prepare: finish(bare.url+"/finish", "", ""),
			next: func() (*http.Response, error) { return post(bare.url+"/next", "", "") }},
		{pid: d.cmd.Process.Pid, url: "ws" + strings.TrimPrefix(d.url, "http") + "/ws/display", prepare: finish(d.url+"/api/windows/1/finish", clerk, `{"outcome":"immediate"}`),
			next: func() (*http.Response, error) { return post(d.url+"/api/windows/1/next", clerk, "") }},
	}
	for _, t := range targets {
		if err := t.connect(o.screens); err != nil {
			return err
		}
		defer t.close()
	}
	time.Sleep(time.Second) // let every snapshot arrive
	for _, t := range targets {
		t.cpu = -procCPU(t.pid)
	}
	for i := 0; i < o.calls && ctx.Err() == nil; i++ {
		for k := range targets {
			t := targets[(i+k)%len(targets)] // each goes first every other call
			all, worst, lost, err := measureCallsLost(ctx, t.got, o.screens-t.lost, 1, t.prepare, t.next)
			if err != nil {
				return err
			}
			t.all, t.worst, t.lost = append(t.all, all...), append(t.worst, worst...), t.lost+lost
		}
	}
	for _, t := range targets {
		t.cpu += procCPU(t.pid)
	}
	b, dm := targets[0], targets[1]
	if b.lost > 0 {
		return fmt.Errorf("bare fan-out: %d of %d screens stopped getting calls", b.lost, o.screens)
	}
	bareP99, daemonP99 := percentile(b.worst, 0.99), percentile(dm.worst, 0.99)
	fmt.Fprintf(out, "  call → all %d screens, p99: daemon %s, bare server %s: %.2f× (goal ≤ 1.3×); p50 %s vs %s; any screen p99 %s vs %s; screens cut off during the calls: %d; CPU per call %s vs %s\n",
		o.screens, ms(daemonP99), ms(bareP99), ratio(daemonP99.Seconds(), bareP99.Seconds()),
		ms(percentile(dm.worst, 0.5)), ms(percentile(b.worst, 0.5)), ms(percentile(dm.all, 0.99)), ms(percentile(b.all, 0.99)), dm.lost,
		ms(dm.cpu/time.Duration(max(len(dm.worst), 1))), ms(b.cpu/time.Duration(max(len(b.worst), 1))))
	return nil
}

// pushTarget is one server under the push measurement, its screens and
// what was measured on it.
type pushTarget struct {
	url        string // its screens' websocket
	prepare    func() error
	next       func() (*http.Response, error)
	set        screenSet
	got        chan recv
	stop       chan struct{}
	all, worst []time.Duration
	lost       int           // screens that stopped getting calls
	pid        int           // its process
	cpu        time.Duration // the CPU time it took during the calls
}

func (t *pushTarget) connect(screens int) error {
	set, err := dialScreens(t.url, screens)
	if err != nil {
		return err
	}
	t.set, t.got, t.stop = set, make(chan recv, screens*4), make(chan struct{})
	go set.run(t.got, t.stop)
	return nil
}

func (t *pushTarget) close() {
	close(t.stop)
	t.set.close()
}

// floorIssue issues into empty lines up to o.waiting waiting tickets on
// the daemon and on bbolt behind plain net/http, and reads the daemon's
// memory that holds them. Both servers run at once and take the load in
// turns of a twentieth each, so that both meet the same machine: on a
// shared machine a baseline measured a minute before its match says
// more about the neighbours than about the daemon. Raw bbolt, in this
// process, is measured after them.
func floorIssue(ctx context.Context, out io.Writer, o floorOpts, exe string, sub func(string) string) error {
	bare, err := startExe(exe, "bench", "bare-server", sub("bare-issue"))
	if err != nil {
		return fmt.Errorf("bare server: %w", err)
	}
	defer bare.stop()
	d, err := startChild(sub("issue"), o.daemonArgs...)
	if err != nil {
		return err
	}
	defer d.stop()
	kt := floorKioskToken(d)
	anon0, _ := procStatusKB(d.cmd.Process.Pid, "RssAnon")
	turn := max(o.waiting/20, 100)
	var bareIssue, issue issueStats
	var bareCPU, cpu time.Duration
	var rates []float64 // the daemon's rate in each of its turns
	for issue.ok < o.waiting && ctx.Err() == nil {
		n := min(turn, o.waiting-issue.ok)
		c0 := procCPU(bare.cmd.Process.Pid)
		bareIssue = bareIssue.then(issueLoad(ctx, bare.url, "", o.kiosks, n, 10*time.Minute))
		bareCPU += procCPU(bare.cmd.Process.Pid) - c0
		c0 = procCPU(d.cmd.Process.Pid)
		st := issueLoad(ctx, d.url, kt, o.kiosks, n, 10*time.Minute)
		cpu += procCPU(d.cmd.Process.Pid) - c0
		issue = issue.then(st)
		rates = append(rates, st.rate())
		if st.ok == 0 {
			break
		}
	}
	anon1, _ := procStatusKB(d.cmd.Process.Pid, "RssAnon")
	burstEnd := time.Now()
	rawRate, err := rawBolt(sub("raw"), o.kiosks, o.waiting, 10*time.Minute)
	if err != nil {
		return fmt.Errorf("raw bbolt: %w", err)
	}
	// Read again once the daemon has been idle a while: right after the
	// burst its memory also holds what the burst's rate kept in flight
	// (the last snapshot being written, buffers, the garbage of the last
	// turns), which no number of waiting tickets keeps.
	select {
	case <-ctx.Done():
	case <-time.After(time.Until(burstEnd.Add(settle))):
	}
	anon2, _ := procStatusKB(d.cmd.Process.Pid, "RssAnon")
	perTicket := func(cpu time.Duration, n int) string {
		return fmt.Sprintf("%.0f µs", float64(cpu.Microseconds())/float64(max(n, 1)))
	}
	fmt.Fprintf(out, "  issuing: daemon %.0f/s (%d failed), bbolt over HTTP %.0f/s: %.2f× (goal ≥ 0.8×), in turns of %d; raw bbolt %.0f/s: %.2f×; latency p99 %s vs %s; CPU per ticket %s vs %s\n",
		issue.rate(), issue.failed, bareIssue.rate(), ratio(issue.rate(), bareIssue.rate()), turn, rawRate, ratio(issue.rate(), rawRate),
		ms(percentile(issue.lat, 0.99)), ms(percentile(bareIssue.lat, 0.99)), perTicket(cpu, issue.ok), perTicket(bareCPU, bareIssue.ok))
	// The rate per fifth of the way from empty lines to o.waiting.
	if per := len(rates) / 5; per > 0 {
		var fifths []string
		var fr []float64
		for i := 0; i+per <= len(rates); i += per {
			r := 0.0
			for _, x := range rates[i : i+per] {
				r += x / float64(per)
			}
			fr = append(fr, r)
			fifths = append(fifths, fmt.Sprintf("%d–%d: %.0f/s", i*turn, (i+per)*turn, r))
		}
		fmt.Fprintf(out, "  issuing as the lines grow (tickets waiting): %s; last fifth / first: %.2f× (goal flat, ≈1×)\n",
			strings.Join(fifths, ", "), ratio(fr[len(fr)-1], fr[0]))
	}
	if issue.ok > 0 {
		perOpen := func(kb int64) float64 { return float64(kb-anon0) * 1024 / float64(issue.ok) }
		fmt.Fprintf(out, "  memory: %.0f bytes per open ticket right after the burst, %.0f after %v idle (anonymous RSS %.1f → %.1f → %.1f MB over %d waiting; goal < 1024)\n",
			perOpen(anon1), perOpen(anon2), settle, float64(anon0)/1024, float64(anon1)/1024, float64(anon2)/1024, issue.ok)
	}
	return nil
}

// settle is how long the daemon is left idle after issuing before its
// memory is read again.
const settle = 10 * time.Second

// floorDrops counts the screens the daemon drops while kiosks issue at
// full speed.
func floorDrops(ctx context.Context, out io.Writer, o floorOpts, dir string) error {
	d, err := startChild(dir, o.daemonArgs...)
	if err != nil {
		return err
	}
	kt := floorKioskToken(d)
	set, err := dialScreens("ws"+strings.TrimPrefix(d.url, "http")+"/ws/display", o.screens)
	if err != nil {
		d.stop()
		return err
	}
	got, stop := make(chan recv, 1024), make(chan struct{})
	go func() {
		for range got { // no calls here; keep the channel drained anyway
		}
	}()
	go set.run(got, stop)
	loaded := issueLoad(ctx, d.url, kt, o.kiosks, 0, o.duration)
	dropped := set.dropped()
	close(stop)
	set.close()
	d.stop()
	fmt.Fprintf(out, "  screens dropped while %d kiosks issued %d tickets (%.0f/s) to %d connected screens: %d (goal 0)\n",
		o.kiosks, loaded.ok, loaded.rate(), o.screens, dropped)
	return nil
}

// floorKioskToken pairs a kiosk for the load; "" on a daemon that has no
// kiosk pairing (an older build measured for comparison).
func floorKioskToken(c *child) string {
	t, err := c.kioskToken()
	if err != nil {
		return ""
	}
	return t
}

func staffToken(c *child, staff, pin string) (string, error) {
	var ans struct{ Token string }
	err := c.call("POST", "/api/login", "", fmt.Sprintf(`{"staff":%q,"pin":%q}`, staff, pin), http.StatusOK, &ans)
	return ans.Token, err
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func roundAll(d []time.Duration) []time.Duration {
	out := slices.Clone(d)
	for i := range out {
		out[i] = out[i].Round(time.Millisecond)
	}
	return out
}

// procStatusKB reads one kB field of a process's /proc status.
func procStatusKB(pid int, field string) (int64, error) {
	data, err := os.ReadFile(filepath.Join("/proc", fmt.Sprint(pid), "status"))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb, nil
		}
	}
	return 0, fmt.Errorf("no %s", field)
}

// floorDaemonArgs are the flags of the daemons bench floor starts.
func floorDaemonArgs(hallFile string) []string {
	args := []string{"--printer", "none"}
	if hallFile != "" {
		args = append(args, "--hall", hallFile)
	}
	return args
}

// procCPU is the CPU time (user and system) a process has taken; 0 where
// /proc does not say.
func procCPU(pid int) time.Duration {
	data, err := os.ReadFile(filepath.Join("/proc", fmt.Sprint(pid), "stat"))
	if err != nil {
		return 0
	}
	// The fields after the command's name, which may hold spaces.
	_, rest, _ := strings.Cut(string(data), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	var utime, stime int64
	fmt.Sscan(f[11], &utime)
	fmt.Sscan(f[12], &stime)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}

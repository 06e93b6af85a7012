package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"time"
)

// bench measures the daemon on this machine: ticket issuing throughput,
// call-to-screen latency across many screens, resident memory with those
// screens connected, and start-up time with a year of history. The daemon
// runs as a child process so that its memory and the load generator's do
// not mix.
func bench(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("yimen bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	kiosks := fs.Int("kiosks", 16, "concurrent kiosks issuing tickets")
	duration := fs.Duration("duration", 10*time.Second, "how long the issue benchmark runs")
	screens := fs.Int("screens", 1000, "lobby websockets for the fan-out and memory benchmark")
	calls := fs.Int("calls", 200, "calls measured by the fan-out benchmark")
	tickets := fs.Int("tickets", 500_000, "tickets of history for the start-up benchmark")
	printerURI := fs.String("printer", "none", "printer of the daemon under test")
	waiting := fs.Int("waiting", 100_000, "floor: tickets issued into the waiting lines (issuing from 0 to this many waiting)")
	dayTickets := fs.Int("day-tickets", 200_000, "floor: tickets in one day for the start-up measurement")
	withStartup := fs.Bool("startup", true, "floor: measure start-up too (writes a year of history first)")
	hallFile := fs.String("hall", "", "floor: the hall file of the daemons measured (default: the demo hall)")
	countyHub := fs.Bool("county", false, "floor: link the daemons to a county hub run in the bench's process (--county)")
	parts := fs.String("parts", "push,issue,heap,drops,startup", "floor: the parts to run, comma-separated: push (call → screens), issue (issuing and memory), heap (the engine's live heap per open ticket), drops (screens dropped while kiosks issue), startup")
	attackers := fs.Int("attackers", 32, "login: addresses sending wrong sign-ins at once")
	finish := fs.Bool("finish", true, "fanout: finish each ticket before the next call (false: next finishes it, as a call pad's single key does)")
	halls := fs.Int("halls", 34, "county: halls linked to the hub")
	hallTickets := fs.Int("hall-tickets", 1500, "county, county-link: tickets a day at each hall")
	weekDays := fs.Int("days", 7, "county-link: days a hall is cut off from its county")
	if err := fs.Parse(args); err != nil {
		return usageError{fmt.Errorf("bench: %w", err)}
	}
	which := fs.Args()
	if len(which) == 0 {
		which = []string{"issue", "fanout", "startup"}
	}
	for _, w := range which {
		var err error
		switch w {
		case "issue":
			err = benchIssue(ctx, stdout, *kiosks, *duration, *printerURI)
		case "fanout", "memory":
			err = benchFanout(ctx, stdout, *screens, *calls, *finish)
		case "startup":
			err = benchStartup(ctx, stdout, *tickets)
		case "floor":
			err = benchFloor(ctx, stdout, floorOpts{
				screens: *screens, calls: *calls, kiosks: *kiosks, waiting: *waiting,
				duration: *duration, history: *tickets, dayTickets: *dayTickets, startup: *withStartup,
				parts: floorParts(*parts), daemonArgs: floorDaemonArgs(*hallFile),
				county: *countyHub, hallFile: *hallFile,
			})
		case "bare-server": // the baseline server that bench floor starts
			return benchBare(ctx, fs.Args()[1:], os.Stderr)
		case "county":
			err = benchCounty(ctx, stdout, *halls, *hallTickets)
		case "county-link":
			err = benchCountyLink(ctx, stdout, *kiosks, *duration/2, *weekDays, *hallTickets)
		case "login":
			err = benchLogin(ctx, stdout, *attackers, *duration/2)
		default:
			return usageError{fmt.Errorf("bench: unknown benchmark %q (floor, issue, fanout, startup, login, county, county-link)", w)}
		}
		if err != nil {
			return fmt.Errorf("bench %s: %w", w, err)
		}
	}
	return nil
}

// child is a daemon started for a benchmark.
type child struct {
	cmd   *exec.Cmd
	url   string
	ready time.Duration // from exec to the listening line
}

var listenLine = regexp.MustCompile(`yimen: listening on (http://\S+)`)

func startChild(dataDir string, extra ...string) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dataDir, "--issue-rate", "0"}, extra...)
	return startExe(exe, args...)
}

// startExe starts a child that prints the daemon's listening line.
func startExe(exe string, args ...string) (*child, error) {
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), "YIMEN_ADMIN_PASSWORD="+benchAdminPassword)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			if m := listenLine.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case url := <-found:
		return &child{cmd: cmd, url: url, ready: time.Since(start)}, nil
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		return nil, fmt.Errorf("daemon did not start")
	}
}

func (c *child) stop() {
	c.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		c.cmd.Process.Kill()
		<-done
	}
}

// rssMB reads a process's resident memory from /proc.
func rssMB(pid int) (float64, error) {
	kb, err := procStatusKB(pid, "VmRSS")
	return float64(kb) / 1024, err
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(float64(len(s)-1) * p)
	return s[i]
}

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// daemon is a yimen child process (the test binary acting as main).
type daemon struct {
	cmd    *exec.Cmd
	url    string
	stderr *syncBuffer
	exited chan struct{} // closed when the process has exited
	err    error         // its exit error, once exited is closed
}

// wait returns the exit error, waiting at most d.
func (d *daemon) wait(t *testing.T, limit time.Duration) error {
	t.Helper()
	select {
	case <-d.exited:
		return d.err
	case <-time.After(limit):
		t.Fatalf("daemon still running after %v", limit)
		return nil
	}
}

var listening = regexp.MustCompile(`^yimen: listening on (http://\S+)$`)

func startDaemon(t *testing.T, args ...string) *daemon {
	t.Helper()
	return startDaemonCmd(t, exec.Command(os.Args[0], args...))
}

// startDaemonCmd starts the daemon with a command of the test's making
// (e.g. a shell that lowers a limit first, then execs the test binary).
func startDaemonCmd(t *testing.T, cmd *exec.Cmd) *daemon {
	t.Helper()
	cmd.Env = append(os.Environ(), "YIMEN_TEST_DAEMON=1", "YIMEN_ADMIN_PASSWORD=")
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	d := &daemon{cmd: cmd, stderr: new(syncBuffer), exited: make(chan struct{})}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); <-d.exited })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(d.stderr, line)
			if m := listening.FindStringSubmatch(line); m != nil {
				found <- m[1]
			}
		}
		d.err = cmd.Wait()
		close(d.exited)
	}()
	select {
	case d.url = <-found:
	case <-d.exited:
		t.Fatalf("daemon exited before listening: %v\n%s", d.err, d.stderr)
	case <-time.After(30 * time.Second):
		t.Fatalf("daemon did not start:\n%s", d.stderr)
	}
	return d
}

var pairLinkLine = regexp.MustCompile(`open (http://\S+/kiosk/pair/\S+) on the kiosk screen`)

// kioskToken pairs a kiosk with the one-time link a first start prints,
// as the kiosk screen opening it would, and returns the credential.
func (d *daemon) kioskToken(t *testing.T) string {
	t.Helper()
	var m []string
	waitFor(t, "the pairing link on stderr", func() bool {
		m = pairLinkLine.FindStringSubmatch(d.stderr.String())
		return m != nil
	})
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(m[1])
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, c := range resp.Cookies() {
		if c.Name == "yimen_kiosk" && c.Value != "" {
			return c.Value
		}
	}
	t.Fatalf("the pairing link gave no kiosk cookie: %d", resp.StatusCode)
	return ""
}

func TestSignalStopsCleanly(t *testing.T) {
	dir := t.TempDir()
	d := startDaemon(t, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	if n := strings.Count(d.stderr.String(), "yimen: listening on"); n != 1 {
		t.Errorf("%d listening lines, want exactly one", n)
	}
	if !strings.Contains(d.stderr.String(), "the manager's password is") {
		t.Errorf("first start did not print the generated admin password:\n%s", d.stderr)
	}
	// A second instance on the same data fails at once, clearly.
	start := time.Now()
	second := exec.Command(os.Args[0], "--addr", "127.0.0.1:0", "--data", dir)
	second.Env = append(os.Environ(), "YIMEN_TEST_DAEMON=1")
	out, err := second.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "in use by another yimen") {
		t.Errorf("second instance: %v\n%s", err, out)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("second instance took %v to fail", time.Since(start))
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	if err := d.wait(t, 10*time.Second); err != nil {
		t.Errorf("exit after SIGTERM: %v, want status 0", err)
	}
	// The password is shown once only.
	d2 := startDaemon(t, "--addr", "127.0.0.1:0", "--data", dir)
	if strings.Contains(d2.stderr.String(), "password is") {
		t.Errorf("second start printed a password again")
	}
}

func TestBadInvocationExitsTwo(t *testing.T) {
	dir := t.TempDir()
	badHall := filepath.Join(dir, "hall.json")
	os.WriteFile(badHall, []byte(`{"name":"x","categories":[{"id":"a","prefix":"A","name":"甲"}],
	"services":[{"id":"s","name":"事","categories":["b"]}],"windows":[],"staff":[]}`), 0o644)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--nope"}, "flag provided but not defined: -nope"},
		{[]string{"--addr", "no-port"}, `--addr "no-port"`},
		{[]string{"--hall", filepath.Join(dir, "missing.json")}, "--hall: open"},
		{[]string{"--hall", badHall, "--data", dir}, `services[0].categories[0]: unknown category "b"`},
		{[]string{"--printer", "lpt:1", "--data", dir}, `--printer "lpt:1"`},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
	} {
		args := tt.args
		if !slices.Contains(args, "--addr") {
			// Never the default :8080, which another daemon on the machine
			// may hold: the error under test must be the only one.
			args = append(slices.Clone(args), "--addr", "127.0.0.1:0")
		}
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), "YIMEN_TEST_DAEMON=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		code := -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		last := lines[len(lines)-1]
		if code != 2 || !strings.Contains(last, tt.want) || !strings.HasPrefix(last, "yimen: ") {
			t.Errorf("yimen %v: exit %d, stderr %q; want exit 2 and one line with %q", tt.args, code, stderr.String(), tt.want)
		}
	}
}

// TestCrashLosesNothingAcknowledged kills the daemon with SIGKILL while
// kiosks are issuing, then checks that every ticket the kiosks were told
// about is still there and that no number was issued twice.
func TestCrashLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("kills and restarts a daemon")
	}
	dir := t.TempDir()
	d := startDaemon(t, "--addr", "127.0.0.1:0", "--data", dir, "--issue-rate", "0", "--printer", "none")
	token := d.kioskToken(t)
	type ack struct{ number, token string }
	var (
		mu    sync.Mutex
		acked []ack
		wg    sync.WaitGroup
	)
	stop := make(chan struct{})
	for range 12 {
		wg.Go(func() {
			hc := &http.Client{Timeout: 5 * time.Second}
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := kioskPost(hc, d.url, token, `{"service":"medicare"}`)
				if err != nil {
					continue // the daemon is gone: not acknowledged
				}
				var tk struct{ Number, Token string }
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 201 && json.Unmarshal(body, &tk) == nil {
					mu.Lock()
					acked = append(acked, ack{tk.Number, tk.Token})
					mu.Unlock()
				}
			}
		})
	}
	waitFor(t, "some tickets", func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) > 300 })
	d.cmd.Process.Signal(syscall.SIGKILL)
	d.wait(t, 10*time.Second)
	close(stop)
	wg.Wait()

	d2 := startDaemon(t, "--addr", "127.0.0.1:0", "--data", dir, "--printer", "none", "--issue-rate", "0")
	numbers := map[string]bool{}
	for _, a := range acked {
		if numbers[a.number] {
			t.Errorf("number %s was acknowledged twice", a.number)
		}
		numbers[a.number] = true
		resp, err := http.Get(d2.url + "/api/tickets/" + a.token)
		if err != nil {
			t.Fatal(err)
		}
		var st struct{ Number string }
		json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if resp.StatusCode != 200 || st.Number != a.number {
			t.Fatalf("acknowledged ticket %s lost after the crash (status %d)", a.number, resp.StatusCode)
		}
	}
	// New numbers continue after every one issued before the crash,
	// acknowledged or not.
	// The kiosk stays paired across the restart.
	resp, err := kioskPost(http.DefaultClient, d2.url, token, `{"service":"medicare"}`)
	if err != nil {
		t.Fatal(err)
	}
	var tk struct{ Number string }
	json.NewDecoder(resp.Body).Decode(&tk)
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("the paired kiosk after the restart: %d", resp.StatusCode)
	}
	if numbers[tk.Number] {
		t.Errorf("after the crash the daemon issued %s again", tk.Number)
	}
	t.Logf("%d tickets acknowledged before SIGKILL, all present after restart", len(acked))
}

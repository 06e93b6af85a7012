package main

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHostHeaderNeverInStatusURL is issue 9 point 7's Host attack: the
// Host header flowed into status_url and the QR code (a phone scanning
// the ticket went wherever the request said), and a 3,000-character Host
// gave a 500 whose log line carried the ticket's token.
func TestHostHeaderNeverInStatusURL(t *testing.T) {
	logs := new(syncBuffer)
	m := NewMain(logs)
	m.Addr, m.DataDir, m.AdminPassword, m.IssueRate, m.HashCost = "127.0.0.1:0", t.TempDir(), testAdminPassword, 0, 4
	if err := m.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	token := kioskToken(t, m.URL, testAdminPassword)
	for _, host := range []string{"evil.example", "evil.example:8080", strings.Repeat("h", 3000) + ".example"} {
		req, _ := http.NewRequest("POST", m.URL+"/api/tickets", strings.NewReader(`{"service":"guide"}`))
		req.Host = host
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Errorf("Host %.20s…: %d %s", host, resp.StatusCode, body)
		}
		if strings.Contains(string(body), "evil") || strings.Contains(string(body), "hhhh") {
			t.Errorf("Host %.20s… reached the answer: %s", host, body)
		}
		if resp.StatusCode == 201 && !strings.Contains(string(body), `"status_url":"`+m.URL+`/t/`) {
			t.Errorf("status_url is not the daemon's own address %s: %s", m.URL, body)
		}
	}
	// The kiosk's QR code with a forged Host: drawn, for the daemon's address.
	_, tk := kioskClient(t, m).do("POST", "/api/tickets", map[string]any{"service": "guide"})
	req, _ := http.NewRequest("GET", m.URL+"/t/"+tk["token"].(string)+"/qr.png", nil)
	req.Host = strings.Repeat("h", 3000) + ".example"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("QR with a long Host = %d, want 200", resp.StatusCode)
	}
	if strings.Contains(logs.String(), tk["token"].(string)) || strings.Contains(logs.String(), token) {
		t.Errorf("a token reached the log:\n%s", logs)
	}
	// Errors speak of the request, not of Go's types.
	code, ans := kioskClient(t, m).do("POST", "/api/tickets", `{"service": 7}`)
	if msg, _ := ans["error"].(string); code != 400 || regexp.MustCompile(`Go |struct|json:|string|\bint\b`).MatchString(msg) {
		t.Errorf("a number for service = %d %q: the message shows Go's words", code, msg)
	}
}

// TestAdminPasswordNotOnTheCommandLine: the password can come from a
// file, and `yimen reset-password` sets a new one in a stopped daemon's
// data directory (and refuses while it runs).
func TestAdminPasswordNotOnTheCommandLine(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pwFile, []byte("from-a-file-pw\n"), 0o600)
	d := startDaemon(t, "--addr", "127.0.0.1:0", "--data", dir, "--printer", "none", "--admin-password-file", pwFile)
	if strings.Contains(d.stderr.String(), "from-a-file-pw") || strings.Contains(d.stderr.String(), "password is") {
		t.Errorf("the password reached stderr:\n%s", d.stderr)
	}
	if code, _ := (&client{t: t, base: d.url}).do("POST", "/api/admin/login", map[string]string{"password": "from-a-file-pw"}); code != 200 {
		t.Fatalf("sign in with the file's password: %d", code)
	}
	reset := func() (string, error) {
		cmd := exec.Command(os.Args[0], "reset-password", "--data", dir)
		cmd.Env = append(os.Environ(), "YIMEN_TEST_DAEMON=1")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := reset(); err == nil || !strings.Contains(out, "stop the daemon first") {
		t.Errorf("reset-password while the daemon runs: %v %s", err, out)
	}
	d.cmd.Process.Signal(syscall.SIGTERM)
	d.wait(t, 10*time.Second)

	out, err := reset()
	m := regexp.MustCompile(`new password is (\S+)`).FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("reset-password: %v %s", err, out)
	}
	d2 := startDaemon(t, "--addr", "127.0.0.1:0", "--data", dir, "--printer", "none")
	if strings.Contains(d2.stderr.String(), m[1]) {
		t.Errorf("the new password reached the daemon's stderr")
	}
	anon := &client{t: t, base: d2.url}
	if code, _ := anon.do("POST", "/api/admin/login", map[string]string{"password": "from-a-file-pw"}); code != 401 {
		t.Errorf("the old password after reset-password = %d, want 401", code)
	}
	if code, _ := anon.do("POST", "/api/admin/login", map[string]string{"password": m[1]}); code != 200 {
		t.Errorf("the new password = %d, want 200", code)
	}
}

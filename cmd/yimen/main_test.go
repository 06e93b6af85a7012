package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// TestMain lets the test binary act as the daemon for the process-level
// tests (crash, signals, exit statuses).
func TestMain(m *testing.M) {
	if os.Getenv("YIMEN_TEST_DAEMON") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// syncBuffer is a goroutine-safe stderr for an in-process daemon.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const testAdminPassword = "test-admin-pw"

// startMain runs the whole daemon in-process on a free port with a
// temporary data directory; edit may change its settings first.
func startMain(t testing.TB, edit func(*Main)) *Main {
	t.Helper()
	m := NewMain(new(syncBuffer))
	m.Addr, m.DataDir, m.AdminPassword, m.IssueRate = "127.0.0.1:0", t.TempDir(), testAdminPassword, 0
	m.HashCost = bcrypt.MinCost
	if edit != nil {
		edit(m)
	}
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

// client is a small JSON client for the API.
type client struct {
	t     testing.TB
	base  string
	token string
	hc    *http.Client // nil: http.DefaultClient
}

func (c *client) do(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, _ := json.Marshal(b)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	if method != "GET" {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	hc := c.hc
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var v any
	if len(data) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(data, &v); err != nil {
			c.t.Fatalf("%s %s: answer is not JSON: %s", method, path, data)
		}
	}
	out, _ := v.(map[string]any) // lists come back as nil: callers look at the status
	return resp.StatusCode, out
}

func (c *client) login(staff, pin string) *client {
	c.t.Helper()
	code, ans := c.do("POST", "/api/login", map[string]string{"staff": staff, "pin": pin})
	if code != 200 {
		c.t.Fatalf("login %s: %d %v", staff, code, ans)
	}
	return &client{t: c.t, base: c.base, token: ans["token"].(string)}
}

// patience is how long a test waits for what should happen soon: CI shares
// two cores with -race, and a passing test waits no longer than the event
// takes.
const patience = 60 * time.Second

// adminClient signs the manager in with the tests' admin password.
func adminClient(t testing.TB, base, password string) *client {
	t.Helper()
	c := &client{t: t, base: base}
	code, ans := c.do("POST", "/api/admin/login", map[string]string{"password": password})
	if code != 200 {
		t.Fatalf("admin login: %d %v", code, ans)
	}
	return &client{t: t, base: base, token: ans["token"].(string)}
}

// kioskToken pairs a kiosk as the manager would for a script
// (POST /api/admin/kiosks) and returns its credential; tests issue
// numbers with it as "Authorization: Bearer TOKEN".
func kioskToken(t testing.TB, base, adminPassword string) string {
	t.Helper()
	code, ans := adminClient(t, base, adminPassword).do("POST", "/api/admin/kiosks", map[string]string{"name": "测试取号机"})
	if code != 201 || ans["token"] == nil {
		t.Fatalf("pair a kiosk: %d %v", code, ans)
	}
	return ans["token"].(string)
}

// kioskClient is a paired kiosk of a test daemon started by startMain.
func kioskClient(t testing.TB, m *Main) *client {
	t.Helper()
	return &client{t: t, base: m.URL, token: kioskToken(t, m.URL, testAdminPassword)}
}

// kioskPost issues a number as a paired kiosk with a plain HTTP client.
func kioskPost(hc *http.Client, base, token, body string) (*http.Response, error) {
	req, err := http.NewRequest("POST", base+"/api/tickets", strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	return hc.Do(req)
}

func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

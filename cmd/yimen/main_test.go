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
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
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

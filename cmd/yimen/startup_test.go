package main

import (
	"bytes"
	"context"
	"net"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// yimen --help lists every flag of serve, and exits 0.
func TestHelpListsTheFlags(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"serve", "--help"}, {"help"}, {"--addr", ":1", "--help"}} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 0 {
			t.Errorf("yimen %v: exit %d, stderr %q", args, code, errOut.String())
		}
		for _, f := range []string{"-addr", "-data", "-hall", "-printer", "-bridge", "-public-url", "-issue-rate", "-admin-password", "-voice-dir", "print-test"} {
			if !strings.Contains(out.String(), f) {
				t.Errorf("yimen %v does not mention %s:\n%s", args, f, out.String())
			}
		}
		if strings.Contains(out.String()+errOut.String(), "help requested") {
			t.Errorf("yimen %v says %q", args, "help requested")
		}
	}
}

// The first-start password is shown only by a start that then serves: a
// start that fails on a busy port shows none and stores none, and the
// next start shows one that works.
func TestFirstPasswordOnlyOnceServing(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	dir := t.TempDir()
	failed := new(syncBuffer)
	m := NewMain(failed)
	m.Addr, m.DataDir, m.HashCost = busy.Addr().String(), dir, bcrypt.MinCost
	if err := m.Run(context.Background()); err == nil {
		m.Close()
		t.Fatal("start on a busy port succeeded")
	}
	m.Close()
	if strings.Contains(failed.String(), "password") {
		t.Errorf("a failed start printed: %s", failed.String())
	}
	out := new(syncBuffer)
	m2 := NewMain(out)
	m2.Addr, m2.DataDir, m2.HashCost = "127.0.0.1:0", dir, bcrypt.MinCost
	if err := m2.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	pw := regexp.MustCompile(`the manager's password is (\S+)`).FindStringSubmatch(out.String())
	if pw == nil {
		t.Fatalf("no password line:\n%s", out.String())
	}
	if i, j := strings.Index(out.String(), "password is"), strings.Index(out.String(), "listening on"); i > j {
		t.Errorf("the password comes after the listening line:\n%s", out.String())
	}
	c := &client{t: t, base: m2.URL}
	if code, ans := c.do("POST", "/api/admin/login", map[string]string{"password": pw[1]}); code != 200 {
		t.Errorf("admin login with the printed password: %d %v", code, ans)
	}
	if !strings.Contains(out.String(), "no --public-url") {
		t.Errorf("no warning about the missing --public-url:\n%s", out.String())
	}
}

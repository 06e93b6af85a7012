package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue/bolt"
	bbolt "go.etcd.io/bbolt"
)

// yimenExit runs the yimen binary (the test binary as yimen) and returns
// its exit status and stderr.
func yimenExit(t *testing.T, args ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	cmd.Env = append(os.Environ(), "YIMEN_TEST_DAEMON=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), stderr.String()
	}
	if err != nil {
		t.Fatalf("yimen %v: %v", args, err)
	}
	return 0, stderr.String()
}

// hallWithTickets leaves a data directory holding a hall with n tickets.
func hallWithTickets(t *testing.T, n int) string {
	t.Helper()
	m := startMain(t, nil)
	k := kioskClient(t, m)
	for range n {
		if code, ans := k.do("POST", "/api/tickets", map[string]any{"service": "medicare"}); code != 201 {
			t.Fatalf("issue: %d %v", code, ans)
		}
	}
	m.Close()
	return m.DataDir
}

// changeEvent changes from to to in the first stored event holding from,
// as a failing disk would, leaving its checksum as it was.
func changeEvent(t *testing.T, dir, from, to string) {
	t.Helper()
	db, err := bbolt.Open(filepath.Join(dir, bolt.FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	changed := false
	err = db.Update(func(tx *bbolt.Tx) error {
		c := tx.Bucket([]byte("events")).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if bytes.Contains(v, []byte(from)) {
				changed = true
				return tx.Bucket([]byte("events")).Put(k, bytes.Replace(v, []byte(from), []byte(to), -1))
			}
		}
		return nil
	})
	if err != nil || !changed {
		t.Fatalf("no event holding %s changed: %v", from, err)
	}
}

// A damaged event behind a good snapshot does not keep the hall from
// opening (start-up reads only the snapshot and the events after it), and
// the check of the whole log that runs after the start raises an alarm on
// the manager's floor naming the event.
func TestOldDamageRaisesAlarm(t *testing.T) {
	dir := hallWithTickets(t, 3) // closed: the snapshot is at its last event
	changeEvent(t, dir, `"B002"`, `"B001"`)
	m := startMain(t, func(m *Main) { m.DataDir = dir })
	admin := adminClient(t, m.URL, testAdminPassword)
	var text string
	waitFor(t, "the alarm of the damaged log", func() bool {
		text = floorAlarm(t, admin, logCheckAlarm)
		return text != ""
	})
	if !strings.Contains(text, "损坏") || !strings.Contains(text, "checksum") {
		t.Errorf("the alarm says %q", text)
	}
	k := kioskClient(t, m)
	if code, ans := k.do("POST", "/api/tickets", map[string]any{"service": "medicare"}); code != 201 {
		t.Errorf("the hall works on: %d %v", code, ans)
	}
}

// A data directory whose file was emptied or changed is never started as a
// new hall nor read as another one: the daemon says what is wrong and
// exits 3 (2 is a bad flag); yimen check says the same offline.
func TestDamagedDataDirIsRefused(t *testing.T) {
	empty := t.TempDir()
	os.WriteFile(filepath.Join(empty, bolt.FileName), nil, 0o600)
	code, stderr := yimenExit(t, "serve", "--addr", "127.0.0.1:0", "--data", empty)
	if code != exitDamaged || !strings.Contains(stderr, "is empty (0 bytes)") || !strings.Contains(stderr, "--init") {
		t.Errorf("start on a 0-byte yimen.db: exit %d, stderr:\n%s", code, stderr)
	}
	if code, stderr := yimenExit(t, "check", empty); code != exitDamaged {
		t.Errorf("yimen check on a 0-byte yimen.db: exit %d\n%s", code, stderr)
	}

	dir := hallWithTickets(t, 3)
	if code, stderr := yimenExit(t, "check", dir); code != 0 {
		t.Fatalf("yimen check on a good hall: exit %d\n%s", code, stderr)
	}
	// One digit of a stored event changes.
	changeEvent(t, dir, `"B002"`, `"B001"`)
	code, stderr = yimenExit(t, "check", dir)
	if code != exitDamaged || !strings.Contains(stderr, "checksum") {
		t.Errorf("yimen check on a changed event: exit %d\n%s", code, stderr)
	}
	t.Logf("yimen check: %s", strings.TrimSpace(stderr))
}

// The manager downloads a backup while the hall works; the PC dies; the
// backup restored into a new data directory is the same hall.
func TestBackupAndRestore(t *testing.T) {
	backups := t.TempDir()
	m := startMain(t, func(m *Main) { m.BackupDir = backups })
	k := kioskClient(t, m)
	var tokens []string
	for range 3 {
		_, ans := k.do("POST", "/api/tickets", map[string]any{"service": "medicare"})
		tokens = append(tokens, ans["token"].(string))
	}
	// The daily copy is made at start, checked.
	day := m.Now().In(m.engine.Hall().Location()).Format(time.DateOnly)
	daily := filepath.Join(backups, "yimen-"+day+".db")
	waitFor(t, "the daily copy", func() bool { _, err := os.Stat(daily); return err == nil })
	if r, err := bolt.CheckFile(daily); err != nil || r.Events == 0 {
		t.Errorf("the daily copy: %+v %v", r, err)
	}
	// An online copy, downloaded by the manager.
	admin := adminClient(t, m.URL, testAdminPassword)
	req, _ := http.NewRequest("GET", m.URL+"/api/admin/backup", nil)
	req.Header.Set("Authorization", "Bearer "+admin.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /api/admin/backup: %v %v", err, resp)
	}
	file := filepath.Join(t.TempDir(), "stick.db")
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	os.WriteFile(file, data, 0o600)
	m.Close()

	fresh := filepath.Join(t.TempDir(), "new-pc")
	var out, errb bytes.Buffer
	if code := run([]string{"restore", file, "--data", fresh}, &out, &errb); code != 0 {
		t.Fatalf("yimen restore: exit %d: %s", code, errb.String())
	}
	if code := run([]string{"restore", file, "--data", fresh}, &out, &errb); code == 0 {
		t.Errorf("restoring over a hall without --replace succeeded")
	}
	m2 := startMain(t, func(m *Main) { m.DataDir = fresh })
	c := &client{t: t, base: m2.URL}
	for _, tok := range tokens {
		if code, ans := c.do("GET", "/api/tickets/"+tok, nil); code != 200 {
			t.Errorf("ticket %s after restore: %d %v", tok, code, ans)
		}
	}
}

// A backup that cannot be written raises an alarm for the manager.
func TestBackupFailureAlarm(t *testing.T) {
	notADir := filepath.Join(t.TempDir(), "stick")
	os.WriteFile(notADir, []byte("x"), 0o600)
	m := startMain(t, func(m *Main) { m.BackupDir = notADir })
	waitFor(t, "the backup alarm", func() bool {
		for _, a := range m.hub.Alarms() {
			if a.Source == "backup" && strings.Contains(a.Text, "备份失败") {
				return true
			}
		}
		return false
	})
}

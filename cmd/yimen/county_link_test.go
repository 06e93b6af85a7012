package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/federation"
	"github.com/yimen-hall/yimen/federation/federationtest"
	"github.com/yimen-hall/yimen/queue"
)

// committed is the daemon's last committed event.
func committed(m *Main) uint64 {
	var seq uint64
	m.engine.Read(func(s *queue.State) { seq = s.Seq })
	return seq
}

// waitPublished waits until the hall's own stream holds every committed
// event.
func waitPublished(t *testing.T, m *Main) {
	t.Helper()
	federationtest.WaitFor(t, patience, func() string {
		if m.link == nil {
			return "the daemon runs no link"
		}
		if got, want := m.link.Published(), committed(m); got != want {
			return fmt.Sprintf("the hall's stream holds up to event %d of %d", got, want)
		}
		return ""
	})
}

// Without --county the daemon runs no NATS server: it listens on its
// HTTP port only, makes no DATA/nats, raises no county alarm, and its log
// says that nothing is sent or kept for a county.
func TestDaemonWithoutCountyListensOnlyOnHTTP(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads the process's sockets from /proc")
	}
	m := startMain(t, nil)
	issueTickets(t, m, 3)
	ports := listeningPorts(t)
	_, httpPort, _ := strings.Cut(strings.TrimPrefix(m.URL, "http://"), ":")
	if len(ports) != 1 || ports[0] != httpPort {
		t.Fatalf("the daemon listens on TCP ports %v; want only its HTTP port %s", ports, httpPort)
	}
	for _, a := range m.hub.Alarms() {
		if strings.HasPrefix(a.Source, "county") {
			t.Errorf("alarm %s without a county: %s", a.Source, a.Text)
		}
	}
	if log := m.stderr.(*syncBuffer).String(); !strings.Contains(log, "no --county: nothing is sent or kept for a county") {
		t.Errorf("the log does not say that nothing goes to a county:\n%s", log)
	}
	// After Close too: a server started in the background would have made
	// its store by then.
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(m.DataDir, "nats")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("DATA/nats without --county: %v", err)
	}
}

// issueTickets takes n numbers at a kiosk of m.
func issueTickets(t *testing.T, m *Main, n int) {
	t.Helper()
	k := kioskClient(t, m)
	for range n {
		if code, body := k.do("POST", "/api/tickets", map[string]any{"service": "medicare"}); code != 201 {
			t.Fatalf("issue: %d %v", code, body)
		}
	}
}

// A DATA/nats that an earlier version left is not touched by a daemon
// without --county: not a file in it is made, changed or removed.
func TestDaemonWithoutCountyLeavesDataNatsAlone(t *testing.T) {
	dir := t.TempDir()
	old := filepath.Join(dir, "nats", "jetstream")
	if err := os.MkdirAll(old, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(old, "kept"), []byte("an earlier store"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := treeOf(t, filepath.Join(dir, "nats"))
	m := startMain(t, func(m *Main) { m.DataDir = dir })
	issueTickets(t, m, 3)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if after := treeOf(t, filepath.Join(dir, "nats")); after != before {
		t.Fatalf("DATA/nats changed without --county:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// treeOf lists the files under dir with their sizes and times.
func treeOf(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %d %v\n", path, fi.Size(), fi.ModTime())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// A hall that ran without --county sends its whole log, from event 1, on
// its first link; one that ran without it again after being linked (its
// stream kept) sends from the stream's last event on. The county's stream
// holds every event once, in order.
func TestDaemonLinkingLaterSendsTheWholeLog(t *testing.T) {
	hub := federationtest.StartHub(t)
	nc := hub.Connect("", "")
	federationtest.CountyStream(t, nc, "demo")
	dir := t.TempDir()
	run := func(linked bool, tickets int) {
		t.Helper()
		m := startMain(t, func(m *Main) {
			m.DataDir = dir
			if linked {
				m.County = []string{hub.LeafURL()}
			}
		})
		issueTickets(t, m, tickets)
		if linked {
			federationtest.WaitCount(t, nc, federation.CountyStream, "demo", committed(m), 2*time.Minute)
			federationtest.CheckStream(t, nc, federation.CountyStream, "demo", committed(m))
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
	}
	run(false, 4)
	if _, err := os.Stat(filepath.Join(dir, "nats")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("DATA/nats without --county: %v", err)
	}
	run(true, 2)
	run(false, 3)
	run(true, 1)
}

// listeningPorts lists the TCP ports this process listens on, from the
// sockets among its open files.
func listeningPorts(t *testing.T) []string {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	mine := map[string]bool{}
	for _, fd := range fds {
		target, err := os.Readlink("/proc/self/fd/" + fd.Name())
		if err == nil && strings.HasPrefix(target, "socket:[") {
			mine[strings.TrimSuffix(strings.TrimPrefix(target, "socket:["), "]")] = true
		}
	}
	var ports []string
	for _, table := range []string{"/proc/self/net/tcp", "/proc/self/net/tcp6"} {
		data, err := os.ReadFile(table)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Scan() // header
		for sc.Scan() {
			f := strings.Fields(sc.Text())
			// local_address is f[1] (HEX_IP:HEX_PORT), st f[3], inode f[9].
			if len(f) < 10 || f[3] != "0A" || !mine[f[9]] {
				continue
			}
			_, hexPort, _ := strings.Cut(f[1], ":")
			var port int
			fmt.Sscanf(hexPort, "%X", &port)
			ports = append(ports, fmt.Sprint(port))
		}
	}
	return ports
}

// A daemon started with --county links to the hub as a leaf: the county's
// stream, sourcing the hall across its JetStream domain, gets every event.
func TestDaemonCountyLink(t *testing.T) {
	hub := federationtest.StartHub(t)
	m := startMain(t, func(m *Main) { m.County = []string{hub.LeafURL()}; m.HallID = "dongzhen" })
	nc := hub.Connect("", "")
	federationtest.CountyStream(t, nc, "dongzhen")
	issueTickets(t, m, 5)
	federationtest.WaitCount(t, nc, federation.CountyStream, "dongzhen", committed(m), 2*time.Minute)
	federationtest.CheckStream(t, nc, federation.CountyStream, "dongzhen", committed(m))
}

// Bad county settings stop the start with one line saying what is wrong.
func TestDaemonCountyFlagsRefused(t *testing.T) {
	dir := t.TempDir()
	creds := func(name, content string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode) // past the umask
		return p
	}
	good := creds("good", "dongzhen:s3cret\n", 0o600)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--county", "nats://hub:7422", "--county-creds", creds("open", "dongzhen:s3cret\n", 0o644)}, "readable by every user"},
		{[]string{"--county", "nats://hub:7422", "--county-creds", creds("nocolon", "dongzhen\n", 0o600)}, "want one line USER:PASSWORD"},
		{[]string{"--county", "nats://hub:7422", "--county-creds", creds("twolines", "a:b\nc:d\n", 0o600)}, "several lines"},
		{[]string{"--county", "nats://hub:7422", "--county-creds", filepath.Join(dir, "missing")}, "--county-creds"},
		{[]string{"--county", "http://hub:7422"}, "want nats://HOST:7422"},
		{[]string{"--county", "nats://hub"}, "want nats://HOST:PORT"},
		{[]string{"--county", "nats://u:p@hub:7422"}, "--county-creds, not in the URL"},
		{[]string{"--county-creds", good}, "give the hub with --county"},
		{[]string{"--hall-id", "东镇"}, "--hall-id"},
		{[]string{"--hall-id", "Dongzhen"}, "--hall-id"},
	} {
		var out, errb bytes.Buffer
		args := append([]string{"--addr", "127.0.0.1:0", "--data", t.TempDir()}, c.args...)
		if code := run(args, &out, &errb); code != 2 {
			t.Errorf("yimen %v: exit %d, want 2 (stderr %q)", c.args, code, errb.String())
			continue
		}
		if msg := errb.String(); !strings.Contains(msg, c.want) || strings.Count(msg, "\n") != 1 {
			t.Errorf("yimen %v said %q, want one line with %q", c.args, msg, c.want)
		}
	}
}

// A hall file without an id cannot link: --county says so at start.
func TestDaemonCountyNeedsHallID(t *testing.T) {
	hall := queue.DemoHall()
	hall.ID = ""
	data, _ := hall.MarshalJSON()
	file := filepath.Join(t.TempDir(), "hall.json")
	// Plain PINs of the demo hall would be hashed; its hashes are kept.
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	m := NewMain(new(syncBuffer))
	m.Addr, m.DataDir, m.HallFile, m.AdminPassword = "127.0.0.1:0", t.TempDir(), file, testAdminPassword
	m.County = []string{"nats://127.0.0.1:7422"}
	err := m.Run(t.Context())
	m.Close()
	if err == nil || !strings.Contains(err.Error(), "--hall-id") {
		t.Fatalf("Run = %v, want an error asking for the hall's id", err)
	}
}

// When a linked hall's own event store cannot be opened (here DATA/nats
// is a file, as a full or broken disk would leave it), the manager gets
// the county alarm and the hall issues as ever; once the store is back,
// the alarm clears and every event is kept.
func TestDaemonCountyStoreAlarm(t *testing.T) {
	hub := federationtest.StartHub(t)
	var dir string
	m := startMain(t, func(m *Main) {
		dir = m.DataDir
		m.County = []string{hub.LeafURL()}
		if err := os.WriteFile(filepath.Join(dir, "nats"), []byte("not a directory"), 0o600); err != nil {
			t.Fatal(err)
		}
	})
	countyAlarm := func() string {
		for _, a := range m.hub.Alarms() {
			if a.Source == "county" {
				return a.Text
			}
		}
		return ""
	}
	federationtest.WaitFor(t, patience, func() string {
		if countyAlarm() == "" {
			return fmt.Sprintf("no county alarm: %+v", m.hub.Alarms())
		}
		return ""
	})
	if text := countyAlarm(); !strings.Contains(text, "取号叫号不受影响") {
		t.Errorf("the alarm says %q", text)
	}
	k := kioskClient(t, m)
	if code, body := k.do("POST", "/api/tickets", map[string]any{"service": "medicare"}); code != 201 {
		t.Fatalf("issue with the county store down: %d %v", code, body)
	}
	if err := os.Remove(filepath.Join(dir, "nats")); err != nil {
		t.Fatal(err)
	}
	waitPublished(t, m)
	if text := countyAlarm(); text != "" {
		t.Fatalf("the county alarm stayed: %s", text)
	}
	federationtest.CheckStream(t, m.link.Conn(), federation.EventsStream, "demo", committed(m))
}

// The manager's 大厅配置 keeps the hall's id: a document without one
// keeps it, one with another is refused (the county knows the hall by it).
func TestAdminHallKeepsTheHallID(t *testing.T) {
	m := startMain(t, nil)
	admin := adminClient(t, m.URL, testAdminPassword)
	v, doc := hallDoc(t, admin)
	if doc["id"] != "demo" {
		t.Fatalf("the demo hall's id is %v", doc["id"])
	}
	doc["id"] = "xizhen"
	if code, ans := admin.do("PUT", "/api/admin/hall", map[string]any{"version": v, "hall": doc}); code != 400 || !strings.Contains(fmt.Sprint(ans["problems"]), "id") {
		t.Fatalf("PUT with another id = %d %v, want 400 naming id", code, ans)
	}
	delete(doc, "id")
	doc["notices"] = []string{"今天下午停电"}
	if code, ans := admin.do("PUT", "/api/admin/hall", map[string]any{"version": v, "hall": doc}); code != 200 {
		t.Fatalf("PUT without id = %d %v", code, ans)
	}
	if id := m.engine.Hall().ID; id != "demo" {
		t.Fatalf("after an edit without id the hall's id is %q", id)
	}
}

// A daemon linked to its county ends all of the link at Close: the
// embedded server, its leaf connection, the publisher and the hellos.
func TestDaemonCountyLinkCloseLeavesNothingRunning(t *testing.T) {
	hub := federationtest.StartHub(t)
	http.DefaultClient.CloseIdleConnections()
	before := runtime.NumGoroutine()
	m := startMain(t, func(m *Main) { m.County = []string{hub.LeafURL()} })
	federationtest.WaitFor(t, patience, func() string {
		if m.link == nil || !m.link.Linked() {
			return "the daemon's link is not up"
		}
		return ""
	})
	kioskClient(t, m).do("POST", "/api/tickets", map[string]any{"service": "medicare"})
	waitPublished(t, m)
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	http.DefaultClient.CloseIdleConnections()
	federationtest.WaitFor(t, patience, func() string {
		if n := runtime.NumGoroutine(); n > before {
			buf := make([]byte, 1<<20)
			return fmt.Sprintf("%d goroutines after Close, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
		}
		return ""
	})
	if n := hub.Server.NumLeafNodes(); n != 0 {
		t.Errorf("the hub still has %d leaf links after the hall closed", n)
	}
}

// A hub that refuses the hall's user or password is the manager's
// county_link alarm (the hall works on); the log says it once, not at
// every redial.
func TestDaemonCountyCredentialsRefused(t *testing.T) {
	hub := federationtest.StartHubConfig(t, "../../docs/county/hub.conf")
	creds := filepath.Join(t.TempDir(), "county.creds")
	if err := os.WriteFile(creds, []byte("dongzhen:wrong-password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := startMain(t, func(m *Main) {
		m.HallID, m.County, m.CountyCreds = "dongzhen", []string{hub.LeafURL()}, creds
		if err := m.checkCountyFlags(); err != nil {
			t.Fatal(err)
		}
	})
	federationtest.WaitFor(t, patience, func() string {
		for _, a := range m.hub.Alarms() {
			if a.Source == "county_link" && strings.Contains(a.Text, "口令") {
				return ""
			}
		}
		return fmt.Sprintf("no county_link alarm: %+v", m.hub.Alarms())
	})
	if code, body := kioskClient(t, m).do("POST", "/api/tickets", map[string]any{"service": "medicare"}); code != 201 {
		t.Fatalf("issue while the county refuses the hall: %d %v", code, body)
	}
	if m.link.Linked() {
		t.Fatal("the hall is linked with a wrong password")
	}
}

package federationtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// DebianServer is where Debian's nats-server package puts the server.
const DebianServer = "/usr/sbin/nats-server"

// ProcessHub is a county hub run by a nats-server binary from a
// configuration file, as a county runs it.
type ProcessHub struct {
	t         testing.TB
	bin, conf string
	client    int
	leaf      int
	cmd       *exec.Cmd
	exited    chan struct{}
	logFile   string
}

// StartProcessHub runs bin -c conf, where conf is file with its ports moved
// to free ones of 127.0.0.1 and its store to a temporary directory. When
// bin is missing it skips the test, but fails it under CI=true: CI
// installs the package so that this always runs there.
func StartProcessHub(t testing.TB, bin, file string) *ProcessHub {
	t.Helper()
	if _, err := os.Stat(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing on CI (.ci/run installs the nats-server package): %v", bin, err)
		}
		t.Skipf("no %s here (apt-get install nats-server)", bin)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	h := &ProcessHub{t: t, bin: bin, client: freePort(t), leaf: freePort(t)}
	dir := t.TempDir()
	conf := string(data)
	for _, r := range [][2]string{
		{"listen: 0.0.0.0:4222", fmt.Sprintf("listen: 127.0.0.1:%d", h.client)},
		{"listen: 0.0.0.0:7422", fmt.Sprintf("listen: 127.0.0.1:%d", h.leaf)},
		{`store_dir: "/var/lib/nats"`, fmt.Sprintf("store_dir: %q", filepath.Join(dir, "store"))},
		// Servers before 2.10 tell leaves their own address even so; a
		// hall must not learn a way round the proxy a test cuts (as a
		// hub behind the county's NAT tells one it cannot reach).
		{"no_advertise: true", `advertise: "127.0.0.1:1"`},
	} {
		if !strings.Contains(conf, r[0]) {
			t.Fatalf("%s no longer has %q, which the test moves", file, r[0])
		}
		conf = strings.Replace(conf, r[0], r[1], 1)
	}
	h.conf = filepath.Join(dir, "hub.conf")
	h.logFile = filepath.Join(dir, "hub.log")
	if err := os.WriteFile(h.conf, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	h.start()
	t.Cleanup(h.Stop)
	return h
}

func freePort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func (h *ProcessHub) start() {
	h.t.Helper()
	logf, err := os.OpenFile(h.logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		h.t.Fatal(err)
	}
	defer logf.Close()
	h.cmd = exec.Command(h.bin, "-c", h.conf)
	h.cmd.Stdout, h.cmd.Stderr = logf, logf
	if err := h.cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	h.exited = make(chan struct{})
	go func(cmd *exec.Cmd, exited chan struct{}) {
		cmd.Wait()
		close(exited)
	}(h.cmd, h.exited)
	deadline := time.Now().Add(30 * time.Second)
	for _, port := range []int{h.client, h.leaf} {
		for {
			c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
			if err == nil {
				c.Close()
				break
			}
			select {
			case <-h.exited:
				log, _ := os.ReadFile(h.logFile)
				h.t.Fatalf("%s exited at start:\n%s", h.bin, log)
			default:
			}
			if time.Now().After(deadline) {
				h.t.Fatalf("%s does not listen on %d", h.bin, port)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// Stop ends the server (SIGTERM, then SIGKILL after 10 s).
func (h *ProcessHub) Stop() {
	if h.cmd == nil {
		return
	}
	h.cmd.Process.Signal(os.Interrupt)
	select {
	case <-h.exited:
	case <-time.After(10 * time.Second):
		h.cmd.Process.Kill()
		<-h.exited
	}
	h.cmd = nil
}

// Restart stops the server and starts it again on the same ports and
// store.
func (h *ProcessHub) Restart() {
	h.t.Helper()
	h.Stop()
	h.start()
}

// Log is what the server wrote.
func (h *ProcessHub) Log() string {
	data, _ := os.ReadFile(h.logFile)
	return string(data)
}

// LeafURL is where halls link.
func (h *ProcessHub) LeafURL() string { return fmt.Sprintf("nats://127.0.0.1:%d", h.leaf) }

// Connect connects to the client port as the county service does.
func (h *ProcessHub) Connect(user, password string) *nats.Conn {
	h.t.Helper()
	opts := []nats.Option{nats.MaxReconnects(-1), nats.ReconnectWait(50 * time.Millisecond)}
	if user != "" {
		opts = append(opts, nats.UserInfo(user, password))
	}
	nc, err := nats.Connect(fmt.Sprintf("nats://127.0.0.1:%d", h.client), opts...)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(nc.Close)
	return nc
}

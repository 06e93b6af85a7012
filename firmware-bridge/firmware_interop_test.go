package bridge

import (
	"bufio"
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/yimen-hall/yimen/firmware-bridge/proto"
)

// TestFirmwareInteropPTY runs the C firmware's state machine (proto.c,
// built with gcc into firmware/host_device.c) on the device side of a pty
// against the bridge: a factory-fresh call pad gets its address, is
// proposed and approved, shows its window, hears a refused key as NAK 4
// on the bus, and shows the number its 叫号 called.
func TestFirmwareInteropPTY(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed")
	}
	src := filepath.Join("firmware", "YimenProto", "src")
	bin := filepath.Join(t.TempDir(), "host_device")
	build := exec.Command("gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-I"+src, "-o", bin,
		filepath.Join("firmware", "host_device.c"), filepath.Join(src, "proto.c"), filepath.Join(src, "hmac_sha256.c"))
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}

	master, slave, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer slave.Close()
	cmdR, cmdW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer cmdW.Close()
	dev := exec.Command(bin, "1", "594d0001000000c1", "f7")
	dev.Stdin, dev.Stdout, dev.ExtraFiles = master, master, []*os.File{cmdR}
	stderr, err := dev.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := dev.Start(); err != nil {
		t.Fatal(err)
	}
	master.Close() // the firmware holds it now
	cmdR.Close()
	var mu sync.Mutex
	var seen []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			mu.Lock()
			seen = append(seen, sc.Text())
			mu.Unlock()
		}
	}()
	defer func() { dev.Process.Kill(); dev.Wait(); <-done }()
	saw := func(what string, match func(string) bool) {
		t.Helper()
		eventually(t, what, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return slices.ContainsFunc(seen, match)
		})
	}
	press := func(code proto.KeyCode) { fmt.Fprintf(cmdW, "key %d 0\n", code) }

	eng := newFakeEngine("w1")
	eng.mu.Lock()
	eng.windows["w1"].Staff = "" // nobody signed in yet
	eng.mu.Unlock()
	br, err := New(Options{Engine: eng, Registry: NewMemRegistry(), Logger: testLogger(t),
		ResponseTimeout: testResponseTimeout, CycleInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	br.AddBus("serial:"+slave.Name(), 115200, SerialOpener(proto.SerialConfig{Path: slave.Name(), Baud: 115200}))
	br.Learn(time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan struct{})
	go func() { br.Serve(ctx); close(served) }()
	defer func() { cancel(); <-served }()

	saw("the pad takes an address", func(l string) bool { return l == "addr 246" })
	eventually(t, "the pad proposed", func() bool { return len(br.Devices()) == 1 })
	if d := br.Devices()[0]; d.HWID != "594d0001000000c1" || d.Kind != proto.KindCallPad || d.MaxPayload != 300 {
		t.Fatalf("proposal %+v", d)
	}
	if err := br.Approve("594d0001000000c1"); err != nil {
		t.Fatal(err)
	}
	if err := br.Assign("594d0001000000c1", "w1"); err != nil {
		t.Fatal(err)
	}
	showNumber := func(number string) func(string) bool {
		return func(l string) bool {
			f := strings.Fields(l)
			if len(f) != 4 || f[0] != "show" || f[1] != fmt.Sprint(uint8(proto.MsgShowNumber)) {
				return false
			}
			p, err := hex.DecodeString(f[3])
			if err != nil {
				return false
			}
			s, err := proto.ParseShowNumber(p)
			return err == nil && s.Number == number
		}
	}
	saw("the pad shows its idle window", showNumber(""))

	press(proto.KeyNext) // nobody signed in: refused, and the pad hears it
	saw("NAK 4 at the pad", func(l string) bool { return l == fmt.Sprintf("nak %d %d", proto.MsgKey, proto.NakRefused) })
	if a := eng.actions(); len(a) != 0 {
		t.Fatalf("a refused key acted: %+v", a)
	}

	eng.mu.Lock()
	eng.windows["w1"].Staff = "s-w1"
	eng.mu.Unlock()
	eng.issue("A001")
	press(proto.KeyNext)
	saw("the pad shows A001", showNumber("A001"))
	if a := eng.actions(); len(a) != 1 || a[0].Key != proto.KeyNext || a[0].Window != "w1" {
		t.Errorf("actions %+v", a)
	}
}

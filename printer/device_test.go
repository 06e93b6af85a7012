package printer

import (
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/printer/escposemu"
)

// patience is how long a test waits for what should happen at once: CI
// shares two cores with -race, and a passing test waits no longer than the
// event takes.
const patience = 30 * time.Second

func eventually(d time.Duration, cond func() bool) bool {
	end := time.Now().Add(d)
	for !cond() {
		if time.Now().After(end) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

func TestParseURI(t *testing.T) {
	for _, tc := range []struct {
		uri, scheme, addr string
		dots              int
		qr                QRMode
		status            bool
		baud              int
	}{
		{"", "sim", "", Dots80, QRNative, true, 0},
		{"sim?width=58", "sim", "", Dots58, QRNative, true, 0},
		{"serial:/dev/ttyUSB0?baud=115200&qr=raster", "serial", "/dev/ttyUSB0", Dots80, QRRaster, true, 115200},
		{"serial:/dev/serial/by-id/usb-1a86_USB_Serial-if00-port0", "serial", "/dev/serial/by-id/usb-1a86_USB_Serial-if00-port0", Dots80, QRNative, true, 9600},
		{"serial:usb=1a86:7523?status=none", "serial", "usb=1a86:7523", Dots80, QRNative, false, 9600},
		{"tcp:192.168.1.50", "tcp", "192.168.1.50:9100", Dots80, QRNative, true, 0},
		{"file:/dev/usb/lp0?width=80&status=none", "file", "/dev/usb/lp0", Dots80, QRNative, false, 0},
	} {
		got, err := parseURI(tc.uri)
		if err != nil {
			t.Errorf("%q: %v", tc.uri, err)
			continue
		}
		if got.scheme != tc.scheme || got.addr != tc.addr || got.cfg.Dots != tc.dots || got.cfg.QR != tc.qr || got.cfg.Status != tc.status || got.cfg.Baud != tc.baud {
			t.Errorf("%q parsed as %+v", tc.uri, got)
		}
	}
	for _, bad := range []string{"lpt:1", "serial:", "serial:usb=1a86", "sim?width=70", "tcp:h?qr=svg", "serial:/dev/x?baud=abc", "sim?frobs=1", "serial:/dev/x?state=ok"} {
		if _, err := Open(bad, Options{}); err == nil {
			t.Errorf("Open(%q) accepted", bad)
		}
	}
}

// TestReconnect: a printer that is absent at start and vanishes later is
// found again by redialling with backoff, and the manager hears each change.
func TestReconnect(t *testing.T) {
	f := escposemu.NewFake()
	var present atomic.Bool
	dial := func(context.Context) (io.ReadWriteCloser, error) {
		if !present.Load() {
			return nil, os.ErrNotExist
		}
		return f.Conn(), nil
	}
	var states []State
	changes := make(chan Status, 32)
	d := New(dial, Config{Status: true, Poll: 50 * time.Millisecond, Timeout: 2 * time.Second}, Options{OnStatus: func(s Status) { changes <- s }})
	defer d.Close()
	ctx := context.Background()

	err := d.Print(ctx, sampleTicket())
	var fault *Fault
	if !errors.As(err, &fault) || fault.State != StateOffline {
		t.Fatalf("absent printer: %v", err)
	}
	present.Store(true)
	if !eventually(patience, func() bool { return d.Status().State == StateOK }) {
		t.Fatalf("not reconnected: %+v", d.Status())
	}
	if err := d.Print(ctx, sampleTicket()); err != nil {
		t.Fatal(err)
	}
	present.Store(false)
	f.Unplug()
	if !eventually(patience, func() bool { return d.Status().State == StateOffline }) {
		t.Fatalf("unplug not noticed: %+v", d.Status())
	}
	present.Store(true)
	if !eventually(patience, func() bool { return d.Status().State == StateOK }) {
		t.Fatalf("not reconnected after replug: %+v", d.Status())
	}
	if err := d.Print(ctx, sampleTicket()); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Jobs()); n != 2 {
		t.Errorf("%d tickets, want 2", n)
	}
	for len(changes) > 0 {
		states = append(states, (<-changes).State)
	}
	// An unplug may be reported twice with different details (the link
	// lost, then a redial refused); what the manager's page shows is the
	// sequence of states.
	states = slices.Compact(states)
	want := []State{StateOffline, StateOK, StateOffline, StateOK}
	if strings.Join(stateStrings(states), ",") != strings.Join(stateStrings(want), ",") {
		t.Errorf("OnStatus saw %v, want %v", states, want)
	}
}

func stateStrings(s []State) []string {
	out := make([]string, len(s))
	for i, v := range s {
		out[i] = string(v)
	}
	return out
}

// TestWriteOnly: status=none sends tickets without asking, and a
// panicking OnStatus does not take the daemon down.
func TestWriteOnly(t *testing.T) {
	f := escposemu.NewFake()
	f.SetState(escposemu.State{Silent: true})
	d := New(func(context.Context) (io.ReadWriteCloser, error) { return f.Conn(), nil },
		Config{Status: false, Poll: 20 * time.Millisecond}, Options{OnStatus: func(Status) { panic("boom") }})
	defer d.Close()
	if err := d.Print(context.Background(), sampleTicket()); err != nil {
		t.Fatal(err)
	}
	if f.Queries() != 0 {
		t.Errorf("%d status queries on a write-only link", f.Queries())
	}
	if s := d.Status(); s.State != StateUnknown {
		t.Errorf("status %+v", s)
	}
	f.Unplug() // OnStatus(offline) panics; the device carries on
	if !eventually(patience, func() bool { return d.Status().State == StateOffline }) {
		t.Errorf("status %+v", d.Status())
	}
}

func TestSimPreviews(t *testing.T) {
	p, err := Open("sim?width=58", Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for i := range MaxPreviews + 3 {
		tk := sampleTicket()
		tk.Number = "A" + string(rune('0'+i%10))
		if err := p.Print(context.Background(), tk); err != nil {
			t.Fatal(err)
		}
	}
	pv := p.(Previewer).Previews()
	if len(pv) != MaxPreviews {
		t.Fatalf("%d previews, want %d", len(pv), MaxPreviews)
	}
	if pv[0].Number != "A2" { // newest first: ticket 22
		t.Errorf("newest preview %q", pv[0].Number)
	}
	h := string(pv[0].HTML)
	for _, s := range []string{"乐昌镇便民服务中心", "A2", "新农合报销", "您前面还有 3 人", "data:image/png;base64", `data-size="5x5"`} {
		if !strings.Contains(h, s) {
			t.Errorf("preview HTML lacks %q", s)
		}
	}
	if pv[0].Bytes <= 0 || pv[0].Bytes >= 1024 {
		t.Errorf("preview bytes %d", pv[0].Bytes)
	}

	// Rehearsing an alarm.
	p.(*Sim).SetState(StatePaperEnd)
	var f *Fault
	if err := p.Print(context.Background(), sampleTicket()); !errors.As(err, &f) || f.State != StatePaperEnd {
		t.Errorf("sim paper end: %v", err)
	}
}

func TestPrintTest(t *testing.T) {
	var sb strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := PrintTest(ctx, "sim", &sb, Options{}); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"状态 status: ok", "字节 bytes:", "打印测试", "已打印"} {
		if !strings.Contains(sb.String(), s) {
			t.Errorf("output lacks %q:\n%s", s, sb.String())
		}
	}
	sb.Reset()
	if err := PrintTest(ctx, "sim?state=cover_open", &sb, Options{}); err == nil || !strings.Contains(sb.String(), "cover_open") {
		t.Errorf("cover open: %v\n%s", err, sb.String())
	}
	if err := ListPorts(&sb); err != nil {
		t.Errorf("ListPorts: %v", err)
	}
}

package bridge

import (
	"context"
	"errors"
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"github.com/yimen-hall/yimen/firmware-bridge/sim"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// link is one bus under test: Opener for the bridge side and a function
// that attaches the simulated devices to the other end.
type link struct {
	name  string
	baud  int
	open  Opener
	serve func(ctx context.Context, bus *sim.Bus) // runs until ctx ends
	noise func(b []byte)                          // writes bytes towards the host
}

// patience is how long a test waits for what should happen at once: CI
// shares two cores with -race, and a passing test waits no longer than the
// event takes.
const patience = 30 * time.Second

// eventually polls cond until it holds or the deadline passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// testResponseTimeout is short enough that the offline checks stay quick and
// long enough that a device answering through a pty on a loaded machine under
// -race is not taken for a silent one (a late answer would otherwise drop it
// offline and hold back its display updates).
const testResponseTimeout = 250 * time.Millisecond

type alarms struct {
	mu sync.Mutex
	l  []Alarm
}

func (a *alarms) add(x Alarm) { a.mu.Lock(); a.l = append(a.l, x); a.mu.Unlock() }
func (a *alarms) hasCount(code string, n int) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.l) > 0 && slices.ContainsFunc(a.l, func(x Alarm) bool { return x.Code == code && x.Count == n })
}
func (a *alarms) has(code, hwid string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.ContainsFunc(a.l, func(x Alarm) bool { return x.Code == code && (hwid == "" || x.HWID == hwid) })
}

type rig struct {
	t      *testing.T
	eng    *fakeEngine
	br     *Bridge
	alarms *alarms
	pad    *sim.Device
	board  *sim.Device
	rater  *sim.Device
	bus    *sim.Bus
	cancel context.CancelFunc
}

func testLogger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

func newRig(t *testing.T, l link, opts ...func(*Options)) *rig {
	r := &rig{t: t, eng: newFakeEngine("w1"), alarms: &alarms{}}
	o := Options{Engine: r.eng, Registry: NewMemRegistry(), Logger: testLogger(t), OnAlarm: r.alarms.add,
		ResponseTimeout: testResponseTimeout, CycleInterval: 10 * time.Millisecond, ReopenMin: 20 * time.Millisecond, ReopenMax: 100 * time.Millisecond}
	for _, f := range opts {
		f(&o)
	}
	br, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	r.br = br
	br.AddBus(l.name, l.baud, l.open)
	// a call pad with a DIP-switch address, a new LED board without one,
	// a rating pad at address 3
	r.pad = sim.NewDevice(proto.KindCallPad, 0x594d000100000001, 1, proto.CapNumber, 0, 0)
	r.board = sim.NewDevice(proto.KindLEDBoard, 0x594d000300000002, proto.AddrUnprovisioned, proto.CapBitmap, 64, 16)
	r.rater = sim.NewDevice(proto.KindRatingPad, 0x594d000200000003, 3, 0, 0, 0)
	r.bus = sim.NewBus(r.pad, r.board, r.rater)
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	var wg sync.WaitGroup
	wg.Go(func() { l.serve(ctx, r.bus) })
	wg.Go(func() { br.Serve(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })
	return r
}

// learn opens learn mode, waits for the three devices to propose
// themselves, approves them and assigns them to window w1.
func (r *rig) learn() {
	t := r.t
	r.br.Learn(time.Minute)
	for _, d := range []*sim.Device{r.pad, r.board, r.rater} {
		d.Reboot() // powered up while learn mode is open
	}
	eventually(t, "three proposals", func() bool {
		n := 0
		for _, d := range r.br.Devices() {
			if d.State == StatePending {
				n++
			}
		}
		return n == 3
	})
	eventually(t, "one alarm for the three", func() bool { return r.alarms.hasCount(AlarmPending, 3) })
	if r.board.Addr() == proto.AddrUnprovisioned {
		t.Fatal("LED board got no address")
	}
	for _, d := range []*sim.Device{r.pad, r.board, r.rater} {
		if err := r.br.Assign(d.HWID(), "w1"); err == nil {
			t.Fatal("a device was assigned before the manager approved it")
		}
		if err := r.br.Approve(d.HWID()); err != nil {
			t.Fatal(err)
		}
		if err := r.br.Assign(d.HWID(), "w1"); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "the proposals alarm cleared", func() bool { return r.alarms.hasCount(AlarmPending, 0) })
}

// boardShows waits until the LED board's last SHOW is the rendering of text.
func (r *rig) boardShows(text string) {
	r.t.Helper()
	want := r.br.o.Font.Render(text, 64, 16)
	eventually(r.t, "board shows "+text, func() bool {
		s := r.board.Shown()
		if len(s) == 0 || s[len(s)-1].Type != proto.MsgShowBitmap {
			return false
		}
		bm, err := proto.ParseShowBitmap(s[len(s)-1].Payload)
		return err == nil && string(bm.Bitmap.Pix) == string(want.Pix)
	})
}

func (r *rig) padShows(number string, waiting uint16) {
	r.t.Helper()
	eventually(r.t, "pad shows "+number, func() bool {
		s := r.pad.Shown()
		if len(s) == 0 {
			return false
		}
		sn, err := proto.ParseShowNumber(s[len(s)-1].Payload)
		return err == nil && sn.Number == number && sn.Waiting == waiting
	})
}

// testConformance is the suite every bus transport passes.
func testConformance(t *testing.T, l link) {
	r := newRig(t, l)
	// before the manager pairs it, a pad on the bus is heard and refused
	r.pad.Press(proto.KeyNext, 0)
	eventually(t, "unpaired pad refused with NAK 5", func() bool {
		n := r.pad.Naks()
		return len(n) > 0 && n[len(n)-1].Type == proto.MsgKey && n[len(n)-1].Code == proto.NakUnpaired
	})
	if a := r.eng.actions(); len(a) != 0 || len(r.br.Devices()) != 0 {
		t.Fatalf("an unpaired pad acted (%+v) or was stored (%+v)", a, r.br.Devices())
	}
	r.learn()
	r.eng.issue("A001", "A002")
	r.boardShows("")
	r.padShows("", 2)

	// 叫号 on the pad → Next at w1 → the board shows the number
	r.pad.Press(proto.KeyNext, 0)
	r.boardShows("请A001号办理"[:0] + r.br.BoardText(WindowView{Number: "A001"}, true, 64))
	r.padShows("A001", 1)
	if a := r.eng.actions(); len(a) != 1 || a[0].Key != proto.KeyNext || a[0].Window != "w1" || a[0].Staff != "s-w1" {
		t.Fatalf("engine actions = %+v", a)
	}

	// 办结, then a rating tied to the window
	r.pad.Press(proto.KeyFinish, 1)
	r.boardShows("")
	r.rater.Rate(2, 1)
	eventually(t, "rating", func() bool { return len(r.eng.ratings()) == 1 })
	if got := r.eng.ratings()[0]; got != "w1 2 等候时间长" {
		t.Errorf("rating = %q", got)
	}
	if a := r.eng.actions(); a[1].Key != proto.KeyFinish || a[1].Outcome != "promised" {
		t.Errorf("finish = %+v", a[1])
	}

	// noise and a truncated frame towards the host are dropped and counted;
	// the next good frame still arrives
	before := r.br.Stats()[0].Dropped
	good, _ := proto.Frame{Dst: 0, Src: 9, Type: proto.MsgHeartbeat}.Encode()
	l.noise(append([]byte{0x42, 0x13, 0xff, 0x00}, good[:5]...))
	l.noise([]byte{0})
	r.pad.Press(proto.KeyPause, 0)
	r.boardShows("暂停服务")
	eventually(t, "dropped frames counted", func() bool { return r.br.Stats()[0].Dropped >= before+2 })
	if n := len(r.eng.actions()); n != 3 {
		t.Errorf("%d actions after the pause, want 3 (no duplicates)", n)
	}

	// a device that stops answering raises an alarm, and recovers
	r.rater.SetDisabled(true)
	eventually(t, "offline alarm", func() bool { return r.alarms.has(AlarmOffline, r.rater.HWID()) })
	r.rater.SetDisabled(false)
	eventually(t, "online alarm", func() bool { return r.alarms.has(AlarmOnline, r.rater.HWID()) })
	r.pad.Press(proto.KeyResume, 0)
	r.boardShows("")
}

// pipeLink is the in-process fake transport: a net.Pipe.
func pipeLink() link {
	conns := make(chan net.Conn, 1)
	var mu sync.Mutex
	var dev net.Conn
	return link{
		name: "fake",
		open: func(ctx context.Context) (Transport, error) {
			h, d := net.Pipe()
			conns <- d
			return h, nil
		},
		serve: func(ctx context.Context, bus *sim.Bus) {
			for {
				select {
				case <-ctx.Done():
					mu.Lock()
					if dev != nil {
						dev.Close()
					}
					mu.Unlock()
					return
				case d := <-conns:
					mu.Lock()
					dev = d
					mu.Unlock()
					go bus.Serve(ctx, d)
				}
			}
		},
		noise: func(b []byte) {
			mu.Lock()
			d := dev
			mu.Unlock()
			d.Write(b)
		},
	}
}

func TestConformanceFake(t *testing.T) { testConformance(t, pipeLink()) }

// ptyLink is a pseudo-terminal opened through the real serial library.
// The port path is a symlink so that a test can replug a new pty under it.
type ptyLink struct {
	t       *testing.T
	path    string
	mu      sync.Mutex
	master  *os.File
	slave   *os.File
	newPort chan *os.File
}

func newPTYLink(t *testing.T) *ptyLink {
	p := &ptyLink{t: t, path: filepath.Join(t.TempDir(), "ttyYIMEN0"), newPort: make(chan *os.File, 1)}
	p.plug()
	return p
}

// plug creates a pty and points the symlink at it.
func (p *ptyLink) plug() {
	m, s, err := pty.Open()
	if err != nil {
		p.t.Fatal(err)
	}
	os.Remove(p.path)
	if err := os.Symlink(s.Name(), p.path); err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.master, p.slave = m, s
	p.mu.Unlock()
	p.newPort <- m
}

// unplug closes the master: the port vanishes.
func (p *ptyLink) unplug() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.master.Close()
	p.slave.Close()
}

func (p *ptyLink) link() link {
	cfg := proto.SerialConfig{Path: p.path, Baud: 115200}
	return link{
		name: "serial:" + p.path,
		baud: 115200,
		open: SerialOpener(cfg),
		serve: func(ctx context.Context, bus *sim.Bus) {
			for {
				select {
				case <-ctx.Done():
					p.unplug()
					return
				case m := <-p.newPort:
					go func() {
						for ctx.Err() == nil {
							err := bus.Serve(ctx, m)
							if err == io.EOF || isClosed(err) {
								return
							}
							time.Sleep(5 * time.Millisecond) // EIO until the port is opened
						}
					}()
				}
			}
		},
		noise: func(b []byte) {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.master.Write(b)
		},
	}
}

func isClosed(err error) bool {
	return err != nil && (os.IsNotExist(err) || err == os.ErrClosed || errorsIsClosed(err))
}

func TestConformancePTY(t *testing.T) {
	testConformance(t, newPTYLink(t).link())
}

// TestPTYReplug unplugs the USB-serial adapter (closes the pty master) and
// plugs a new one under the same path: the bus reopens and keeps working.
func TestPTYReplug(t *testing.T) {
	p := newPTYLink(t)
	r := newRig(t, p.link())
	r.learn()
	r.eng.issue("A001", "A002")
	r.pad.Press(proto.KeyNext, 0)
	r.padShows("A001", 1)

	p.unplug()
	eventually(t, "bus down alarm", func() bool { return r.alarms.has(AlarmBusDown, "") })
	time.Sleep(50 * time.Millisecond) // a reopen or two fails on the dangling link
	p.plug()
	eventually(t, "bus reopened", func() bool { s := r.br.Stats()[0]; return s.Up && s.Reopens >= 2 })
	r.pad.Press(proto.KeyNext, 0)
	r.padShows("A002", 0)
	r.boardShows(r.br.BoardText(WindowView{Number: "A002"}, true, 64))
}

func errorsIsClosed(err error) bool {
	return errors.Is(err, os.ErrClosed)
}

package bridge

import (
	"context"
	"fmt"
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"github.com/yimen-hall/yimen/firmware-bridge/sim"
	"sync"
	"testing"
	"time"
)

// TestShowNeverLooksLikeRetry plays an LED board on the device side of a
// pty. Over 260 calls (the 8-bit seq wraps) the board draws every one, and
// no new SHOW reuses the seq it last acted on. Then the daemon restarts
// while the window moves on; even if the restarted host's first seq
// equals the one the board remembers, the board draws the new number: a
// retry must also be byte-identical (PROTOCOL.md §4).
func TestShowNeverLooksLikeRetry(t *testing.T) {
	p := newPTYLink(t)
	l := p.link()
	board := sim.NewDevice(proto.KindLEDBoard, 0x594d000300000077, 2, proto.CapText, 0, 0)
	var mu sync.Mutex
	var reused []string
	lastSeq := -1
	board.OnShow(func(f proto.Frame) {
		mu.Lock()
		defer mu.Unlock()
		if int(f.Seq) == lastSeq {
			reused = append(reused, fmt.Sprintf("seq %d", f.Seq))
		}
		lastSeq = int(f.Seq)
	})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	wg.Go(func() { l.serve(ctx, sim.NewBus(board)) })

	eng := newFakeEngine("w1")
	reg := NewMemRegistry()
	start := func() (*Bridge, func()) {
		br, err := New(Options{Engine: eng, Registry: reg, Logger: testLogger(t),
			ResponseTimeout: 50 * time.Millisecond, CycleInterval: 5 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		br.AddBus(l.name, l.baud, l.open)
		bctx, bcancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { br.Serve(bctx); close(done) }()
		return br, func() { bcancel(); <-done }
	}
	shows := func(text string) { t.Helper(); waitShowsText(t, board, text) }

	br, stop := start()
	br.Learn(time.Minute)
	board.Reboot()
	eventually(t, "board proposed", func() bool { return len(br.Devices()) == 1 })
	if err := br.Approve(board.HWID()); err != nil {
		t.Fatal(err)
	}
	if err := br.Assign(board.HWID(), "w1"); err != nil {
		t.Fatal(err)
	}
	const calls = 260 // past one wrap of the 8-bit seq
	for i := 1; i <= calls; i++ {
		eng.issue(fmt.Sprintf("A%03d", i))
		if err := eng.Act(ctx, Action{Key: proto.KeyNext, Window: "w1", Staff: "s-w1"}); err != nil {
			t.Fatal(err)
		}
		shows(fmt.Sprintf("请A%03d号办理", i))
	}
	mu.Lock()
	if len(reused) > 0 {
		t.Errorf("new SHOWs reused the seq the board last acted on: %v", reused)
	}
	mu.Unlock()
	stop()

	// while the daemon is down the window calls the next number; the
	// restarted host's first SHOW carries seq 1 — make that the seq the
	// board remembers, the worst case
	eng.issue("B001")
	eng.Act(ctx, Action{Key: proto.KeyNext, Window: "w1", Staff: "s-w1"})
	board.RememberShow(1)
	mu.Lock()
	lastSeq = -1
	mu.Unlock()
	_, stop = start()
	defer stop()
	shows("请B001号办理")
}

// TestBusNakReachesPad: on a polled bus a refused key comes back to the
// pad as a NAK code on the POLL that acknowledges it, so the pad can show
// 请登录 (PROTOCOL.md §3); tested from the pad's side of a pty.
func TestBusNakReachesPad(t *testing.T) {
	r := newRig(t, newPTYLink(t).link())
	r.eng.mu.Lock()
	r.eng.windows["w1"].Staff = "" // nobody signed in
	r.eng.mu.Unlock()
	r.learn()
	r.eng.issue("A001")
	r.pad.Press(proto.KeyNext, 0)
	eventually(t, "NAK 4 at the pad", func() bool {
		n := r.pad.Naks()
		return len(n) == 1 && n[0].Type == proto.MsgKey && n[0].Code == proto.NakRefused
	})
	if a := r.eng.actions(); len(a) != 0 {
		t.Errorf("a refused key acted: %+v", a)
	}
	// an accepted key is acknowledged without a NAK
	r.eng.mu.Lock()
	r.eng.windows["w1"].Staff = "s-w1"
	r.eng.mu.Unlock()
	r.pad.Press(proto.KeyNext, 0)
	eventually(t, "the key acted", func() bool { return len(r.eng.actions()) == 1 })
	eventually(t, "queue drained", func() bool { return r.pad.Pending() == 0 })
	if n := r.pad.Naks(); len(n) != 1 {
		t.Errorf("NAKs %+v, want only the refused key's", n)
	}
}

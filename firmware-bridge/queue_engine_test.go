package bridge

import (
	"context"
	"errors"
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"github.com/yimen-hall/yimen/firmware-bridge/sim"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

// TestQueueEngine drives the real queue engine (demo hall, in-memory log)
// from a simulated call pad and rating pad on the fake bus.
func TestQueueEngine(t *testing.T) {
	e := demoEngine(t, new(queuetest.MemLog))
	ctx := context.Background()
	pad := sim.NewDevice(proto.KindCallPad, 1, 1, proto.CapNumber, 0, 0)
	board := sim.NewDevice(proto.KindLEDBoard, 2, 2, proto.CapText, 0, 0)
	rater := sim.NewDevice(proto.KindRatingPad, 3, 3, 0, 0, 0)
	serveAtWindow1(t, e, pad, board, rater)
	iss, err := e.Issue(ctx, "guide", false)
	if err != nil {
		t.Fatal(err)
	}
	_ = iss
	pad.Press(proto.KeyNext, 0)
	eventually(t, "board shows A001", func() bool {
		s := board.Shown()
		if len(s) == 0 {
			return false
		}
		st, _ := proto.ParseShowText(s[len(s)-1].Payload)
		return st.Text == "请A001号办理"
	})
	pad.Press(proto.KeyFinish, 0)
	eventually(t, "rating pad shows A001", func() bool {
		s := rater.Shown()
		if len(s) == 0 {
			return false
		}
		sn, _ := proto.ParseShowNumber(s[len(s)-1].Payload)
		return sn.Number == "A001"
	})
	rater.Rate(2, 2) // 不满意, then the reason key 2
	eventually(t, "rated with the reason", func() bool {
		var score int
		var reason string
		e.Read(func(s *queue.State) {
			for _, tk := range s.Tickets {
				score, reason = tk.Score(), tk.Reason()
			}
		})
		return score == 2 && reason == "态度不好"
	})
	// a second rating of the same ticket is refused, and the pad hears it
	rater.Rate(5, 0)
	eventually(t, "second rating refused", func() bool {
		n := rater.Naks()
		return len(n) == 1 && n[0].Type == proto.MsgRating && n[0].Code == proto.NakRefused
	})
}

// TestBoardShowsCommittedOnly: when the event log refuses a call (a full
// disk) nothing was written, so an LED board that (re)connects then must
// not show the lost call.
func TestBoardShowsCommittedOnly(t *testing.T) {
	log := new(queuetest.MemLog)
	e := demoEngine(t, log)
	ctx := context.Background()
	if _, err := e.Issue(ctx, "guide", false); err != nil {
		t.Fatal(err)
	}
	board := sim.NewDevice(proto.KindLEDBoard, 2, 2, proto.CapText, 0, 0)
	serveAtWindow1(t, e, board)
	waitShowsText(t, board, "")

	log.FailAppend = errors.New("disk full")
	if _, err := e.Next(ctx, "1", "S01"); err == nil {
		t.Fatal("next succeeded with a failing log")
	}
	n := len(board.Shown())
	board.Reboot() // the board power-cycles: the host sends it the window again
	eventually(t, "the board redrawn after its reboot", func() bool { return len(board.Shown()) > n })
	waitShowsText(t, board, "")
}

// serveAtWindow1 runs a bridge for e on a fake bus with devs on it, and
// approves and assigns every device to window 1; the test's cleanup stops
// the bus and the bridge.
func serveAtWindow1(t *testing.T, e *queue.Engine, devs ...*sim.Device) *Bridge {
	t.Helper()
	l := pipeLink()
	br, err := New(Options{Engine: QueueEngine(e), Registry: NewMemRegistry(), Logger: testLogger(t), ResponseTimeout: testResponseTimeout, CycleInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	br.AddBus(l.name, 0, l.open)
	br.Learn(time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 2)
	go func() { l.serve(ctx, sim.NewBus(devs...)); done <- struct{}{} }()
	go func() { br.Serve(ctx); done <- struct{}{} }()
	t.Cleanup(func() { cancel(); <-done; <-done })
	eventually(t, "devices proposed", func() bool { return len(br.Devices()) == len(devs) })
	for _, d := range devs {
		if err := br.Approve(d.HWID()); err != nil {
			t.Fatal(err)
		}
		if err := br.Assign(d.HWID(), "1"); err != nil {
			t.Fatal(err)
		}
	}
	return br
}

// demoEngine runs the demo hall on log with S01 signed in at window 1.
func demoEngine(t *testing.T, log queue.Log) *queue.Engine {
	e, err := queue.NewEngine(queue.DemoHall(), log, queue.Options{Now: time.Now, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if _, err := e.Open(context.Background(), "1", "S01"); err != nil {
		t.Fatal(err)
	}
	return e
}

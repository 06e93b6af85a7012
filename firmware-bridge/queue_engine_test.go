package bridge

import (
	"context"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

// TestQueueEngine drives the real queue engine (demo hall, in-memory log)
// from a simulated call pad and rating pad on the fake bus.
func TestQueueEngine(t *testing.T) {
	e, err := queue.NewEngine(queue.DemoHall(), new(queuetest.MemLog), queue.Options{Now: time.Now, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	if _, err := e.Open(ctx, "1", "S01"); err != nil {
		t.Fatal(err)
	}
	l := pipeLink()
	br, err := New(Options{Engine: QueueEngine(e), Registry: NewMemRegistry(), Logger: testLogger(t), ResponseTimeout: testResponseTimeout, CycleInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	br.AddBus(l.name, 0, l.open)
	br.Learn(time.Minute)
	pad := NewSimDevice(KindCallPad, 1, 1, CapNumber, 0, 0)
	board := NewSimDevice(KindLEDBoard, 2, 2, CapText, 0, 0)
	rater := NewSimDevice(KindRatingPad, 3, 3, 0, 0, 0)
	cctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{}, 2)
	go func() { l.serve(cctx, NewSimBus(pad, board, rater)); done <- struct{}{} }()
	go func() { br.Serve(cctx); done <- struct{}{} }()
	defer func() { cancel(); <-done; <-done }()
	eventually(t, "devices", func() bool { return len(br.Devices()) == 3 })
	for _, d := range []*SimDevice{pad, board, rater} {
		if err := br.Approve(d.HWID()); err != nil {
			t.Fatal(err)
		}
		if err := br.Assign(d.HWID(), "1"); err != nil {
			t.Fatal(err)
		}
	}
	iss, err := e.Issue(ctx, "guide", false)
	if err != nil {
		t.Fatal(err)
	}
	_ = iss
	pad.Press(KeyNext, 0)
	eventually(t, "board shows A001", func() bool {
		s := board.Shown()
		if len(s) == 0 {
			return false
		}
		st, _ := ParseShowText(s[len(s)-1].Payload)
		return st.Text == "请A001号办理"
	})
	pad.Press(KeyFinish, 0)
	eventually(t, "rating pad shows A001", func() bool {
		s := rater.Shown()
		if len(s) == 0 {
			return false
		}
		sn, _ := ParseShowNumber(s[len(s)-1].Payload)
		return sn.Number == "A001"
	})
	rater.Rate(2, 2) // 不满意, then the reason key 2
	eventually(t, "rated with the reason", func() bool {
		var score int
		var reason string
		e.Read(func(s *queue.State) {
			for _, tk := range s.Tickets {
				score, reason = tk.Score, tk.Reason
			}
		})
		return score == 2 && reason == "态度不好"
	})
	// a second rating of the same ticket is refused, and the pad hears it
	rater.Rate(5, 0)
	eventually(t, "second rating refused", func() bool {
		n := rater.Naks()
		return len(n) == 1 && n[0].Type == MsgRating && n[0].Code == NakRefused
	})
}

package bridge

import (
	"context"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"github.com/yimen-hall/yimen/firmware-bridge/sim"
	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

// TestHoldAndRequeueKeys: a call pad's 挂起 parks the current ticket and
// calls the next; its 过号重排 puts the window's last no-show back in line.
func TestHoldAndRequeueKeys(t *testing.T) {
	e, err := queue.NewEngine(queue.DemoHall(), new(queuetest.MemLog), queue.Options{Now: time.Now, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	for range 3 {
		if _, err := e.Issue(ctx, "guide", false); err != nil { // A001…A003
			t.Fatal(err)
		}
	}
	q := QueueEngine(e)
	press := func(k proto.KeyCode) error { return q.Act(ctx, Action{Key: k, Window: "1", Staff: "S01"}) }
	if err := press(proto.KeyRequeue); queue.ErrorKind(err) != queue.NotFound {
		t.Errorf("过号重排 with no no-show: %v", err)
	}
	for _, k := range []proto.KeyCode{proto.KeyNext, proto.KeyHold} {
		if err := press(k); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	if v := q.Window("1"); v.Number != "A002" {
		t.Errorf("after 挂起 the pad shows %q, want A002", v.Number)
	}
	for _, k := range []proto.KeyCode{proto.KeyNoShow, proto.KeyRequeue} {
		if err := press(k); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	e.Read(func(s *queue.State) {
		a1, a2 := s.Tickets[s.Day[:4]+s.Day[5:7]+s.Day[8:]+"-A001"], s.Tickets[s.Day[:4]+s.Day[5:7]+s.Day[8:]+"-A002"]
		if a1.Status() != queue.StatusHeld || a2.Status() != queue.StatusWaiting || a2.Requeues() != 1 {
			t.Errorf("A001 %s, A002 %s (requeued %d); want held, waiting, 1", a1.Status(), a2.Status(), a2.Requeues())
		}
	})
}

// TestCallBackKey: a call pad on the bus calls back a ticket parked at its
// window with 叫回 (0x0C): by its number's last two digits, or with 0 the
// first parked; the pad's display shows it, and an unknown one is refused.
func TestCallBackKey(t *testing.T) {
	e := demoEngine(t, new(queuetest.MemLog))
	ctx := context.Background()
	for range 4 {
		if _, err := e.Issue(ctx, "guide", false); err != nil { // A001…A004
			t.Fatal(err)
		}
	}
	pad := sim.NewDevice(proto.KindCallPad, 1, 1, proto.CapNumber, 0, 0)
	serveAtWindow1(t, e, pad)
	shows := func(want string) {
		t.Helper()
		eventually(t, "the pad shows "+want, func() bool {
			s := pad.Shown()
			if len(s) == 0 {
				return false
			}
			sn, _ := proto.ParseShowNumber(s[len(s)-1].Payload)
			return sn.Number == want
		})
	}
	pad.Press(proto.KeyNext, 0)
	shows("A001")
	pad.Press(proto.KeyHold, 0) // A001 parked, A002 called
	shows("A002")
	pad.Press(proto.KeyHold, 0) // A002 parked, A003 called
	shows("A003")
	pad.Press(proto.KeyCallBack, 2) // 2 叫回: A002
	shows("A002")
	pad.Press(proto.KeyCallBack, 9) // nothing parked ends in 09
	eventually(t, "叫回 9 refused", func() bool {
		n := pad.Naks()
		return len(n) == 1 && n[0].Code == proto.NakRefused
	})
	pad.Press(proto.KeyCallBack, 0) // 叫回 alone: the first parked, A001
	shows("A001")
	pad.Press(proto.KeyCallBack, 101)
	eventually(t, "an argument past 100 refused as a bad payload", func() bool {
		n := pad.Naks()
		return len(n) == 2 && n[1].Code == proto.NakBadPayload
	})
	e.Read(func(s *queue.State) {
		for _, tk := range s.Tickets {
			if tk.Status() == queue.StatusHeld {
				t.Errorf("%s still parked", tk.Number)
			}
		}
	})
}

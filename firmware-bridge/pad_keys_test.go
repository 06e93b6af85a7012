package bridge

import (
	"context"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/firmware-bridge/proto"
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
		if a1.Status != queue.StatusHeld || a2.Status != queue.StatusWaiting || a2.Requeues != 1 {
			t.Errorf("A001 %s, A002 %s (requeued %d); want held, waiting, 1", a1.Status, a2.Status, a2.Requeues)
		}
	})
}

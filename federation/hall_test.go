package federation_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/federation"
	"github.com/yimen-hall/yimen/federation/federationtest"
	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/bolt"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

// testHall is a hall of the tests: a real engine over a real bbolt file
// and, once linked, its embedded NATS server.
type testHall struct {
	id     string
	dir    string
	clock  *queuetest.Clock
	store  *bolt.Store
	engine *queue.Engine
	link   *federation.Link
	county []string
	user   string
	pass   string
}

var testStart = time.Date(2026, 11, 23, 8, 30, 0, 0, time.FixedZone("CST", 8*3600))

// newTestHall opens the demo hall under id in a temporary directory, with
// its configuration imported (an EvHall event carrying PIN hashes).
func newTestHall(t *testing.T, id string) *testHall {
	t.Helper()
	h := &testHall{id: id, dir: t.TempDir(), clock: queuetest.NewClock(testStart)}
	h.open(t)
	hall := queue.DemoHall()
	hall.ID = id
	for i := range hall.Staff {
		hall.Staff[i].PIN = "" // the demo hall ships their hashes
	}
	if _, err := h.engine.ImportHall(context.Background(), hall, "test"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.close(t) })
	return h
}

func (h *testHall) open(t *testing.T) {
	t.Helper()
	store, err := bolt.Open(h.dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	e, err := queue.NewEngine(queue.DemoHall(), store, queue.Options{Now: h.clock.Now})
	if err != nil {
		store.Close()
		t.Fatal(err)
	}
	h.store, h.engine = store, e
}

// linkUp starts the hall's link as the daemon does.
func (h *testHall) linkUp(t *testing.T) {
	t.Helper()
	h.link = federation.Start(federation.Config{
		Server: federation.ServerConfig{Hall: h.id, Dir: h.dir + "/nats", County: h.county, User: h.user, Password: h.pass},
		Hall:   h.engine, Log: h.store, Now: h.clock.Now, Version: "test",
		HelloEvery: time.Second, Requests: h.engine.TakeRequest,
	})
	select {
	case <-h.link.Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("the hall's NATS server did not start")
	}
}

// close stops the link, the engine and the store, as the daemon's Close.
func (h *testHall) close(t *testing.T) {
	t.Helper()
	if h.link != nil {
		if err := h.link.Close(); err != nil {
			t.Errorf("link close: %v", err)
		}
		h.link = nil
	}
	if h.engine != nil {
		h.engine.Close()
		h.store.Close()
		h.engine, h.store = nil, nil
	}
}

// restart closes everything and opens the same data directory again.
func (h *testHall) restart(t *testing.T) {
	h.close(t)
	h.open(t)
	h.linkUp(t)
}

// seq is the hall's last committed event.
func (h *testHall) seq() uint64 {
	var seq uint64
	h.engine.Read(func(s *queue.State) { seq = s.Seq })
	return seq
}

// serve issues n tickets and calls each of them at window 1 (取号, 叫号).
func (h *testHall) serve(t *testing.T, n int) {
	t.Helper()
	ctx := context.Background()
	// A window already open (after a restart) refuses; that is fine.
	h.engine.Open(ctx, "1", "S01")
	for i := range n {
		if _, err := h.engine.Issue(ctx, "guide", i%7 == 0); err != nil {
			t.Fatalf("issue %d: %v", i, err)
		}
		if _, err := h.engine.Next(ctx, "1", "S01"); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
}

// waitPublished waits until the hall's stream holds its last event.
func (h *testHall) waitPublished(t *testing.T) {
	t.Helper()
	want := h.seq()
	federationtest.WaitFor(t, 2*time.Minute, func() string {
		if got := h.link.Published(); got != want {
			return fmt.Sprintf("the hall's stream holds up to event %d of %d", got, want)
		}
		return ""
	})
}

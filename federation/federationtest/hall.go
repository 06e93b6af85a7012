package federationtest

import (
	"context"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/federation"
	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/bolt"
)

// Hall is a township hall as the daemon runs it with --county: a real
// engine over a real bbolt file, and its link (the embedded server, the
// publisher of its events, its hellos and the puller of its requests).
type Hall struct {
	ID     string
	Engine *queue.Engine
	Store  *bolt.Store
	Link   *federation.Link
}

// StartHall starts the demo hall under id, with edit (may be nil) applied
// to its file, its configuration logged as the manager's import logs it,
// linked to the hubs of county; the test's cleanup stops it.
func StartHall(t testing.TB, id string, now func() time.Time, county []string, edit func(*queue.Hall)) *Hall {
	t.Helper()
	dir := t.TempDir()
	store, err := bolt.Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	e, err := queue.NewEngine(queue.DemoHall(), store, queue.Options{Now: now})
	if err != nil {
		store.Close()
		t.Fatal(err)
	}
	h := &Hall{ID: id, Engine: e, Store: store}
	t.Cleanup(h.close)
	file := queue.DemoHall()
	file.ID = id
	for i := range file.Staff {
		file.Staff[i].PIN = "" // the demo hall ships their hashes
	}
	if edit != nil {
		edit(file)
	}
	if _, err := e.ImportHall(context.Background(), file, "test"); err != nil {
		t.Fatal(err)
	}
	h.Link = federation.Start(federation.Config{
		Server: federation.ServerConfig{Hall: id, Dir: dir + "/nats", County: county},
		Hall:   e, Log: store, Now: now, Version: "test",
		HelloEvery: time.Second, Requests: e.TakeRequest,
	})
	select {
	case <-h.Link.Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("the hall's NATS server did not start")
	}
	return h
}

// WaitLinked waits until the hall's leaf link is up: a county started
// before it would wait for the hub's back-off to source the hall.
func (h *Hall) WaitLinked(t testing.TB) {
	t.Helper()
	WaitFor(t, 2*time.Minute, func() string {
		if !h.Link.Linked() {
			return h.ID + " has not linked"
		}
		return ""
	})
}

func (h *Hall) close() {
	if h.Link != nil {
		h.Link.Close()
	}
	h.Engine.Close()
	h.Store.Close()
}

// Taken is the request events of a hall's log, by request id.
func Taken(t testing.TB, log queue.Log) map[string][]queue.RequestFields {
	t.Helper()
	out := map[string][]queue.RequestFields{}
	err := log.Replay(0, func(ev queue.Event) error {
		if ev.Type == queue.EvRequest {
			out[ev.Request.ID] = append(out[ev.Request.ID], *ev.Request)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

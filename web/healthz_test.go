package web

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/yimen-hall/yimen/display"
	"github.com/yimen-hall/yimen/kiosk"
	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

// TestHealthzSaysNotOKWhenTheLogFails: /healthz said ok while the event
// log could not be written (a full disk): nothing could be issued or
// called, and the hall's monitoring saw a healthy daemon.
func TestHealthzSaysNotOKWhenTheLogFails(t *testing.T) {
	log := new(queuetest.MemLog)
	e, err := queue.NewEngine(queue.DemoHall(), log, queue.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var hub *display.Hub
	st, _ := e.Subscribe(func(evs []queue.Event) { hub.Apply(evs) })
	hub = display.NewHub(st, display.Options{})
	s := New(Config{Engine: e, Hub: hub, Kiosk: kiosk.New(e, nil, kiosk.Options{}), Auth: NewAuth(queue.DemoHall(), nil, nil, 4)})
	t.Cleanup(func() { s.Close(); e.Close() })

	health := func() (int, string) {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", "/healthz", nil))
		return rec.Code, rec.Body.String()
	}
	if code, body := health(); code != 200 || !strings.HasPrefix(body, "ok") {
		t.Fatalf("/healthz of a healthy daemon = %d %q", code, body)
	}
	log.FailAppend = errors.New("no space left on device")
	if _, err := e.Issue(context.Background(), "medicare", false); err == nil {
		t.Fatal("issued with a log that cannot be written")
	}
	if code, body := health(); code != 503 || !strings.HasPrefix(body, "not ok") || strings.Contains(body, "space") {
		t.Errorf("/healthz with the log failing = %d %q, want 503 not ok (without the error's detail)", code, body)
	}
}

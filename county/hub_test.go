package county_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/federation"
	"github.com/yimen-hall/yimen/federation/federationtest"
	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

// testHall is a township hall as the daemon runs it: its engine and log,
// and its link (federation.Start): the embedded NATS server in the hall's
// domain, linked to the hub as a leaf, publishing every committed event
// to YIMEN_EVENTS and saying hello.
type testHall struct {
	t     *testing.T
	id    string
	e     *queue.Engine
	log   *queuetest.MemLog
	link  *federation.Link
	clock *queuetest.Clock
}

func startHall(t *testing.T, hub *federationtest.Hub, id string, clock *queuetest.Clock) *testHall {
	t.Helper()
	return startHallAs(t, hub, id, "", "", clock)
}

// startHallAs links the hall with its own user on the hub.
func startHallAs(t *testing.T, hub *federationtest.Hub, id, user, password string, clock *queuetest.Clock) *testHall {
	t.Helper()
	h := &testHall{t: t, id: id, log: new(queuetest.MemLog), clock: clock}
	hall := queue.DemoHall()
	hall.ID, hall.Name = id, id+"镇便民服务中心"
	for i := range hall.Staff {
		hall.Staff[i].PIN = "" // the demo hall's hashes stay; a log holds no plain PIN
	}
	var err error
	if h.e, err = queue.NewEngine(hall, h.log, queue.Options{Now: clock.Now}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.e.Close() })
	if _, err := h.e.ImportHall(bg, hall, "test"); err != nil {
		t.Fatal(err)
	}
	h.link = federation.Start(federation.Config{
		Server: federation.ServerConfig{Hall: id, Dir: t.TempDir(), County: []string{hub.LeafURL()}, User: user, Password: password},
		Hall:   h.e, Log: h.log, Now: clock.Now, Version: "test",
		HelloEvery: 200 * time.Millisecond,
	})
	t.Cleanup(func() { h.link.Close() })
	return h
}

func (h *testHall) seq() uint64 {
	var seq uint64
	h.e.Read(func(s *queue.State) { seq = s.Seq })
	return seq
}

// published waits until the hall's stream holds every committed event.
func (h *testHall) published() uint64 {
	h.t.Helper()
	seq := h.seq()
	eventually(h.t, h.id+" published", func() bool { return h.link.Published() == seq })
	return seq
}

var bg = context.Background()

// work is a morning at a hall: n villagers take numbers, clerks call,
// serve, finish, miss some and villagers rate.
func (h *testHall) work(n int) {
	h.t.Helper()
	for _, w := range [][2]string{{"2", "S04"}, {"1", "S02"}, {"4", "S06"}} {
		if _, err := h.e.Open(bg, w[0], w[1]); err != nil && queue.ErrorKind(err) != queue.Conflict {
			h.t.Fatalf("open %v: %v", w, err)
		}
	}
	services := []string{"pension", "guide", "business", "lowincome", "certificate"}
	for i := range n {
		if _, err := h.e.Issue(bg, services[i%len(services)], i%7 == 0); err != nil {
			h.t.Fatalf("issue: %v", err)
		}
		h.clock.Add(40 * time.Second)
	}
	for i := range n / 2 {
		w := [][2]string{{"2", "S04"}, {"1", "S02"}, {"4", "S06"}}[i%3]
		tk, err := h.e.Next(bg, w[0], w[1])
		if err != nil || tk == nil {
			continue
		}
		h.clock.Add(3 * time.Minute)
		if i%5 == 4 {
			h.e.NoShow(bg, w[0], w[1])
			continue
		}
		h.e.Start(bg, w[0], w[1])
		h.clock.Add(4 * time.Minute)
		if _, err := h.e.Finish(bg, w[0], w[1], ""); err == nil && i%2 == 0 {
			h.e.Rate(bg, w[0], 1+i%5, "")
		}
	}
}

// client signs in to the county service.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func signIn(t *testing.T, base, user, password string) *client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	body, _ := json.Marshal(map[string]string{"user": user, "password": password})
	resp, err := c.http.Post(base+"/api/county/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign in as %s: %s", user, resp.Status)
	}
	return c
}

func (c *client) get(path string, v any) int {
	c.t.Helper()
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil && resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			c.t.Fatal(err)
		}
	}
	return resp.StatusCode
}

// eventually polls cond until it holds, failing after a generous deadline.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute) // a source the hub retries waits out its back-off
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (c *client) postStatus(path string, body any) int {
	c.t.Helper()
	data, _ := json.Marshal(body)
	resp, err := c.http.Post(c.base+path, "application/json", bytes.NewReader(data))
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (c *client) post(path string, body any) map[string]any {
	c.t.Helper()
	data, _ := json.Marshal(body)
	resp, err := c.http.Post(c.base+path, "application/json", bytes.NewReader(data))
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	out := map[string]any{}
	json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode/100 != 2 {
		c.t.Fatalf("POST %s: %s %v", path, resp.Status, out)
	}
	return out
}

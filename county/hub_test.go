package county_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/yimen-hall/yimen/federation"
	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

// startHub runs the county's hub in process: JetStream in domain county
// and a leafnode listener the halls dial.
func startHub(t *testing.T) *server.Server {
	t.Helper()
	s, err := server.NewServer(&server.Options{
		ServerName: "hub", Host: "127.0.0.1", Port: -1, NoSigs: true,
		JetStream: true, JetStreamDomain: federation.CountyDomain, StoreDir: t.TempDir(),
		LeafNode: server.LeafNodeOpts{Host: "127.0.0.1", Port: -1},
	})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("hub not ready")
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	return s
}

// testHall is a township hall: its engine and log, and its own NATS server
// (JetStream domain = hall id) linked to the hub as a leaf, holding
// YIMEN_EVENTS as docs/county/protocol.md says.
type testHall struct {
	t     *testing.T
	id    string
	e     *queue.Engine
	log   *queuetest.MemLog
	srv   *server.Server
	nc    *nats.Conn
	js    jetstream.JetStream
	sent  uint64
	clock *queuetest.Clock
}

func startHall(t *testing.T, hub *server.Server, id string, clock *queuetest.Clock) *testHall {
	t.Helper()
	u, _ := url.Parse(fmt.Sprintf("nats-leaf://127.0.0.1:%d", leafPort(hub)))
	s, err := server.NewServer(&server.Options{
		ServerName: id, DontListen: true, NoSigs: true,
		JetStream: true, JetStreamDomain: id, StoreDir: t.TempDir(),
		LeafNode: server.LeafNodeOpts{Remotes: []*server.RemoteLeafOpts{{URLs: []*url.URL{u}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("hall server not ready")
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	nc, err := nats.Connect("", nats.InProcessServer(s))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err = js.CreateStream(ctx, jetstream.StreamConfig{
		Name: federation.EventsStream, Subjects: []string{federation.EventsSubject(id)},
		Storage: jetstream.FileStorage, MaxAge: 400 * 24 * time.Hour, Duplicates: 2 * time.Minute,
	})
	if err != nil {
		t.Fatal(err)
	}
	h := &testHall{t: t, id: id, log: new(queuetest.MemLog), srv: s, nc: nc, js: js, clock: clock}
	hall := queue.DemoHall()
	hall.Name = id + "镇便民服务中心"
	for i := range hall.Staff {
		hall.Staff[i].PIN = "" // the demo hall's hashes stay; a log holds no plain PIN
	}
	if h.e, err = queue.NewEngine(hall, h.log, queue.Options{Now: clock.Now}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.e.Close() })
	if _, err := h.e.ImportHall(ctx, hall, "test"); err != nil {
		t.Fatal(err)
	}
	return h
}

func leafPort(s *server.Server) int {
	v, err := s.Varz(nil)
	if err != nil {
		panic(err)
	}
	return v.LeafNode.Port
}

// publish sends the hall's committed events not sent yet, redacted and
// with the headers of the protocol.
func (h *testHall) publish() {
	h.t.Helper()
	ctx := context.Background()
	for _, ev := range h.log.Events() {
		if ev.Seq <= h.sent {
			continue
		}
		ev.Token = ""
		if ev.Type == queue.EvHall {
			hall, err := queue.ParseHall(bytes.NewReader(ev.Hall))
			if err != nil {
				h.t.Fatal(err)
			}
			if ev.Hall, err = json.Marshal(hall.Public()); err != nil {
				h.t.Fatal(err)
			}
		}
		data, err := json.Marshal(ev)
		if err != nil {
			h.t.Fatal(err)
		}
		m := nats.NewMsg(federation.EventsSubject(h.id))
		m.Data = data
		m.Header.Set(federation.HeaderMsgID, federation.MsgID(h.id, ev.Seq))
		m.Header.Set(federation.HeaderSeq, strconv.FormatUint(ev.Seq, 10))
		if ev.Seq > 1 {
			m.Header.Set(federation.HeaderExpectedMsg, federation.MsgID(h.id, ev.Seq-1))
		}
		if _, err := h.js.PublishMsg(ctx, m); err != nil {
			h.t.Fatalf("%s: publish %d: %v", h.id, ev.Seq, err)
		}
		h.sent = ev.Seq
	}
}

// hello says the hall is there, as a linked hall does every 30 s.
func (h *testHall) hello() {
	h.t.Helper()
	var seq uint64
	h.e.Read(func(s *queue.State) { seq = s.Seq })
	data, _ := json.Marshal(map[string]any{"id": h.id, "name": h.e.Hall().Name, "version": "test", "seq": seq, "at": h.clock.Now()})
	if err := h.nc.Publish(federation.HelloSubject(h.id), data); err != nil {
		h.t.Fatal(err)
	}
	h.nc.Flush()
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
	deadline := time.Now().Add(60 * time.Second)
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

package federation

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/bolt"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

// requestsHub is a county hub of the requests tests: a real NATS server
// with JetStream in domain county, its leafnode port behind a cable that
// can be cut, and YIMEN_REQUESTS made as the county service makes it.
type requestsHub struct {
	srv   *server.Server
	nc    *nats.Conn
	js    jetstream.JetStream
	cable *cable
}

func newRequestsHub(t *testing.T) *requestsHub {
	t.Helper()
	leafPort := freePort(t)
	srv, err := server.NewServer(&server.Options{
		ServerName: "hub", Host: "127.0.0.1", Port: -1, NoLog: true, NoSigs: true,
		JetStream: true, JetStreamDomain: CountyDomain, StoreDir: t.TempDir(),
		LeafNode: server.LeafNodeOpts{Host: "127.0.0.1", Port: leafPort},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		t.Fatal("the hub did not start")
	}
	t.Cleanup(func() { srv.Shutdown(); srv.WaitForShutdown() })
	nc, err := nats.Connect(srv.ClientURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.CreateOrUpdateStream(context.Background(), RequestsStreamConfig()); err != nil {
		t.Fatal(err)
	}
	return &requestsHub{srv: srv, nc: nc, js: js, cable: newCable(t, net.JoinHostPort("127.0.0.1", strconv.Itoa(leafPort)))}
}

// freePort is a TCP port nobody listens on just now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// file publishes a request as the county service does.
func (h *requestsHub) file(t *testing.T, hall string, r queue.Request) {
	t.Helper()
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.js.Publish(context.Background(), RequestsSubject(hall), data, jetstream.WithMsgID(r.ID)); err != nil {
		t.Fatalf("file %s: %v", r.ID, err)
	}
}

// waiting is how many requests wait on the hub.
func (h *requestsHub) waiting(t *testing.T) uint64 {
	t.Helper()
	s, err := h.js.Stream(context.Background(), RequestsStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// cable is the hall's line to the hub's leafnode port: a TCP relay that
// can be cut (every connection dropped, nothing accepted) and mended on
// the same address.
type cable struct {
	t      *testing.T
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
	wg     sync.WaitGroup
}

func newCable(t *testing.T, target string) *cable {
	c := &cable{t: t, target: target}
	c.mend()
	c.addr = c.ln.Addr().String()
	t.Cleanup(c.cut)
	return c
}

func (c *cable) mend() {
	addr := "127.0.0.1:0"
	if c.addr != "" {
		addr = c.addr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		c.t.Fatal(err)
	}
	c.mu.Lock()
	c.ln = ln
	c.mu.Unlock()
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", c.target)
			if err != nil {
				in.Close()
				continue
			}
			c.mu.Lock()
			c.conns = append(c.conns, in, out)
			c.mu.Unlock()
			c.wg.Add(2)
			go func() { defer c.wg.Done(); io.Copy(out, in); out.Close() }()
			go func() { defer c.wg.Done(); io.Copy(in, out); in.Close() }()
		}
	}()
}

func (c *cable) cut() {
	c.mu.Lock()
	if c.ln != nil {
		c.ln.Close()
		c.ln = nil
	}
	for _, conn := range c.conns {
		conn.Close()
	}
	c.conns = nil
	c.mu.Unlock()
	c.wg.Wait()
}

// requestsHall is a hall of the requests tests: a real engine over a real
// bbolt file, and its own NATS server as a leaf of the hub.
type requestsHall struct {
	id     string
	dir    string
	clock  *queuetest.Clock
	store  *bolt.Store
	engine *queue.Engine
	srv    *server.Server
	nc     *nats.Conn
	stop   context.CancelFunc
	done   chan struct{}
}

func newRequestsHall(t *testing.T, id string, hub *requestsHub) *requestsHall {
	t.Helper()
	h := &requestsHall{id: id, dir: t.TempDir(),
		clock: queuetest.NewClock(time.Date(2026, 11, 23, 8, 30, 0, 0, time.FixedZone("CST", 8*3600)))}
	h.openEngine(t)
	srv, err := server.NewServer(&server.Options{
		ServerName: "yimen-" + id, DontListen: true, NoLog: true, NoSigs: true,
		JetStream: true, JetStreamDomain: id, StoreDir: h.dir + "/nats", NoSystemAccount: true,
		LeafNode: server.LeafNodeOpts{
			Remotes:           []*server.RemoteLeafOpts{{URLs: mustURLs(t, "nats://"+hub.cable.addr)}},
			ReconnectInterval: 100 * time.Millisecond,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		t.Fatal("the hall's server did not start")
	}
	h.srv = srv
	if h.nc, err = nats.Connect("", nats.InProcessServer(srv), nats.MaxReconnects(-1)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		h.stopPulling(t)
		h.nc.Close()
		srv.Shutdown()
		srv.WaitForShutdown()
		h.closeEngine()
	})
	return h
}

func mustURLs(t *testing.T, s string) []*url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return []*url.URL{u}
}

func (h *requestsHall) openEngine(t *testing.T) {
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

func (h *requestsHall) closeEngine() {
	if h.engine != nil {
		h.engine.Close()
		h.store.Close()
		h.engine, h.store = nil, nil
	}
}

// pull starts taking requests as the daemon does.
func (h *requestsHall) pull(t *testing.T) {
	t.Helper()
	p, err := newRequestPuller(h.nc, h.id, h.engine.TakeRequest, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	p.fetchWait = time.Second
	ctx, cancel := context.WithCancel(context.Background())
	h.stop, h.done = cancel, make(chan struct{})
	go func() {
		defer close(h.done)
		p.run(ctx)
	}()
}

// stopPulling ends the puller as the daemon's shutdown does, and fails
// if it does not end.
func (h *requestsHall) stopPulling(t *testing.T) {
	if h.stop == nil {
		return
	}
	h.stop()
	select {
	case <-h.done:
	case <-time.After(30 * time.Second):
		t.Error("the request puller did not end at shutdown")
	}
	h.stop = nil
}

// taken is the hall's request events by request id, from its log.
func (h *requestsHall) taken(t *testing.T) map[string][]queue.RequestFields {
	t.Helper()
	out := map[string][]queue.RequestFields{}
	err := h.store.Replay(0, func(ev queue.Event) error {
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

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func booking(id string) queue.Request {
	return queue.Request{
		ID: "r-" + id + "-0123456789abcdef", Kind: queue.RequestAppointment, Station: "李家村代办点", Agent: "李梅",
		Service: "pension", Name: "王大爷", Phone: "13900001234", Day: "2026-11-24", Slot: "10:00",
	}
}

func TestRequestsAcrossLeafLink(t *testing.T) {
	hub := newRequestsHub(t)
	hall := newRequestsHall(t, "lechang", hub)
	hall.pull(t)

	first := booking("first")
	hub.file(t, "lechang", first)
	// Another hall's request is not this hall's to take.
	hub.file(t, "other", booking("other"))
	waitUntil(t, "the hall takes its request", func() bool { return len(hall.taken(t)[first.ID]) == 1 && hub.waiting(t) == 1 })
	got := hall.taken(t)[first.ID][0]
	if !got.Accepted() || got.Code == "" || got.Day != "2026-11-24" || got.Slot != "10:00" {
		t.Fatalf("outcome %+v, want a booking", got)
	}

	// Cut off, the hall works on and the request waits on the hub.
	hub.cable.cut()
	if _, err := hall.engine.Issue(context.Background(), "guide", false); err != nil {
		t.Fatalf("issuing while cut off: %v", err)
	}
	second := booking("second")
	second.Kind, second.Documents = queue.RequestProxy, []string{"身份证复印件"}
	hub.file(t, "lechang", second)
	if n := hub.waiting(t); n != 2 {
		t.Fatalf("%d requests wait on the hub, want 2", n)
	}
	// Filed again by a county that did not hear the hub's answer: the
	// hub's duplicate window keeps one.
	hub.file(t, "lechang", second)
	hub.cable.mend()
	waitUntil(t, "the hall takes the request filed while it was cut off", func() bool {
		return len(hall.taken(t)[second.ID]) == 1 && hub.waiting(t) == 1
	})
	if c := hall.taken(t)[second.ID][0]; c.Case != second.ID || c.Code != "代办001" {
		t.Errorf("代办 outcome %+v", c)
	}
	for id, outs := range hall.taken(t) {
		if len(outs) != 1 {
			t.Errorf("request %s taken %d times", id, len(outs))
		}
	}
}

func TestRequestRedeliveredAfterCrash(t *testing.T) {
	hub := newRequestsHub(t)
	hall := newRequestsHall(t, "lechang", hub)
	r := booking("crash")
	hub.file(t, "lechang", r)

	// The hall takes the request and crashes before its ack.
	ctx := context.Background()
	js, err := jetstream.NewWithDomain(hall.nc, CountyDomain)
	if err != nil {
		t.Fatal(err)
	}
	var cons jetstream.Consumer
	waitUntil(t, "the hall reaches the hub", func() bool {
		cons, err = js.CreateOrUpdateConsumer(ctx, RequestsStream, RequestConsumerConfig("lechang"))
		return err == nil
	})
	batch, err := cons.Fetch(1, jetstream.FetchMaxWait(30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	var msg jetstream.Msg
	for m := range batch.Messages() {
		msg = m
	}
	if msg == nil {
		t.Fatalf("no request fetched: %v", batch.Error())
	}
	var req queue.Request
	if err := json.Unmarshal(msg.Data(), &req); err != nil {
		t.Fatal(err)
	}
	first, err := hall.engine.TakeRequest(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	hall.closeEngine()
	// The hub hands it out again (here at once, rather than after the
	// ack wait); the restarted hall acks it without a second event.
	if err := msg.Nak(); err != nil {
		t.Fatal(err)
	}
	hall.openEngine(t)
	hall.pull(t)
	waitUntil(t, "the redelivered request is acked", func() bool { return hub.waiting(t) == 0 })
	if outs := hall.taken(t)[r.ID]; len(outs) != 1 || outs[0] != first {
		t.Errorf("after the redelivery the log holds %+v, want only %+v", outs, first)
	}
	var booked int
	hall.engine.Read(func(s *queue.State) { booked = len(s.AppointmentsOn("2026-11-24")) })
	if booked != 1 {
		t.Errorf("%d appointments, want 1", booked)
	}
}

func TestRequestPullerDropsWhatItCannotKey(t *testing.T) {
	hub := newRequestsHub(t)
	hall := newRequestsHall(t, "lechang", hub)
	hall.pull(t)
	if _, err := hub.js.Publish(context.Background(), RequestsSubject("lechang"), []byte("not json")); err != nil {
		t.Fatal(err)
	}
	bad := booking("x")
	bad.ID = "r-short"
	hub.file(t, "lechang", bad)
	good := booking("after")
	hub.file(t, "lechang", good)
	waitUntil(t, "the good request taken and the bad ones dropped", func() bool {
		return len(hall.taken(t)[good.ID]) == 1 && hub.waiting(t) == 0
	})
	if n := len(hall.taken(t)); n != 1 {
		t.Errorf("%d request events, want only the good one", n)
	}
}

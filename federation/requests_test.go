package federation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/yimen-hall/yimen/federation"
	"github.com/yimen-hall/yimen/federation/federationtest"
	"github.com/yimen-hall/yimen/queue"
)

// requestsHub is a county hub with YIMEN_REQUESTS made as the county
// service makes it, and a county client that files requests.
type requestsHub struct {
	*federationtest.Hub
	js jetstream.JetStream
}

func startRequestsHub(t testing.TB) *requestsHub {
	t.Helper()
	hub := federationtest.StartHub(t)
	js, err := jetstream.New(hub.Connect("", ""))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.CreateOrUpdateStream(context.Background(), federation.RequestsStreamConfig()); err != nil {
		t.Fatal(err)
	}
	return &requestsHub{Hub: hub, js: js}
}

// file publishes a request as the county service does.
func (h *requestsHub) file(t *testing.T, hall string, r queue.Request) {
	t.Helper()
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.js.Publish(context.Background(), federation.RequestsSubject(hall), data, jetstream.WithMsgID(r.ID)); err != nil {
		t.Fatalf("file %s: %v", r.ID, err)
	}
}

// waiting is how many requests wait on the hub.
func (h *requestsHub) waiting(t *testing.T) uint64 {
	t.Helper()
	s, err := h.js.Stream(context.Background(), federation.RequestsStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return info.State.Msgs
}

// taken is the hall's request events by request id, from its log.
func (h *testHall) taken(t *testing.T) map[string][]queue.RequestFields {
	return federationtest.Taken(t, h.store)
}

// booking is a request from 李家村 to book 养老保险 on the day after the
// tests' day.
func booking(id string) queue.Request {
	return queue.Request{
		ID: "r-" + id + "-0123456789abcdef", Kind: queue.RequestAppointment, Station: "李家村代办点", Agent: "李梅",
		Service: "pension", Name: "王大爷", Phone: "13900001234", Day: "2026-11-24", Slot: "10:00",
	}
}

func TestRequestsAcrossLeafLink(t *testing.T) {
	hub := startRequestsHub(t)
	proxy := federationtest.StartProxy(t, hub.LeafURL()[len("nats://"):])
	h := newTestHall(t, "lechang")
	h.county = []string{proxy.URL()}
	h.linkUp(t)

	first := booking("first")
	hub.file(t, "lechang", first)
	// Another hall's request is not this hall's to take.
	hub.file(t, "other", booking("other"))
	federationtest.WaitFor(t, 2*time.Minute, func() string {
		if n, w := len(h.taken(t)[first.ID]), hub.waiting(t); n != 1 || w != 1 {
			return fmt.Sprintf("request taken %d times, %d waiting on the hub", n, w)
		}
		return ""
	})
	got := h.taken(t)[first.ID][0]
	if !got.Accepted() || got.Code == "" || got.Day != "2026-11-24" || got.Slot != "10:00" {
		t.Fatalf("outcome %+v, want a booking", got)
	}

	// Cut off, the hall works on and the request waits on the hub.
	proxy.Cut()
	federationtest.WaitFor(t, time.Minute, func() string {
		if h.link.Linked() {
			return "the link is still up"
		}
		return ""
	})
	if _, err := h.engine.Issue(context.Background(), "guide", false); err != nil {
		t.Fatalf("issuing while cut off: %v", err)
	}
	second := booking("second")
	second.Kind, second.Documents = queue.RequestProxy, []string{"身份证复印件"}
	hub.file(t, "lechang", second)
	// Filed again by a county that did not hear the hub's answer: the
	// hub's duplicate window keeps one.
	hub.file(t, "lechang", second)
	if n := hub.waiting(t); n != 2 {
		t.Fatalf("%d requests wait on the hub, want 2", n)
	}
	if n := len(h.taken(t)[second.ID]); n != 0 {
		t.Fatalf("taken while cut off")
	}
	proxy.Restore()
	federationtest.WaitFor(t, 2*time.Minute, func() string {
		if n, w := len(h.taken(t)[second.ID]), hub.waiting(t); n != 1 || w != 1 {
			return fmt.Sprintf("the request filed while cut off: taken %d times, %d waiting on the hub", n, w)
		}
		return ""
	})
	if c := h.taken(t)[second.ID][0]; c.Case != second.ID || c.Code != "代办001" {
		t.Errorf("代办 outcome %+v", c)
	}
	for id, outs := range h.taken(t) {
		if len(outs) != 1 {
			t.Errorf("request %s taken %d times", id, len(outs))
		}
	}
}

func TestRequestRedeliveredAfterCrash(t *testing.T) {
	hub := startRequestsHub(t)
	h := newTestHall(t, "lechang")
	r := booking("crash")
	hub.file(t, "lechang", r)

	// The hall takes the request and crashes before its ack: here its
	// engine takes what a pull of its own fetched, without the link's
	// puller (a hall without requests pulls none).
	h.county = []string{hub.LeafURL()}
	h.link = federation.Start(federation.Config{
		Server: federation.ServerConfig{Hall: h.id, Dir: h.dir + "/nats", County: h.county},
		Hall:   h.engine, Log: h.store, Now: h.clock.Now,
	})
	<-h.link.Ready()
	ctx := context.Background()
	js, err := jetstream.NewWithDomain(h.link.Conn(), federation.CountyDomain)
	if err != nil {
		t.Fatal(err)
	}
	var cons jetstream.Consumer
	federationtest.WaitFor(t, time.Minute, func() string {
		if cons, err = js.CreateOrUpdateConsumer(ctx, federation.RequestsStream, federation.RequestConsumerConfig("lechang")); err != nil {
			return "the hall reaches the hub: " + err.Error()
		}
		return ""
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
	first, err := h.engine.TakeRequest(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	// The hub hands it out again (here at once, rather than after the
	// ack wait) to the restarted hall, which acks it without a second
	// event.
	if err := msg.Nak(); err != nil {
		t.Fatal(err)
	}
	h.restart(t)
	federationtest.WaitFor(t, 2*time.Minute, func() string {
		if w := hub.waiting(t); w != 0 {
			return fmt.Sprintf("%d requests wait on the hub", w)
		}
		return ""
	})
	if outs := h.taken(t)[r.ID]; len(outs) != 1 || outs[0] != first {
		t.Errorf("after the redelivery the log holds %+v, want only %+v", outs, first)
	}
	var booked int
	h.engine.Read(func(s *queue.State) { booked = len(s.AppointmentsOn("2026-11-24")) })
	if booked != 1 {
		t.Errorf("%d appointments, want 1", booked)
	}
}

func TestRequestPullerDropsWhatItCannotKey(t *testing.T) {
	hub := startRequestsHub(t)
	h := newTestHall(t, "lechang")
	h.county = []string{hub.LeafURL()}
	h.linkUp(t)
	if _, err := hub.js.Publish(context.Background(), federation.RequestsSubject("lechang"), []byte("not json")); err != nil {
		t.Fatal(err)
	}
	bad := booking("x")
	bad.ID = "r-short"
	hub.file(t, "lechang", bad)
	good := booking("after")
	hub.file(t, "lechang", good)
	federationtest.WaitFor(t, 2*time.Minute, func() string {
		if n, w := len(h.taken(t)[good.ID]), hub.waiting(t); n != 1 || w != 0 {
			return fmt.Sprintf("good request taken %d times, %d waiting on the hub", n, w)
		}
		return ""
	})
	if n := len(h.taken(t)); n != 1 {
		t.Errorf("%d request events, want only the good one", n)
	}
}

// With docs/county/hub.conf a hall's leaf user takes its own requests,
// and cannot make or pull another hall's consumer.
func TestHubConfLetsAHallTakeOnlyItsOwnRequests(t *testing.T) {
	hub := federationtest.StartHubConfig(t, hubConf)
	js, err := jetstream.New(hub.Connect("county", "CHANGE-ME-county"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := js.CreateOrUpdateStream(ctx, federation.RequestsStreamConfig()); err != nil {
		t.Fatal(err)
	}
	rh := &requestsHub{Hub: hub, js: js}
	own, others := booking("own"), booking("xizhen")
	rh.file(t, "dongzhen", own)
	rh.file(t, "xizhen", others)

	h := newTestHall(t, "dongzhen")
	h.county, h.user, h.pass = []string{hub.LeafURL()}, "dongzhen", "CHANGE-ME-dongzhen"
	h.linkUp(t)
	federationtest.WaitFor(t, 2*time.Minute, func() string {
		if n, w := len(h.taken(t)[own.ID]), rh.waiting(t); n != 1 || w != 1 {
			return fmt.Sprintf("own request taken %d times, %d waiting on the hub", n, w)
		}
		return ""
	})
	hjs, err := jetstream.NewWithDomain(h.link.Conn(), federation.CountyDomain)
	if err != nil {
		t.Fatal(err)
	}
	tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := hjs.CreateOrUpdateConsumer(tctx, federation.RequestsStream, federation.RequestConsumerConfig("xizhen")); err == nil {
		t.Fatal("dongzhen made xizhen's consumer")
	}
	if _, err := js.Consumer(ctx, federation.RequestsStream, federation.HallConsumer("xizhen")); err == nil {
		t.Error("xizhen's consumer exists on the hub")
	}
	if w := rh.waiting(t); w != 1 || len(h.taken(t)[others.ID]) != 0 {
		t.Errorf("xizhen's request: %d waiting, taken by dongzhen %d times", w, len(h.taken(t)[others.ID]))
	}
}

package federation

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/bolt"
)

// faultyJS is the hall's real JetStream but for one event of a window,
// whose publish fails as a lost message or a lost ack would: a real
// server does neither on demand.
type faultyJS struct {
	jetstream.JetStream
	event  uint64 // the event whose publish fails, once
	stored bool   // whether the stream gets it all the same (the ack is what is lost)
	// repeat has the stream take the event once more just before it,
	// under another message id: a repeat the duplicate window missed.
	repeat    bool
	mu        sync.Mutex
	tripped   bool
	published atomic.Int64 // publishes of the event that fails, counted
}

var errInjected = errors.New("injected: the ack never came")

// trip says whether m is the failing event's first publish.
func (f *faultyJS) trip(m *nats.Msg) bool {
	seq, _ := strconv.ParseUint(m.Header.Get(HeaderSeq), 10, 64)
	if seq != f.event {
		return false
	}
	f.published.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	trip := !f.tripped
	f.tripped = true
	return trip
}

func (f *faultyJS) PublishMsgAsync(m *nats.Msg, opts ...jetstream.PublishOpt) (jetstream.PubAckFuture, error) {
	if !f.trip(m) {
		return f.JetStream.PublishMsgAsync(m, opts...)
	}
	if f.repeat {
		if err := f.publishRepeat(m); err != nil {
			return nil, err
		}
		return f.JetStream.PublishMsgAsync(m, opts...)
	}
	if f.stored {
		real, err := f.JetStream.PublishMsgAsync(m, opts...)
		if err != nil {
			return nil, err
		}
		select { // the stream holds it; its ack goes astray
		case <-real.Ok():
		case err := <-real.Err():
			return nil, fmt.Errorf("the real publish failed: %w", err)
		}
	}
	return failedFuture(m), nil
}

// core is the connection's publish without an ack, which loses the
// failing event: a message nobody acks has nothing else to fail by.
func (f *faultyJS) core(m *nats.Msg) error {
	switch {
	case !f.trip(m):
	case f.repeat:
		if err := f.publishRepeat(m); err != nil {
			return err
		}
	case !f.stored:
		return nil
	}
	return f.Conn().PublishMsg(m)
}

// publishRepeat sends m's event under another message id, which the
// stream's duplicate window cannot catch, as if the window had passed.
func (f *faultyJS) publishRepeat(m *nats.Msg) error {
	h := nats.Header{}
	for k, v := range m.Header {
		h[k] = v
	}
	h.Set(HeaderMsgID, "repeat-"+h.Get(HeaderMsgID))
	return f.Conn().PublishMsg(&nats.Msg{Subject: m.Subject, Data: m.Data, Header: h})
}

type failedAck struct {
	msg *nats.Msg
	err chan error
}

func failedFuture(m *nats.Msg) jetstream.PubAckFuture {
	f := &failedAck{msg: m, err: make(chan error, 1)}
	f.err <- errInjected
	return f
}

func (f *failedAck) Ok() <-chan *jetstream.PubAck { return nil }
func (f *failedAck) Err() <-chan error            { return f.err }
func (f *failedAck) Msg() *nats.Msg               { return f.msg }

// publisherWithFault runs a publisher of a log of n events against the
// hall's real embedded server, with one event's publish failing. The
// first history events were committed before the link started: the
// publisher reads them from the log; the committer handed it the others.
func publisherWithFault(t *testing.T, n, history int, fault *faultyJS) (jetstream.Stream, *publisher) {
	t.Helper()
	dir := t.TempDir()
	store, err := bolt.Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	f := newFeed()
	at := time.Date(2026, 11, 23, 8, 30, 0, 0, time.UTC)
	for seq := uint64(1); seq <= uint64(n); seq++ {
		ev := queue.Event{Seq: seq, At: at, Type: queue.EvIssued, Day: "2026-11-23",
			Ticket: fmt.Sprintf("t%d", seq), Number: fmt.Sprintf("A%03d", seq), Token: "SECRET"}
		if err := store.Append([]queue.Event{ev}); err != nil {
			t.Fatal(err)
		}
		if seq > uint64(history) {
			f.add(ev) // committed after the link started
		}
	}
	srv, nc, err := startServer(ServerConfig{Hall: "dongzhen", Dir: dir + "/nats"}, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close(); srv.Shutdown(); srv.WaitForShutdown() })
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncTimeout(ackWait))
	if err != nil {
		t.Fatal(err)
	}
	fault.JetStream = js
	var published atomic.Uint64
	p := &publisher{hall: "dongzhen", js: fault, core: fault.core, log: store, logger: slog.New(slog.DiscardHandler),
		feed: f, alarm: func(string) {}, published: &published}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); p.run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	deadline := time.Now().Add(2 * time.Minute)
	for published.Load() != uint64(n) {
		if time.Now().After(deadline) {
			t.Fatalf("the stream acknowledged %d of %d events", published.Load(), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	stream, err := js.Stream(context.Background(), EventsStream)
	if err != nil {
		t.Fatal(err)
	}
	return stream, p
}

// streamEvents is the Yimen-Seq of every message the stream holds, in
// the stream's order.
func streamEvents(t *testing.T, s jetstream.Stream) []uint64 {
	t.Helper()
	ctx := context.Background()
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var seqs []uint64
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && seq > 0; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if errors.Is(err, jetstream.ErrMsgNotFound) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		ev, err := strconv.ParseUint(m.Header.Get(HeaderSeq), 10, 64)
		if err != nil {
			t.Fatalf("message %d: %v", seq, err)
		}
		seqs = append(seqs, ev)
	}
	return seqs
}

// checkWhole fails unless the stream holds events 1..n once each, in order.
func checkWhole(t *testing.T, s jetstream.Stream, n int) {
	t.Helper()
	got := streamEvents(t, s)
	for i, seq := range got {
		if seq != uint64(i+1) {
			t.Fatalf("the stream's message %d is event %d, want %d (a hole, a repeat or a reordering): %v", i+1, seq, i+1, got)
		}
	}
	if len(got) != n {
		t.Fatalf("the stream holds %d events, want %d", len(got), n)
	}
}

// faultAt runs test with the fault in a window the publisher read from
// the log (the history before the link started) and in one the committer
// handed it, at each event given.
func faultAt(t *testing.T, log, fed uint64, test func(t *testing.T, event uint64)) {
	t.Run("log", func(t *testing.T) { test(t, log) })
	t.Run("feed", func(t *testing.T) { test(t, fed) })
}

// An event lost in the middle of a window while later ones of the same
// window arrive leaves no hole: the later ones are taken out and sent
// again after it. The lost one is sent without an ack (321), or it is
// one whose ack says it failed (1400).
func TestPublisherEventLostMidWindowLeavesNoHole(t *testing.T) {
	faultAt(t, 321, 1400, func(t *testing.T, event uint64) {
		fault := &faultyJS{event: event}
		stream, _ := publisherWithFault(t, 1500, 200, fault)
		checkWhole(t, stream, 1500)
		if n := fault.published.Load(); n != 2 {
			t.Fatalf("event %d was published %d times, want 2 (lost, then sent again)", event, n)
		}
	})
}

// An event the stream stored but whose ack went astray (in the middle of
// a window, at its end) is not stored a second time, nor is anything
// after it.
func TestPublisherAckLostMidWindowLeavesNoRepeat(t *testing.T) {
	faultAt(t, 400, 1500, func(t *testing.T, event uint64) {
		fault := &faultyJS{event: event, stored: true}
		stream, _ := publisherWithFault(t, 1500, 200, fault)
		checkWhole(t, stream, 1500)
		if n := fault.published.Load(); n != 1 {
			t.Fatalf("event %d was published %d times after the stream had it", event, n)
		}
	})
}

// An event that the stream takes twice, as it would if a message sent
// again came past the duplicate window (in the middle of a window, at its
// end), is found by the acks' sequences and taken out: the stream holds
// every event once, in order, whatever the window's length.
func TestPublisherRepeatPastTheWindowIsTakenOut(t *testing.T) {
	faultAt(t, 321, 1500, func(t *testing.T, event uint64) {
		stream, _ := publisherWithFault(t, 1500, 200, &faultyJS{event: event, repeat: true})
		checkWhole(t, stream, 1500)
	})
}

// Events from the log and from the feed reach the stream alike: with
// their message ids and without the ticket's token.
func TestPublisherFeedAndLogRedact(t *testing.T) {
	stream, _ := publisherWithFault(t, 1500, 200, &faultyJS{})
	checkWhole(t, stream, 1500)
	for _, seq := range []uint64{1, 1500} {
		m, err := stream.GetMsg(context.Background(), seq)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Header.Get(HeaderMsgID); got != MsgID("dongzhen", seq) {
			t.Errorf("message %d has Nats-Msg-Id %q", seq, got)
		}
		if len(m.Data) == 0 || bytes.Contains(m.Data, []byte("SECRET")) {
			t.Errorf("message %d left with its ticket token: %s", seq, m.Data)
		}
	}
}

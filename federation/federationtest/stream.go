package federationtest

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/yimen-hall/yimen/federation"
	"github.com/yimen-hall/yimen/queue"
)

// CountyStream creates (or updates) YIMEN_COUNTY on the hub as the county
// service keeps it (docs/county/protocol.md, Stream 2): one source per
// hall, across the hall's JetStream domain.
func CountyStream(t testing.TB, nc *nats.Conn, halls ...string) {
	t.Helper()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := js.CreateOrUpdateStream(ctx, federation.CountyStreamConfig(halls...)); err != nil {
		t.Fatalf("create %s: %v", federation.CountyStream, err)
	}
}

// Count is how many messages a stream holds on hall's events subject.
func Count(nc *nats.Conn, stream, hall string) (uint64, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := js.Stream(ctx, stream)
	if err != nil {
		return 0, err
	}
	subj := federation.EventsSubject(hall)
	info, err := s.Info(ctx, jetstream.WithSubjectFilter(subj))
	if err != nil {
		return 0, err
	}
	return info.State.Subjects[subj], nil
}

// WaitCount waits until a stream holds want events of hall.
func WaitCount(t testing.TB, nc *nats.Conn, stream, hall string, want uint64, patience time.Duration) {
	t.Helper()
	WaitFor(t, patience, func() string {
		got, err := Count(nc, stream, hall)
		if err != nil {
			return fmt.Sprintf("%s: %v", stream, err)
		}
		if got != want {
			return fmt.Sprintf("%s holds %d events of %s, want %d", stream, got, hall, want)
		}
		return ""
	})
}

// WaitFor polls cond until it returns "" or patience runs out, then fails
// with what it last said.
func WaitFor(t testing.TB, patience time.Duration, cond func() string) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for {
		msg := cond()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", patience, msg)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// CheckStream reads every message of a stream on hall's events subject
// and checks that they are its events 1..want, each once, in order, with
// the headers of the protocol; it returns the events.
func CheckStream(t testing.TB, nc *nats.Conn, stream, hall string, want uint64) []queue.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	s, err := js.Stream(ctx, stream)
	if err != nil {
		t.Fatalf("stream %s: %v", stream, err)
	}
	subj := federation.EventsSubject(hall)
	c, err := s.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{FilterSubjects: []string{subj}})
	if err != nil {
		t.Fatal(err)
	}
	evs := make([]queue.Event, 0, want)
	for uint64(len(evs)) < want {
		batch, err := c.FetchNoWait(1000)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for m := range batch.Messages() {
			n++
			h := m.Headers()
			seq, _ := strconv.ParseUint(h.Get(federation.HeaderSeq), 10, 64)
			if next := uint64(len(evs)) + 1; seq != next {
				t.Fatalf("%s: %s's event %d where %d was due (Yimen-Seq must run 1..%d, each once)", stream, hall, seq, next, want)
			}
			if id := h.Get(federation.HeaderMsgID); id != federation.MsgID(hall, seq) {
				t.Fatalf("%s: event %d has Nats-Msg-Id %q", stream, seq, id)
			}
			var ev queue.Event
			if err := json.Unmarshal(m.Data(), &ev); err != nil {
				t.Fatalf("%s: event %d: %v", stream, seq, err)
			}
			if ev.Seq != seq {
				t.Fatalf("%s: message Yimen-Seq %d carries event %d", stream, seq, ev.Seq)
			}
			evs = append(evs, ev)
		}
		if err := batch.Error(); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	if got, err := Count(nc, stream, hall); err != nil || got != want || uint64(len(evs)) != want {
		t.Fatalf("%s holds %d events of %s (read %d, %v), want %d", stream, got, hall, len(evs), err, want)
	}
	return evs
}

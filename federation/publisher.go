package federation

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/yimen-hall/yimen/queue"
)

// publisher copies the hall's committed events, in log order, into its
// YIMEN_EVENTS stream. It takes them from the feed the committer fills,
// or from the log when the feed does not hold them: never does it hold up
// a command, so a slow or failing store never slows the hall.
//
// It sends up to a window of events without waiting, asking for an ack
// of every hundredth and the last, then reads those acks in order. The
// stream is written by this publisher alone, one message per event in
// log order, so an ack's stream sequence says whether every event before
// it is there; after a failure the stream's last message says the same
// of the events after the last one acknowledged. If the stream holds a
// hole (an event lost while later ones arrived), the messages after it
// are removed and sent again in order.
type publisher struct {
	hall   string
	js     jetstream.JetStream
	log    queue.Log
	logger *slog.Logger
	feed   *feed
	// alarm tells the manager what keeps the events from the local
	// stream; "" when all is well again.
	alarm func(string)
	// published is the seq of the last event the stream acknowledged,
	// every one before it acknowledged too; anchor is the stream's
	// sequence the next event's message follows: that of the last
	// acknowledged event's, or past the messages a repair removed (0 when
	// the stream holds none).
	published *atomic.Uint64
	anchor    uint64
	// synced says published and anchor were read from the stream itself
	// (or follow from acks since): after the start and after any error it
	// is read again, never in between (a question to the stream per
	// commit would cost the hall more than the events themselves).
	synced bool
	// known says published and anchor came from this run's acks or
	// reads, so that a read after an error can be checked against them.
	known bool
	// removed is the last stream sequence a repair removed: the stream
	// may still drop an event sent again as a repeat of one of those.
	removed uint64

	// core publishes a message without asking for an ack (the
	// connection's PublishMsg).
	core func(*nats.Msg) error

	evs []queue.Event // the events in flight, reused
}

// window bounds the events sent before their acks are read, and those
// read from the log in one read transaction (a long read would hold up
// the log's writer when its file grows).
const window = 1000

// ackEvery is how many events go out for one ack: an ack costs the
// hall's server and the publisher more than the message itself, and a
// hole is found no later than the next ack.
const ackEvery = 100

// ackWait is how long the publisher waits for one ack before it counts
// the event as failed and asks the stream where it stands
// (jetstream.WithPublishAsyncTimeout).
const ackWait = 10 * time.Second

// publishOpts turns off the client's own retry after "no responders": a
// retried event would go out after later ones of its window.
var publishOpts = []jetstream.PublishOpt{jetstream.WithRetryAttempts(0)}

// eventsStream is the hall's stream (docs/county/protocol.md, Stream 1).
func eventsStream(hall string) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:      EventsStream,
		Subjects:  []string{EventsSubject(hall)},
		Storage:   jetstream.FileStorage,
		Retention: jetstream.LimitsPolicy,
		MaxAge:    400 * 24 * time.Hour,
		// The stream's order and wholeness do not rest on this window:
		// after any error the publisher waits for every ack of its window
		// and asks the stream where it stands before sending again, and
		// an ack at the wrong sequence (a hole or a repeat) has the
		// messages after the last good one removed and sent again. The
		// window only has to catch an event sent again while its first
		// message still waited in the stream's queue (an answer to the
		// publisher's question may pass messages queued before it): both
		// go over one connection, so the second follows the first within
		// that queue's length, milliseconds. A long window held every
		// recent message id in memory (120,000 ids, 4.6 MB, in a burst of
		// 12,000 events/s at 10 s) and made a repair wait it out.
		Duplicates: 2 * time.Second,
	}
}

// run publishes until ctx ends: every event once the log holds it, and
// after an error, from the stream's last message again.
func (p *publisher) run(ctx context.Context) {
	wait := time.Second
	failures := 0
	for {
		err := p.catchUp(ctx)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			p.synced = false
			p.logger.Warn("county link: publishing the hall's events", "err", err)
			// A second failure in a row is the store, not a passing
			// hiccup: the manager must know.
			if failures++; failures >= 2 {
				p.alarm("本厅联网数据存储出错，办事记录暂未送往县级（取号叫号不受影响）：" + err.Error())
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			wait = min(2*wait, 30*time.Second)
			continue
		}
		p.alarm("")
		wait, failures = time.Second, 0
		select {
		case <-ctx.Done():
			return
		case <-p.feed.kick:
		}
		// Let a burst of commits gather: one window for many commits
		// wakes the hall's server and this publisher once, where a
		// window per commit woke them for every few events.
		select {
		case <-ctx.Done():
			return
		case <-time.After(gather):
		}
	}
}

// gather is how long the publisher lets commits gather after the first
// one: the county learns of an event that much later, and at full speed
// a window holds a few hundred events instead of a few.
const gather = 50 * time.Millisecond

// catchUp publishes the events after the stream's last one until the
// feed and the log have no more.
func (p *publisher) catchUp(ctx context.Context) error {
	if !p.synced {
		if err := p.sync(ctx); err != nil {
			return err
		}
	}
	for {
		last := p.published.Load()
		evs, fromLog := p.feed.take(last, window, p.evs)
		if fromLog {
			var err error
			if evs, err = p.read(last, evs); err != nil {
				return err
			}
		}
		p.evs = evs
		if len(evs) == 0 {
			return nil
		}
		err := p.send(ctx, evs)
		clear(evs) // let the sent events go
		if err != nil {
			return err
		}
	}
}

// send publishes evs, which follow the last acknowledged event, without
// waiting between them, and asks for an ack of every ackEvery-th event
// and of the last one only: the stream takes one connection's messages
// in order, so an ack says what became of every event before it too.
// The ack's stream sequence must be as far past the last one as its
// event is past the last acknowledged event; if it is not, a message
// before it was lost or refused. Only acks before the first failure
// count: after it, the stream must be asked.
func (p *publisher) send(ctx context.Context, evs []queue.Event) error {
	type acked struct {
		event uint64
		f     jetstream.PubAckFuture
	}
	var futs []acked
	var failed error
	for i, ev := range evs {
		if want := p.published.Load() + 1 + uint64(i); ev.Seq != want {
			failed = fmt.Errorf("log: event %d where %d was due", ev.Seq, want)
			break
		}
		msg, err := p.message(ev)
		if err != nil {
			failed = err
			break
		}
		if (i+1)%ackEvery != 0 && i != len(evs)-1 {
			if err := p.core(msg); err != nil {
				failed = fmt.Errorf("publish event %d: %w", ev.Seq, err)
				break
			}
			continue
		}
		f, err := p.js.PublishMsgAsync(msg, publishOpts...)
		if err != nil {
			failed = fmt.Errorf("publish event %d: %w", ev.Seq, err)
			break
		}
		futs = append(futs, acked{ev.Seq, f})
	}
	// Every future ends: the stream's ack, its error, or the client's
	// timeout (ackWait).
	for _, a := range futs {
		select {
		case ack := <-a.f.Ok():
			if failed != nil {
				continue
			}
			switch want := p.anchor + a.event - p.published.Load(); {
			case ack.Duplicate && ack.Sequence <= p.removed:
				failed = fmt.Errorf("publish event %d: dropped as a repeat of message %d, which was removed", a.event, ack.Sequence)
			case ack.Sequence != want:
				failed = fmt.Errorf("publish event %d: the stream holds it as message %d, not %d: an event before it is missing", a.event, ack.Sequence, want)
			default:
				p.published.Store(a.event)
				p.anchor = ack.Sequence
			}
		case err := <-a.f.Err():
			if failed == nil {
				failed = fmt.Errorf("publish event %d: %w", a.event, err)
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return failed
}

// sync reads where the stream stands: at the start, and after an error,
// when it checks the stream against the acks it had.
func (p *publisher) sync(ctx context.Context) error {
	stream, err := p.js.CreateOrUpdateStream(ctx, eventsStream(p.hall))
	if err != nil {
		return fmt.Errorf("stream %s: %w", EventsStream, err)
	}
	seq, last, err := lastEvent(ctx, stream, p.hall)
	if err != nil {
		return err
	}
	info, err := stream.Info(ctx)
	if err != nil {
		return fmt.Errorf("stream %s: %w", EventsStream, err)
	}
	// The next message lands after the stream's last sequence, even one
	// a repair removed.
	next := max(info.State.LastSeq, seq)
	pub, anchor := p.published.Load(), p.anchor
	switch {
	case !p.known:
	case last < pub || (seq <= anchor && last != pub):
		// Only a stream made again (its store lost) holds less than it
		// acknowledged: it gets the events again from its last one.
		p.logger.Warn("county link: the hall's stream holds less than it acknowledged; sending again from its last event",
			"acknowledged", pub, "holds", last)
	case seq <= anchor, seq-anchor == last-pub:
		// Nothing after the last ack, or as many messages as events.
	default:
		// A hole: an event failed while later ones arrived. Those are
		// removed and sent again after it, so that the stream stays
		// whole and in order.
		if err := p.repair(ctx, stream, next, last); err != nil {
			return err
		}
		last = pub
	}
	p.published.Store(last)
	p.anchor, p.synced, p.known = next, true, true
	return nil
}

// repair removes the stream's messages after the last event acknowledged
// in order, up to its last sequence, next (its last event being last),
// when they are fewer than the events they should be.
func (p *publisher) repair(ctx context.Context, stream jetstream.Stream, next, last uint64) error {
	pub, anchor := p.published.Load(), p.anchor
	if next-anchor > 2*window {
		// More than this publisher can have sent since its last ack:
		// something else writes to the stream, and removing its messages
		// is not this publisher's call.
		return fmt.Errorf("stream %s: %d messages after event %d where %d events are due: written by another",
			EventsStream, next-anchor, pub, last-pub)
	}
	p.logger.Error("county link: the hall's stream missed an event that later ones passed; sending them again in order",
		"after", pub, "stream_seqs", fmt.Sprintf("%d–%d", anchor+1, next), "last_event", last)
	for s := anchor + 1; s <= next; s++ {
		if err := stream.DeleteMsg(ctx, s); err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
			return fmt.Errorf("stream %s: remove message %d: %w", EventsStream, s, err)
		}
	}
	p.removed = next
	// The stream still knows the removed messages' ids: sent again within
	// its duplicate window, they would be dropped as repeats.
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(eventsStream(p.hall).Duplicates + time.Second):
	}
	return nil
}

// read appends to buf up to window events after seq from the log.
func (p *publisher) read(after uint64, buf []queue.Event) ([]queue.Event, error) {
	buf = buf[:0]
	err := p.log.Replay(after, func(ev queue.Event) error {
		buf = append(buf, ev)
		if len(buf) == window {
			return errEnough
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, fmt.Errorf("read the log after %d: %w", after, err)
	}
	return buf, nil
}

var errEnough = errors.New("chunk read")

// message is one event as the stream stores it.
func (p *publisher) message(ev queue.Event) (*nats.Msg, error) {
	data, err := Redact(ev)
	if err != nil {
		return nil, err
	}
	// Both names are already in canonical form: no Header.Set per event.
	return &nats.Msg{
		Subject: EventsSubject(p.hall),
		Data:    data,
		Header: nats.Header{
			HeaderMsgID: {MsgID(p.hall, ev.Seq)},
			HeaderSeq:   {strconv.FormatUint(ev.Seq, 10)},
		},
	}, nil
}

// lastEvent is the stream sequence and the event seq of the hall's last
// event in the stream, 0 and 0 when it holds none.
func lastEvent(ctx context.Context, s jetstream.Stream, hall string) (seq, event uint64, err error) {
	m, err := s.GetLastMsgForSubject(ctx, EventsSubject(hall))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("stream %s: last event: %w", EventsStream, err)
	}
	event, err = strconv.ParseUint(m.Header.Get(HeaderSeq), 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("stream %s: last message has no %s: %w", EventsStream, HeaderSeq, err)
	}
	return m.Sequence, event, nil
}

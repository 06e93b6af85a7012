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
// It sends up to a window of events without waiting, then reads their
// acks in order. The stream is written by this publisher alone, one
// message per event in log order, so after an ack that failed the
// stream's last message says whether what came after the failure is
// whole: as many stream sequences as events past the last one acked in
// order. If the stream holds a hole (an event lost while later ones
// arrived), the messages after it are removed and sent again in order.
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
	// every one before it acknowledged too; anchor is the stream's own
	// sequence of that message (0 when it holds none).
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

	evs  []queue.Event // the events in flight, reused
	futs []jetstream.PubAckFuture
}

// window bounds the events sent before their acks are read, and those
// read from the log in one read transaction (a long read would hold up
// the log's writer when its file grows).
const window = 1000

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
		// After any error the publisher asks the stream where it stands
		// before sending again, so the window only has to catch a retry
		// in flight. A long one held every recent message id in memory
		// (about 0.8 KB per ticket in a burst of issuing).
		Duplicates: 10 * time.Second,
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
	}
}

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
// waiting between them, then reads their acks in order. Only acks before
// the first failure count: after it, the stream must be asked.
func (p *publisher) send(ctx context.Context, evs []queue.Event) error {
	futs := p.futs[:0]
	defer func() { clear(futs); p.futs = futs[:0] }()
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
		f, err := p.js.PublishMsgAsync(msg, publishOpts...)
		if err != nil {
			failed = fmt.Errorf("publish event %d: %w", ev.Seq, err)
			break
		}
		futs = append(futs, f)
	}
	// Every future ends: the stream's ack, its error, or the client's
	// timeout (ackWait).
	for i, f := range futs {
		select {
		case ack := <-f.Ok():
			if failed == nil && ack.Duplicate && ack.Sequence <= p.removed {
				failed = fmt.Errorf("publish event %d: dropped as a repeat of message %d, which was removed", evs[i].Seq, ack.Sequence)
			}
			if failed == nil {
				p.published.Store(evs[i].Seq)
				p.anchor = ack.Sequence
			}
		case err := <-f.Err():
			if failed == nil {
				failed = fmt.Errorf("publish event %d: %w", evs[i].Seq, err)
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
	pub, anchor := p.published.Load(), p.anchor
	switch {
	case !p.known:
	case last < pub || seq < anchor:
		// Only a stream made again (its store lost) holds less than it
		// acknowledged: it gets the events again from its last one.
		p.logger.Warn("county link: the hall's stream holds less than it acknowledged; sending again from its last event",
			"acknowledged", pub, "holds", last)
	case seq-anchor != last-pub:
		// A hole: an event failed while later ones arrived. Those are
		// removed and sent again after it, so that the stream stays
		// whole and in order.
		if err := p.repair(ctx, stream, seq, last); err != nil {
			return err
		}
		seq, last = anchor, pub
	}
	p.published.Store(last)
	p.anchor, p.synced, p.known = seq, true, true
	return nil
}

// repair removes the stream's messages after the last event acknowledged
// in order, up to its last message, seq (event last), when they are
// fewer than the events they should be.
func (p *publisher) repair(ctx context.Context, stream jetstream.Stream, seq, last uint64) error {
	pub, anchor := p.published.Load(), p.anchor
	if seq-anchor > 2*window {
		// More than this publisher can have sent since its last ack:
		// something else writes to the stream, and removing its messages
		// is not this publisher's call.
		return fmt.Errorf("stream %s: %d messages after event %d where %d events are due: written by another",
			EventsStream, seq-anchor, pub, last-pub)
	}
	p.logger.Error("county link: the hall's stream missed an event that later ones passed; sending them again in order",
		"after", pub, "stream_seqs", fmt.Sprintf("%d–%d", anchor+1, seq), "last_event", last)
	for s := anchor + 1; s <= seq; s++ {
		if err := stream.DeleteMsg(ctx, s); err != nil && !errors.Is(err, jetstream.ErrMsgNotFound) {
			return fmt.Errorf("stream %s: remove message %d: %w", EventsStream, s, err)
		}
	}
	p.removed = seq
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

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
// YIMEN_EVENTS stream. It reads the log, never the engine's commit path:
// the committer only kicks it, so a slow or failing store never holds up
// a command.
type publisher struct {
	hall   string
	js     jetstream.JetStream
	log    queue.Log
	logger *slog.Logger
	kick   chan struct{}
	// alarm tells the manager what keeps the events from the local
	// stream; "" when all is well again.
	alarm func(string)
	// published is the seq of the last event the stream acknowledged.
	published *atomic.Uint64
	// synced says published was read from the stream itself: after the
	// start and after any error it is read again, never in between (a
	// question to the stream per commit would cost the hall more than
	// the events themselves).
	synced bool
}

// chunk bounds the events read from the log in one read transaction:
// a long read would hold up the log's writer when its file grows.
const chunk = 1000

// eventsStream is the hall's stream (docs/county/protocol.md, Stream 1).
func eventsStream(hall string) jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:      EventsStream,
		Subjects:  []string{EventsSubject(hall)},
		Storage:   jetstream.FileStorage,
		Retention: jetstream.LimitsPolicy,
		MaxAge:    400 * 24 * time.Hour,
		// The publisher sends one event at a time and, after any error,
		// asks the stream where it stands before sending again, so the
		// window only has to catch a retry in flight. A long one held
		// every recent message id in memory (about 0.8 KB per ticket in
		// a burst of issuing).
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
		case <-p.kick:
		}
	}
}

// catchUp publishes the log's events after the stream's last one.
func (p *publisher) catchUp(ctx context.Context) error {
	if !p.synced {
		stream, err := p.js.CreateOrUpdateStream(ctx, eventsStream(p.hall))
		if err != nil {
			return fmt.Errorf("stream %s: %w", EventsStream, err)
		}
		last, err := lastSeq(ctx, stream, p.hall)
		if err != nil {
			return err
		}
		p.published.Store(last)
		p.synced = true
	}
	last := p.published.Load()
	for {
		evs, err := p.read(last)
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			return nil
		}
		for _, ev := range evs {
			if ev.Seq != last+1 {
				return fmt.Errorf("log: event %d follows %d", ev.Seq, last)
			}
			msg, err := p.message(ev)
			if err != nil {
				return err
			}
			// One at a time: an event goes out only once the stream holds
			// the one before it, so that a failed publish can never leave
			// a gap behind a later one that succeeded.
			if _, err := p.js.PublishMsg(ctx, msg); err != nil {
				return fmt.Errorf("publish event %d: %w", ev.Seq, err)
			}
			last = ev.Seq
			p.published.Store(last)
		}
	}
}

var errEnough = errors.New("chunk read")

// read returns up to chunk events after seq from the log.
func (p *publisher) read(after uint64) ([]queue.Event, error) {
	evs := make([]queue.Event, 0, 64)
	err := p.log.Replay(after, func(ev queue.Event) error {
		evs = append(evs, ev)
		if len(evs) == chunk {
			return errEnough
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, fmt.Errorf("read the log after %d: %w", after, err)
	}
	return evs, nil
}

// message is one event as the stream stores it.
func (p *publisher) message(ev queue.Event) (*nats.Msg, error) {
	data, err := Redact(ev)
	if err != nil {
		return nil, err
	}
	m := nats.NewMsg(EventsSubject(p.hall))
	m.Data = data
	m.Header.Set(HeaderMsgID, MsgID(p.hall, ev.Seq))
	m.Header.Set(HeaderSeq, strconv.FormatUint(ev.Seq, 10))
	return m, nil
}

// lastSeq is the seq of the hall's last event in the stream, 0 when it
// holds none.
func lastSeq(ctx context.Context, s jetstream.Stream, hall string) (uint64, error) {
	m, err := s.GetLastMsgForSubject(ctx, EventsSubject(hall))
	if errors.Is(err, jetstream.ErrMsgNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("stream %s: last event: %w", EventsStream, err)
	}
	seq, err := strconv.ParseUint(m.Header.Get(HeaderSeq), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("stream %s: last message has no %s: %w", EventsStream, HeaderSeq, err)
	}
	return seq, nil
}

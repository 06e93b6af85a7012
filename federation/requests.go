package federation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/yimen-hall/yimen/queue"
)

// The hall's side of Stream 3 (docs/county/protocol.md): village stations'
// requests wait on the hub in YIMEN_REQUESTS; the hall pulls its own
// across the leaf link, takes each as one command of its engine and acks it
// only once that command's event is committed.

// RequestsStreamConfig is the hub's work queue of requests to halls; the
// county service creates it (and a test hub).
func RequestsStreamConfig() jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:       RequestsStream,
		Subjects:   []string{RequestsSubject("*")},
		Retention:  jetstream.WorkQueuePolicy,
		Storage:    jetstream.FileStorage,
		Duplicates: 24 * time.Hour,
	}
}

// requestAckWait is how long the hub waits for a hall's ack before it
// hands the request out again.
const requestAckWait = 60 * time.Second

// RequestConsumerConfig is a hall's durable pull consumer of its requests.
func RequestConsumerConfig(hall string) jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:       HallConsumer(hall),
		FilterSubject: RequestsSubject(hall),
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       requestAckWait,
		// A request the hall cannot take now (its engine stopping, its log
		// failing) comes back; one it took is acked, so this never drops
		// a request silently.
		MaxDeliver: -1,
	}
}

// RequestTaker is the command that takes a request: the hall's engine.
type RequestTaker func(context.Context, queue.Request) (queue.RequestFields, error)

// requestPuller pulls the hall's requests from the hub until its context
// ends. Its owner runs run in one goroutine and waits for it.
type requestPuller struct {
	hall   string
	js     jetstream.JetStream // the county's domain, across the leaf link
	take   RequestTaker
	logger *slog.Logger
	// fetchWait bounds one pull: while the link is down a pull finds
	// nobody, and the next one after fetchWait tries again.
	fetchWait time.Duration
}

func newRequestPuller(nc *nats.Conn, hall string, take RequestTaker, logger *slog.Logger) (*requestPuller, error) {
	js, err := jetstream.NewWithDomain(nc, CountyDomain)
	if err != nil {
		return nil, fmt.Errorf("federation: jetstream of domain %s: %w", CountyDomain, err)
	}
	return &requestPuller{hall: hall, js: js, take: take, logger: logger, fetchWait: 5 * time.Second}, nil
}

// pullRequests runs the hall's request puller beside the publisher, until
// ctx ends.
func (l *Link) pullRequests(ctx context.Context) {
	p, err := newRequestPuller(l.nc, l.cfg.Server.Hall, l.cfg.Requests, l.cfg.Logger)
	if err != nil { // only on bad options
		l.cfg.Logger.Error("county link: requests", "err", err)
		return
	}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		p.run(ctx)
	}()
}

// run pulls and takes requests until ctx ends. Any failure (the link down,
// the hub restarting, the stream not there yet) is waited out and tried
// again: requests wait on the hub meanwhile.
func (p *requestPuller) run(ctx context.Context) {
	wait := time.Second
	var cons jetstream.Consumer
	for ctx.Err() == nil {
		var err error
		if cons == nil {
			cons, err = p.js.CreateOrUpdateConsumer(ctx, RequestsStream, RequestConsumerConfig(p.hall))
		}
		if err == nil {
			err = p.pull(ctx, cons)
		}
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			wait = time.Second
			continue
		}
		if errors.Is(err, jetstream.ErrConsumerNotFound) || errors.Is(err, jetstream.ErrStreamNotFound) {
			cons = nil // the hub lost it (a new hub): make it again
		}
		p.logger.Debug("county link: pulling requests", "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, 15*time.Second)
	}
}

// pull fetches what waits for the hall and takes it, one request at a
// time, in the order the hub holds them.
func (p *requestPuller) pull(ctx context.Context, cons jetstream.Consumer) error {
	fctx, cancel := context.WithTimeout(ctx, p.fetchWait)
	defer cancel()
	batch, err := cons.Fetch(10, jetstream.FetchContext(fctx))
	if err != nil {
		return fmt.Errorf("fetch: %w", err)
	}
	for msg := range batch.Messages() {
		if err := p.handle(ctx, msg); err != nil {
			return err
		}
	}
	if err := batch.Error(); err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, nats.ErrTimeout) {
		return fmt.Errorf("fetch: %w", err)
	}
	return nil
}

// handle takes one request and acks it once its event is committed. A
// redelivered request finds its id taken and is acked at once.
func (p *requestPuller) handle(ctx context.Context, msg jetstream.Msg) error {
	var r queue.Request
	if err := json.Unmarshal(msg.Data(), &r); err != nil {
		p.logger.Warn("county link: a request that is not JSON, dropped", "subject", msg.Subject(), "err", err)
		return msg.Term()
	}
	out, err := p.take(ctx, r)
	switch {
	case errors.Is(err, queue.ErrBadRequestID):
		p.logger.Warn("county link: a request without a usable id, dropped", "err", err)
		return msg.Term()
	case err != nil:
		// Not committed: leave it to come back once the hall can take it.
		_ = msg.Nak()
		return fmt.Errorf("take request %s: %w", r.ID, err)
	}
	// Wait for the hub's word: a lost ack means a redelivery, which the
	// id answers without a second event.
	if err := msg.DoubleAck(ctx); err != nil {
		return fmt.Errorf("ack request %s: %w", r.ID, err)
	}
	p.logger.Info("county link: request taken", "id", out.ID, "kind", out.Kind, "code", out.Code, "refused", out.Refused)
	return nil
}

// Package county is the county's web service (yimen county): it keeps a
// stream on the county's NATS hub sourcing every hall's events, folds each
// hall with the hall's own reducer, and shows every hall at once, one hall
// in detail and the county ledger (docs/county/protocol.md, api.md).
package county

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/yimen-hall/yimen/federation"
)

// Config is what yimen county is started with.
type Config struct {
	NATS  []string // hub URLs
	Creds string   // USER:PASSWORD file of the county's user on the hub
	Addr  string   // HTTP listen address (":0" in tests)
	Data  string   // directory of county.db
	Halls []string // halls to source even before their hello
	// AdminPassword sets the county admin's password; empty keeps the
	// stored one, or on first start makes one and prints it once.
	AdminPassword string
	// SaveEvery bounds how long folded events wait before they are saved
	// (30 s when zero); a restart goes on from the last save, reading
	// again from the hub what came after it. A save rewrites every hall
	// that changed (its state and its running day), so saving more often
	// writes much more for little gain.
	SaveEvery time.Duration
	Now       func() time.Time
	Logger    *slog.Logger
	Stdout    io.Writer // where the one-time password is printed
}

// Service is a running county service.
type Service struct {
	cfg   Config
	store *store
	fold  *fold
	auth  *auth
	nc    *nats.Conn
	js    jetstream.JetStream
	ln    net.Listener
	http  *http.Server
	mux   *http.ServeMux
	reqs  requests // the village stations' requests (requests.go)

	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
	err    error
}

// Start opens the data directory, connects to the hub and listens; the
// service runs until Close.
func Start(c Config) (*Service, error) {
	if len(c.NATS) == 0 {
		return nil, errors.New("county: no hub (--nats nats://HUB:4222)")
	}
	for _, id := range c.Halls {
		if err := federation.CheckHallID(id); err != nil {
			return nil, err
		}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Stdout == nil {
		c.Stdout = io.Discard
	}
	if c.SaveEvery == 0 {
		c.SaveEvery = 30 * time.Second
	}
	st, err := openStore(c.Data)
	if err != nil {
		return nil, err
	}
	s := &Service{cfg: c, store: st, fold: &fold{store: st, now: c.Now, logger: c.Logger}}
	fail := func(err error) (*Service, error) {
		if s.nc != nil {
			s.nc.Close()
		}
		st.close()
		return nil, err
	}
	if err := s.fold.load(); err != nil {
		return fail(err)
	}
	s.fold.mu.Lock()
	for _, id := range c.Halls {
		s.fold.known(id)
	}
	s.fold.mu.Unlock()
	if s.auth, err = newAuth(st, c); err != nil {
		return fail(err)
	}
	if s.nc, err = connect(c); err != nil {
		return fail(err)
	}
	if s.js, err = jetstream.NewWithDomain(s.nc, federation.CountyDomain); err != nil {
		return fail(fmt.Errorf("county: jetstream: %w", err))
	}
	s.startRequests()
	if _, err := s.nc.Subscribe(federation.HelloSubject("*"), s.onHello); err != nil {
		return fail(fmt.Errorf("county: hello: %w", err))
	}
	if s.ln, err = net.Listen("tcp", c.Addr); err != nil {
		return fail(fmt.Errorf("county: listen %s: %w", c.Addr, err))
	}
	s.mux = http.NewServeMux()
	s.routes()
	s.http = &http.Server{Handler: s.mux, ReadHeaderTimeout: 10 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		if err := s.http.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			c.Logger.Error("county: http", "err", err)
		}
	}()
	go func() {
		defer s.wg.Done()
		s.consume(ctx)
	}()
	c.Logger.Info("county: listening", "addr", s.ln.Addr().String(), "hub", c.NATS)
	return s, nil
}

// Run starts the service and runs it until ctx ends.
func Run(ctx context.Context, c Config) error {
	s, err := Start(c)
	if err != nil {
		return err
	}
	<-ctx.Done()
	return s.Close()
}

// Addr is the address the service listens on.
func (s *Service) Addr() string { return s.ln.Addr().String() }

// Close stops the consumer and the pages, saves what was folded and
// closes the file.
func (s *Service) Close() error {
	s.once.Do(func() {
		s.cancel()
		sctx, done := context.WithTimeout(context.Background(), 5*time.Second)
		defer done()
		s.http.Shutdown(sctx)
		s.wg.Wait()
		s.nc.Close()
		s.err = errors.Join(s.fold.save(), s.store.close())
	})
	return s.err
}

// onHello notes a hall's presence; a hall the county did not know gets
// its source at the consumer's next turn.
func (s *Service) onHello(m *nats.Msg) {
	id, ok := hallOfSubject(m.Subject, "hello")
	if !ok {
		return
	}
	var hi federation.Hello
	if err := json.Unmarshal(m.Data, &hi); err != nil {
		s.cfg.Logger.Warn("county: hello not understood", "hall", id, "err", err)
		return
	}
	if s.fold.hello(id, hi) {
		s.cfg.Logger.Info("county: a new hall said hello", "hall", id)
	}
}

// consume keeps the sources and folds the county stream until ctx ends,
// retrying while the hub is away.
func (s *Service) consume(ctx context.Context) {
	var (
		sourced  map[string]bool
		cons     jetstream.Consumer
		lastSave = time.Now()
		backoff  = time.Second
	)
	wait := func() {
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
	for ctx.Err() == nil {
		ids := s.fold.ids()
		if missing(sourced, ids) {
			have, err := ensureStream(ctx, s.js, ids)
			if err != nil {
				s.cfg.Logger.Warn("county: sources not kept", "err", err)
				wait()
				continue
			}
			sourced = have
		}
		if cons == nil {
			c, err := openConsumer(ctx, s.js, s.fold.position())
			if err != nil {
				s.cfg.Logger.Warn("county: consumer not opened", "err", err)
				wait()
				continue
			}
			cons = c
		}
		batch, err := cons.Fetch(fetchBatch, jetstream.FetchMaxWait(time.Second))
		if err != nil {
			s.cfg.Logger.Warn("county: fetch", "err", err)
			cons = nil
			wait()
			continue
		}
		var last jetstream.Msg
		for m := range batch.Messages() {
			meta, err := m.Metadata()
			if err != nil {
				continue
			}
			s.fold.apply(m.Subject(), m.Data(), meta.Sequence.Stream)
			last = m
		}
		if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) && ctx.Err() == nil {
			s.cfg.Logger.Warn("county: fetch", "err", err)
		}
		if last != nil {
			last.Ack() // AckAll: the batch; a lost ack is redelivered and skipped
			backoff = time.Second
		}
		if time.Since(lastSave) >= s.cfg.SaveEvery {
			if err := s.fold.save(); err != nil {
				s.cfg.Logger.Error("county: save", "err", err)
			}
			lastSave = time.Now()
		}
	}
}

// missing says whether a hall in ids has no source yet.
func missing(sourced map[string]bool, ids []string) bool {
	if sourced == nil {
		return true
	}
	for _, id := range ids {
		if !sourced[id] {
			return true
		}
	}
	return false
}

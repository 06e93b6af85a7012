package federation

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/yimen-hall/yimen/queue"
)

// Hall is what the link needs of the hall's engine: a word after each
// commit, the hall in force and the committed state. *queue.Engine is one.
type Hall interface {
	Follow(func(queue.Event, *queue.State))
	Hall() *queue.Hall
	Read(func(*queue.State))
}

// Config sets up a hall's link.
type Config struct {
	Server ServerConfig
	Hall   Hall
	// Log is the hall's event log the publisher reads (the engine's).
	Log     queue.Log
	Logger  *slog.Logger
	Now     func() time.Time
	Version string
	// Alarm tells the manager, in Chinese, what keeps the hall's events
	// from its own stream; "" clears it. It must not block.
	Alarm func(string)
	// LinkAlarm tells the manager, in Chinese, that the hub refuses the
	// hall's credentials; "" clears it once the link is up. It must not
	// block.
	LinkAlarm func(string)
	// HelloEvery is how often a linked hall says it is there; 30 s when
	// zero.
	HelloEvery time.Duration
	// Requests takes the village stations' requests that wait on the hub
	// for this hall (requests.go): the engine's TakeRequest. Without it,
	// or without a county, none are pulled.
	Requests RequestTaker
}

// Link is the hall's side of its county: the embedded NATS server, the
// publisher of its events and its hellos. Start runs it in the
// background, so that the hall never waits on it; Close ends all of it.
// The daemon starts one only with --county: nothing but the county reads
// the hall's stream, and the publisher sends the whole log from the
// hall's own on the first link.
type Link struct {
	cfg       Config
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	ready     chan struct{}
	feed      *feed
	published atomic.Uint64

	srv *server.Server // set before ready is closed
	nc  *nats.Conn
}

// Start begins the link: the server starts (and keeps trying, with an
// alarm, if its store fails) and then the publisher and the hellos run
// until Close.
func Start(cfg Config) *Link {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Alarm == nil {
		cfg.Alarm = func(string) {}
	}
	if cfg.LinkAlarm == nil {
		cfg.LinkAlarm = func(string) {}
	}
	if cfg.HelloEvery <= 0 {
		cfg.HelloEvery = 30 * time.Second
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &Link{cfg: cfg, cancel: cancel, ready: make(chan struct{}), feed: newFeed()}
	// The committer only hands the event over; the publisher does the rest.
	cfg.Hall.Follow(func(ev queue.Event, _ *queue.State) { l.feed.add(ev) })
	l.wg.Add(1)
	go l.run(ctx)
	return l
}

func (l *Link) run(ctx context.Context) {
	defer l.wg.Done()
	wait := time.Second
	for {
		start := time.Now()
		srv, nc, err := startServer(l.cfg.Server, l.cfg.Logger, func() {
			l.cfg.LinkAlarm("县级联网被拒绝：本厅的用户名或口令不对（--county-creds），请联系县信息科核对。取号叫号不受影响，记录都保存在本厅。")
		})
		if err == nil {
			l.srv, l.nc = srv, nc
			l.cfg.Logger.Info("county link: the hall's NATS server is ready", "took", time.Since(start).Round(time.Millisecond), "linking", len(l.cfg.Server.County) > 0)
			break
		}
		l.cfg.Logger.Error("county link: the hall's NATS server", "err", err)
		l.cfg.Alarm("本厅联网服务无法启动，办事记录暂未送往县级（取号叫号不受影响）：" + err.Error())
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Minute)
	}
	close(l.ready)
	l.cfg.Alarm("")
	js, err := jetstream.New(l.nc, jetstream.WithPublishAsyncTimeout(ackWait))
	if err != nil { // only on bad options
		l.cfg.Logger.Error("county link: jetstream", "err", err)
		return
	}
	p := &publisher{
		hall: l.cfg.Server.Hall, js: js, core: l.nc.PublishMsg, log: l.cfg.Log, logger: l.cfg.Logger,
		feed: l.feed, alarm: l.cfg.Alarm, published: &l.published,
	}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		l.hellos(ctx)
	}()
	if l.cfg.Requests != nil && len(l.cfg.Server.County) > 0 {
		l.pullRequests(ctx)
	}
	p.run(ctx)
}

// Ready is closed once the server runs and Conn may be used.
func (l *Link) Ready() <-chan struct{} { return l.ready }

// Conn is the daemon's in-process connection to the hall's server (nil
// before Ready). Requests it makes get replies under Inbox(hall).
func (l *Link) Conn() *nats.Conn {
	select {
	case <-l.ready:
		return l.nc
	default:
		return nil
	}
}

// Linked says whether the leaf link to the county is up.
func (l *Link) Linked() bool {
	select {
	case <-l.ready:
		return l.srv.NumLeafNodes() > 0
	default:
		return false
	}
}

// Published is the seq of the last event the hall's stream holds.
func (l *Link) Published() uint64 { return l.published.Load() }

// Close stops the publisher and the hellos, then the server.
func (l *Link) Close() error {
	l.cancel()
	l.wg.Wait()
	select {
	case <-l.ready:
	default:
		return nil
	}
	var errs []error
	if err := l.nc.Drain(); err != nil && !errors.Is(err, nats.ErrConnectionClosed) {
		errs = append(errs, err)
	}
	l.nc.Close()
	l.srv.Shutdown()
	l.srv.WaitForShutdown()
	return errors.Join(errs...)
}

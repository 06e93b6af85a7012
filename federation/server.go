package federation

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
)

// ServerConfig is the hall's embedded NATS server.
type ServerConfig struct {
	Hall string // the hall's id: its JetStream domain
	Dir  string // the JetStream store, DATA/nats
	// County lists the hub's leafnode URLs (nats://HOST:7422); none keeps
	// the server to the process.
	County []string
	// User and Password are the hall's own credentials on the hub.
	User, Password string
}

// startServer runs the hall's NATS server in this process: JetStream in
// the hall's domain, no client port (the daemon connects in process), and
// with a county a leaf remote that redials forever.
func startServer(c ServerConfig, logger *slog.Logger, refused func()) (*server.Server, *nats.Conn, error) {
	opts := &server.Options{
		ServerName:      "yimen-" + c.Hall,
		DontListen:      true,
		NoSigs:          true,
		NoLog:           true,
		JetStream:       true,
		JetStreamDomain: c.Hall,
		StoreDir:        c.Dir,
		// No system account of its own: the hub's is the county's.
		NoSystemAccount: true,
	}
	if len(c.County) > 0 {
		urls, err := countyURLs(c.County, c.User, c.Password)
		if err != nil {
			return nil, nil, err
		}
		opts.LeafNode.Remotes = []*server.RemoteLeafOpts{{URLs: urls}}
		// Redial forever: rural links drop for hours.
		opts.LeafNode.ReconnectInterval = 2 * time.Second
	}
	s, err := server.NewServer(opts)
	if err != nil {
		return nil, nil, fmt.Errorf("federation: nats server: %w", err)
	}
	log := &natsLog{l: logger, refused: refused, said: map[string]time.Time{}}
	s.SetLoggerV2(log, false, false, false)
	s.Start()
	// Start gives up on a store that cannot be opened before it returns,
	// saying so as a fatal line: that is known now, and must not wait out
	// the start-up patience before the manager hears of it.
	if fatal := log.fatal.Load(); fatal != nil || !s.ReadyForConnections(30*time.Second) {
		s.Shutdown()
		s.WaitForShutdown()
		if fatal != nil {
			return nil, nil, fmt.Errorf("federation: the hall's nats server (store %s): %s", c.Dir, *fatal)
		}
		return nil, nil, fmt.Errorf("federation: the hall's nats server did not start within 30 s (store %s)", c.Dir)
	}
	nc, err := nats.Connect("", nats.InProcessServer(s), nats.Name("yimen"),
		// Replies to this hall come back under its own inbox, which its
		// permissions on the hub allow (docs/county/hub.conf).
		nats.CustomInboxPrefix(Inbox(c.Hall)),
		nats.MaxReconnects(-1))
	if err != nil {
		s.Shutdown()
		s.WaitForShutdown()
		return nil, nil, fmt.Errorf("federation: connect in process: %w", err)
	}
	return s, nc, nil
}

// countyURLs checks the --county URLs and puts the hall's credentials in
// them, which is how a leaf remote carries a user and password.
func countyURLs(list []string, user, password string) ([]*url.URL, error) {
	var urls []*url.URL
	for _, s := range list {
		u, err := ParseCountyURL(s)
		if err != nil {
			return nil, err
		}
		if user != "" {
			u.User = url.UserPassword(user, password)
		}
		urls = append(urls, u)
	}
	return urls, nil
}

// ParseCountyURL checks one --county value: nats://HOST:PORT (or
// tls://), without credentials (they belong in --county-creds, out of the
// process list).
func ParseCountyURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("--county %q: %w", s, err)
	}
	switch {
	case u.Scheme != "nats" && u.Scheme != "tls":
		return nil, fmt.Errorf("--county %q: want nats://HOST:7422", s)
	case u.Hostname() == "" || u.Port() == "":
		return nil, fmt.Errorf("--county %q: want nats://HOST:PORT (the hub's leafnode port, 7422)", s)
	case u.User != nil:
		return nil, fmt.Errorf("--county %q: put the hall's user and password in --county-creds, not in the URL", s)
	case u.Path != "" && u.Path != "/":
		return nil, fmt.Errorf("--county %q: unexpected path %q", s, u.Path)
	}
	return u, nil
}

// natsLog passes the embedded server's warnings and errors to the
// daemon's log (a refused leaf link says why there); its notices are
// debug lines. A line it said within the last ten minutes is not said
// again: a link refused for a wrong password is refused every few seconds
// for as long as nobody fixes it. It keeps the fatal line that stops a
// start, and tells refused when the hub refuses the hall's credentials.
type natsLog struct {
	l       *slog.Logger
	fatal   atomic.Pointer[string]
	refused func()

	mu   sync.Mutex
	said map[string]time.Time // by the line without its connection number
}

var connNumber = regexp.MustCompile(`\b[lcr]id:\d+`)

func (n *natsLog) say(level slog.Level, format string, v ...any) {
	msg := fmt.Sprintf(format, v...)
	if strings.Contains(msg, "Authorization Violation") && n.refused != nil {
		n.refused()
	}
	key := connNumber.ReplaceAllString(msg, "")
	n.mu.Lock()
	last, ok := n.said[key]
	if !ok || time.Since(last) > 10*time.Minute {
		n.said[key] = time.Now()
	}
	if len(n.said) > 1000 { // lines that vary: forget rather than grow
		clear(n.said)
	}
	n.mu.Unlock()
	if !ok || time.Since(last) > 10*time.Minute {
		n.l.Log(context.Background(), level, "nats: "+msg)
	}
}

func (n *natsLog) Noticef(format string, v ...any) { n.say(slog.LevelDebug, format, v...) }
func (n *natsLog) Warnf(format string, v ...any)   { n.say(slog.LevelWarn, format, v...) }
func (n *natsLog) Errorf(format string, v ...any)  { n.say(slog.LevelError, format, v...) }
func (n *natsLog) Debugf(format string, v ...any)  {}
func (n *natsLog) Tracef(format string, v ...any)  {}

func (n *natsLog) Fatalf(format string, v ...any) {
	msg := fmt.Sprintf(format, v...)
	n.fatal.Store(&msg)
	n.say(slog.LevelError, "%s", msg)
}

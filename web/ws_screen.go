package web

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/yimen-hall/yimen/display"
)

// Every screen has its own writer goroutine, woken by the hub when there
// is something new, which then takes everything it has not yet written.
// A screen that is slow to read (a cheap TV box, a daemon short of CPU)
// only makes its own writer wait: the others go on, and when it is
// writable again it gets what it missed, coalesced into one snapshot if it
// is far behind (display.Hub.Catchup). Each message is encoded and framed
// once for every screen (a websocket.PreparedMessage).
//
// Only a screen whose socket accepts nothing for screenStall (at least
// half of it, as the deadline is moved on in steps) — a TV
// switched off at the wall, a frozen browser — is closed; it reconnects
// with ?since= when it comes back.
const screenStall = 30 * time.Second

type screen struct {
	conn     *websocket.Conn
	sub      *display.Sub
	hub      *display.Hub
	stall    time.Duration
	last     uint64    // seq the screen is at
	deadline time.Time // of the socket's writes
	boot     string    // the hub run that seq belongs to
	gone     chan struct{}

	page      screenPage
	addr      string
	since     time.Time        // connected at
	lastWrite atomic.Int64     // unix ns of the last message written; 0: none
	now       func() time.Time // the hall's clock, for what the manager reads
}

// screens owns every screen's goroutines.
type screens struct {
	hub   *display.Hub
	stall time.Duration
	live  atomic.Int64 // screens connected
	wg    sync.WaitGroup
	quit  chan struct{}
	once  sync.Once

	// set is every connected screen, for the manager's list; as many as
	// the server lets sockets in, so bounded with them.
	mu  sync.Mutex
	set map[*screen]struct{}
	now func() time.Time
}

// newScreens keeps the screens of hub; now is the hall's clock, which the
// manager's list shows times in (deadlines keep the real one).
func newScreens(hub *display.Hub, now func() time.Time) *screens {
	return &screens{hub: hub, stall: screenStall, quit: make(chan struct{}), set: make(map[*screen]struct{}), now: now}
}

// add starts writing to a new screen that last saw since (of boot).
func (ss *screens) add(conn *websocket.Conn, since uint64, boot string, page screenPage, addr string) {
	select {
	case <-ss.quit:
		conn.Close()
		return
	default:
	}
	s := &screen{conn: conn, hub: ss.hub, sub: ss.hub.Subscribe(), stall: ss.stall, last: since, boot: boot, gone: make(chan struct{})}
	s.page, s.addr, s.since, s.now = page, addr, ss.now(), ss.now
	ss.live.Add(1)
	ss.mu.Lock()
	ss.set[s] = struct{}{}
	ss.mu.Unlock()
	ss.wg.Go(func() { readDisplay(conn, s.gone) })
	ss.wg.Go(func() {
		defer ss.live.Add(-1)
		defer func() {
			ss.mu.Lock()
			delete(ss.set, s)
			ss.mu.Unlock()
		}()
		s.run(ss.quit)
	})
}

// close disconnects every screen and waits for their goroutines.
func (ss *screens) close() {
	ss.once.Do(func() { close(ss.quit) })
	ss.wg.Wait()
}

func (s *screen) run(quit <-chan struct{}) {
	defer s.conn.Close() // ends the reader too
	defer s.hub.Unsubscribe(s.sub)
	ping := time.NewTicker(wsPingPeriod)
	defer ping.Stop()
	for {
		if !s.catchUp() {
			return
		}
		select {
		case <-s.sub.Wake:
		case <-ping.C:
			if s.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(wsWriteWait)) != nil {
				return
			}
		case <-s.gone:
			return
		case <-quit:
			msg := websocket.FormatCloseMessage(websocket.CloseGoingAway, "")
			s.conn.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
			return
		}
	}
}

// catchUp writes everything after the screen's seq; false when the
// screen is gone or stalled.
func (s *screen) catchUp() bool {
	frames, seq := s.hub.Catchup(s.last, s.boot)
	if len(frames) == 0 {
		return true
	}
	if now := time.Now(); s.deadline.Sub(now) < s.stall/2 {
		// Moved on only now and then: setting it costs a timer update,
		// and a thousand screens are written after every call.
		s.deadline = now.Add(s.stall)
		s.conn.SetWriteDeadline(s.deadline)
	}
	for _, f := range frames {
		if err := s.conn.WritePreparedMessage(f.Wire(prepare).(*websocket.PreparedMessage)); err != nil {
			return false
		}
	}
	s.last, s.boot = seq, s.hub.Boot()
	s.lastWrite.Store(s.now().UnixNano())
	return true
}

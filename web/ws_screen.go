package web

import (
	"net"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
	"github.com/yimen-hall/yimen/display"
)

// A pusher goroutine per core, woken by the hub, writes each new message
// to every screen of its share in turn, as a plain server would: a
// thousand screens cost a wake-up per core and a thousand writes, not a
// thousand goroutines scheduled, and the pushers ping them too. Their
// writes never wait: what the socket cannot take at once (a screen slow
// to read, a daemon short of CPU) is left, with that screen, to the
// screen's own writer goroutine, which waits for the socket. So a slow
// screen only ever makes its own writer wait: the others go on, and when
// it is writable again it gets what it missed, coalesced into one
// snapshot if it is far behind (display.Hub.Catchup). Each message is
// encoded and framed once for every screen, and what one screen is sent
// at once goes in one write.
//
// Only a screen whose socket accepts nothing for screenStall (at least
// half of it, as the deadline is moved on in steps) — a TV switched off
// at the wall, a frozen browser — is closed; it reconnects with ?since=
// when it comes back.
const screenStall = 30 * time.Second

type screen struct {
	conn  *websocket.Conn
	nc    net.Conn
	send  func([]byte) (int, error) // a write that never waits; nil where the platform has none
	hub   *display.Hub
	stall time.Duration
	kick  chan struct{} // the pusher hands the screen to its writer
	ping  atomic.Bool   // the writer is to send a ping the pusher could not
	share int           // which pusher writes to it
	gone  chan struct{}

	// wmu orders every write to the socket, the pusher's and the
	// writer's, and guards what follows.
	wmu      sync.Mutex
	last     uint64    // seq the screen is at (once rest is written)
	boot     string    // the hub run that seq belongs to
	rest     []byte    // the end of a frame the pusher could not write whole
	deadline time.Time // of the writer's writes
	ended    bool      // the writer has stopped

	page      screenPage
	addr      string
	since     time.Time        // connected at
	lastWrite atomic.Int64     // unix ns of the last message written; 0: none
	now       func() time.Time // the hall's clock, for what the manager reads
}

// screens owns every screen's goroutines and the pusher.
type screens struct {
	hub   *display.Hub
	stall time.Duration
	live  atomic.Int64 // screens connected
	wg    sync.WaitGroup
	quit  chan struct{}
	once  sync.Once

	// set is every connected screen, for the pusher and the manager's
	// list; as many as the server lets sockets in, so bounded with them.
	mu     sync.Mutex
	set    map[*screen]struct{}
	added  int // screens ever added, to share them among the pushers
	shares int // pushers
	now    func() time.Time
}

// newScreens keeps the screens of hub, and starts their pusher; now is
// the hall's clock, which the manager's list shows times in (deadlines
// keep the real one).
func newScreens(hub *display.Hub, now func() time.Time) *screens {
	ss := &screens{hub: hub, stall: screenStall, quit: make(chan struct{}), set: make(map[*screen]struct{}), now: now}
	ss.shares = min(runtime.GOMAXPROCS(0), 4)
	for share := range ss.shares {
		sub := hub.Subscribe()
		ss.wg.Go(func() {
			defer hub.Unsubscribe(sub)
			ss.push(sub, share)
		})
	}
	return ss
}

// add starts writing to a new screen that last saw since (of boot).
func (ss *screens) add(conn *websocket.Conn, since uint64, boot string, page screenPage, addr string) {
	select {
	case <-ss.quit:
		conn.Close()
		return
	default:
	}
	s := &screen{conn: conn, nc: conn.NetConn(), hub: ss.hub, stall: ss.stall, last: since, boot: boot,
		kick: make(chan struct{}, 1), gone: make(chan struct{})}
	s.send = nonBlockingWrite(s.nc)
	s.page, s.addr, s.since, s.now = page, addr, ss.now(), ss.now
	// What gorilla writes by itself while reading (a pong, the close's
	// answer) must not land inside a frame the pusher left half written.
	conn.SetPingHandler(func(data string) error {
		return s.control(websocket.PongMessage, []byte(data))
	})
	conn.SetCloseHandler(func(code int, _ string) error {
		return s.control(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""))
	})
	ss.live.Add(1)
	ss.mu.Lock()
	s.share = ss.added % ss.shares
	ss.added++
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

// push writes each new message to every screen of share that can take
// it at once, and hands the others to their writers.
func (ss *screens) push(sub *display.Sub, share int) {
	var round []*screen
	var out pushBuf // reused for every screen
	ping := time.NewTicker(wsPingPeriod)
	defer ping.Stop()
	for {
		pinging := false
		select {
		case <-sub.Wake:
		case <-ping.C:
			pinging = true
		case <-ss.quit:
			return
		}
		ss.mu.Lock()
		for s := range ss.set {
			if s.share == share {
				round = append(round, s)
			}
		}
		ss.mu.Unlock()
		at := ss.now().UnixNano()
		for _, s := range round {
			var ok bool
			if pinging {
				ok = s.sendPing()
			} else {
				ok = s.push(at, &out)
			}
			if !ok {
				s.wake()
			}
		}
		clear(out.frames[:cap(out.frames)])
		clear(round)
		round = round[:0]
	}
}

// pushBuf is a pusher's scratch space, reused for every screen.
type pushBuf struct {
	frames []*display.Frame
	bytes  []byte
}

// push writes what the screen has not yet seen without waiting for its
// socket, in one write however many messages that is; false when its
// writer must take over. at is the hall's time.
func (s *screen) push(at int64, out *pushBuf) bool {
	if s.send == nil || !s.wmu.TryLock() {
		return false // the writer is writing: it takes everything after
	}
	defer s.wmu.Unlock()
	if s.ended || s.rest != nil {
		return s.ended
	}
	var seq uint64
	out.frames, seq = s.hub.AppendCatchup(out.frames[:0], s.last, s.boot)
	if len(out.frames) == 0 {
		return true
	}
	b := out.frames[0].Wire(frame).([]byte) // shared, never changed
	if len(out.frames) > 1 {
		out.bytes = out.bytes[:0]
		for _, f := range out.frames {
			out.bytes = append(out.bytes, f.Wire(frame).([]byte)...)
		}
		b = out.bytes
	}
	n, err := s.send(b)
	if err != nil || n == 0 {
		return false // the writer waits for room, or meets the error and ends
	}
	s.last, s.boot = seq, s.hub.Boot()
	s.lastWrite.Store(at)
	if n < len(b) {
		// The writer writes the rest first, all of it the screen's own:
		// the buffer is the next screen's.
		s.rest = b[n:]
		if len(out.frames) > 1 {
			s.rest = slices.Clone(s.rest)
		}
		return false
	}
	return true
}

// pingFrame is a websocket ping with no payload.
var pingFrame = []byte{0x89, 0x00}

// sendPing pings the screen (its pong keeps its reader's deadline moving)
// without waiting for its socket; false when its writer must.
func (s *screen) sendPing() bool {
	if s.send == nil || !s.wmu.TryLock() {
		s.ping.Store(true)
		return false
	}
	defer s.wmu.Unlock()
	if s.ended {
		return true
	}
	if s.rest == nil {
		if n, err := s.send(pingFrame); err == nil && n > 0 {
			if n < len(pingFrame) {
				s.rest = pingFrame[n:]
				return false
			}
			return true
		}
	}
	s.ping.Store(true)
	return false
}

// wake hands the screen to its writer.
func (s *screen) wake() {
	select {
	case s.kick <- struct{}{}:
	default: // already handed: it takes everything when it runs
	}
}

func (s *screen) run(quit <-chan struct{}) {
	defer s.conn.Close() // ends the reader too
	defer func() {
		s.wmu.Lock()
		s.ended = true
		s.wmu.Unlock()
	}()
	for {
		if !s.catchUp() {
			return
		}
		if s.ping.Swap(false) && s.control(websocket.PingMessage, nil) != nil {
			return
		}
		select {
		case <-s.kick:
		case <-s.gone:
			return
		case <-quit:
			s.control(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, ""))
			return
		}
	}
}

// control writes a control message once any half-written frame is
// ended, waiting for the socket at most wsWriteWait.
func (s *screen) control(typ int, data []byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.rest != nil {
		if err := s.write(s.rest); err != nil {
			return err
		}
		s.rest = nil
	}
	return s.conn.WriteControl(typ, data, time.Now().Add(wsWriteWait))
}

// catchUp writes everything after the screen's seq, waiting for the
// socket; false when the screen is gone or stalled.
func (s *screen) catchUp() bool {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.rest != nil {
		if s.write(s.rest) != nil {
			return false
		}
		s.rest = nil
		s.lastWrite.Store(s.now().UnixNano())
	}
	frames, seq := s.hub.Catchup(s.last, s.boot)
	if len(frames) == 0 {
		return true
	}
	for _, f := range frames {
		if s.write(f.Wire(frame).([]byte)) != nil {
			return false
		}
	}
	s.last, s.boot = seq, s.hub.Boot()
	s.lastWrite.Store(s.now().UnixNano())
	return true
}

// write writes b whole, waiting for the socket until the stall deadline.
// s.wmu is held.
func (s *screen) write(b []byte) error {
	if now := time.Now(); s.deadline.Sub(now) < s.stall/2 {
		// Moved on only now and then: setting it costs a timer update.
		s.deadline = now.Add(s.stall)
	}
	// Set on every write: gorilla's control writes set their own.
	s.nc.SetWriteDeadline(s.deadline)
	_, err := s.nc.Write(b)
	return err
}

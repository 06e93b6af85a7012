package web

import (
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/yimen-hall/yimen/display"
)

// A call must reach every screen in the hall within a few tens of
// milliseconds on a two-core box. Waking one writer goroutine per screen
// for every message costs more than the writes themselves, so a few
// shards each take the hub's stream once and write every frame to their
// screens in turn. A screen whose socket buffer is full (hundreds of
// kilobytes behind) is not waited for: its write times out and it is
// dropped, to reconnect with ?since= and catch up.

const (
	// shardWriteWait bounds how long one screen can hold up its shard.
	shardWriteWait = 100 * time.Millisecond
	displayShards  = 4
)

type screen struct {
	conn     *websocket.Conn
	last     uint64 // seq the screen is at
	deadline time.Time
	gone     chan struct{} // closed by the reader when the screen went away
	closed   bool
}

type joinReq struct {
	s     *screen
	since uint64
	boot  string
}

type shard struct {
	hub   *display.Hub
	joins chan joinReq
	quit  chan struct{}
}

// screens is the set of shards of one server.
type screens struct {
	hub    *display.Hub
	shards []*shard
	next   int
	mu     sync.Mutex
	wg     sync.WaitGroup
	quit   chan struct{}
}

func newScreens(hub *display.Hub) *screens {
	ss := &screens{hub: hub, quit: make(chan struct{})}
	for range displayShards {
		sh := &shard{hub: hub, joins: make(chan joinReq, 64), quit: ss.quit}
		ss.shards = append(ss.shards, sh)
		ss.wg.Go(sh.run)
	}
	return ss
}

// add hands a new screen to the next shard.
func (ss *screens) add(conn *websocket.Conn, since uint64, boot string) {
	ss.mu.Lock()
	sh := ss.shards[ss.next%len(ss.shards)]
	ss.next++
	ss.mu.Unlock()
	s := &screen{conn: conn, gone: make(chan struct{})}
	go readDisplay(conn, s.gone)
	select {
	case sh.joins <- joinReq{s: s, since: since, boot: boot}:
	case <-ss.quit:
		conn.Close()
	}
}

// close stops the shards and disconnects every screen.
func (ss *screens) close() {
	select {
	case <-ss.quit:
	default:
		close(ss.quit)
	}
	ss.wg.Wait()
}

func (sh *shard) run() {
	var list []*screen
	defer func() {
		for _, s := range list {
			s.drop()
		}
	}()
	resync := false
	for {
		sub := sh.hub.Subscribe()
		if resync {
			// The shard fell behind and the hub dropped it: bring every
			// screen up to date with a fresh snapshot.
			live := list[:0]
			for _, s := range list {
				frames, seq := sh.hub.Catchup(0, "")
				if s.catchUp(frames, seq) {
					live = append(live, s)
				}
			}
			clear(list[len(live):])
			list = live
		}
		var stop bool
		list, stop = sh.serve(sub, list)
		sh.hub.Unsubscribe(sub)
		if stop {
			return
		}
		resync = true
	}
}

// serve writes the hub's frames to the shard's screens until the hub drops
// the shard (it fell behind) or the server stops.
func (sh *shard) serve(sub *display.Sub, list []*screen) ([]*screen, bool) {
	ping := time.NewTicker(wsPingPeriod)
	defer ping.Stop()
	keep := func(ok func(*screen) bool) {
		live := list[:0]
		for _, s := range list {
			if ok(s) {
				live = append(live, s)
			}
		}
		clear(list[len(live):])
		list = live
	}
	for {
		select {
		case f, ok := <-sub.C:
			if !ok {
				return list, false
			}
			keep(func(s *screen) bool { return s.send(f) })
		case j := <-sh.joins:
			frames, seq := sh.hub.Catchup(j.since, j.boot)
			if j.s.catchUp(frames, seq) {
				list = append(list, j.s)
			}
		case <-ping.C:
			keep((*screen).ping)
		case <-sh.quit:
			return list, true
		}
	}
}

// catchUp writes what a screen missed (or a snapshot) and moves it to seq;
// frames up to seq still queued for the shard are then skipped.
func (s *screen) catchUp(frames []*display.Frame, seq uint64) bool {
	for _, f := range frames {
		if !s.write(f) {
			return false
		}
	}
	s.last = seq
	return true
}

// send writes one frame of the stream unless the screen has it already;
// false means the screen is gone or too slow and was dropped.
func (s *screen) send(f *display.Frame) bool {
	if f.Seq <= s.last {
		return true
	}
	if !s.write(f) {
		return false
	}
	s.last = f.Seq
	return true
}

func (s *screen) write(f *display.Frame) bool {
	select {
	case <-s.gone:
		s.drop()
		return false
	default:
	}
	if now := time.Now(); s.deadline.Sub(now) < shardWriteWait/2 {
		s.deadline = now.Add(shardWriteWait)
		s.conn.SetWriteDeadline(s.deadline)
	}
	if err := s.conn.WritePreparedMessage(f.Wire(prepare).(*websocket.PreparedMessage)); err != nil {
		s.drop()
		return false
	}
	return true
}

func (s *screen) ping() bool {
	if s.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(wsWriteWait)) != nil {
		s.drop()
		return false
	}
	return true
}

func (s *screen) drop() {
	if !s.closed {
		s.closed = true
		s.conn.Close()
	}
}

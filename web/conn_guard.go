package web

import (
	"container/list"
	"errors"
	"net"
	"net/http"
	"sync"
	"syscall"
)

// A stranger can open thousands of connections and trickle a request
// body into each; without a bound the daemon runs out of descriptors and
// even /healthz goes unanswered. The guard counts open connections and,
// at the limit, makes room for the newest by closing the oldest plain-HTTP
// connection of the address that holds the most: the stranger's, not the
// kiosk's or the health check's, however fast the stranger reconnects.
// Websockets (screens, devices) are never closed to make room; the
// server's read timeout ends any slow body on its own.

// ConnGuard wraps a listener; give its ConnState to the http.Server.
type ConnGuard struct {
	max int

	mu     sync.Mutex
	open   int
	byAddr map[string]*list.List // per address, its plain-HTTP conns oldest first
	conns  map[net.Conn]*guardedConn
}

type guardedConn struct {
	net.Conn
	g        *ConnGuard
	addr     string
	elem     *list.Element // nil once hijacked or released
	released bool
}

// SyscallConn gives the socket's descriptor, as the connection under the
// guard does: the screens' pusher writes to it without waiting.
func (c *guardedConn) SyscallConn() (syscall.RawConn, error) {
	if sc, ok := c.Conn.(syscall.Conn); ok {
		return sc.SyscallConn()
	}
	return nil, errors.ErrUnsupported
}

// NewConnGuard allows max connections open at once.
func NewConnGuard(max int) *ConnGuard {
	return &ConnGuard{max: max, byAddr: map[string]*list.List{}, conns: map[net.Conn]*guardedConn{}}
}

// Listener wraps ln.
func (g *ConnGuard) Listener(ln net.Listener) net.Listener { return &guardedListener{ln, g} }

type guardedListener struct {
	net.Listener
	g *ConnGuard
}

func (l *guardedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if gc := l.g.admit(c); gc != nil {
			return gc, nil
		}
		c.Close() // only websockets are open: no room
	}
}

func (g *ConnGuard) admit(c net.Conn) *guardedConn {
	addr := c.RemoteAddr().String()
	if host, _, err := net.SplitHostPort(addr); err == nil {
		addr = host
	}
	var victim *guardedConn
	g.mu.Lock()
	if g.open >= g.max {
		var most *list.List
		for _, l := range g.byAddr {
			if most == nil || l.Len() > most.Len() {
				most = l
			}
		}
		if most == nil {
			g.mu.Unlock()
			return nil
		}
		victim = most.Front().Value.(*guardedConn)
		g.releaseLocked(victim)
	}
	gc := &guardedConn{Conn: c, g: g, addr: addr}
	l := g.byAddr[addr]
	if l == nil {
		l = list.New()
		g.byAddr[addr] = l
	}
	gc.elem = l.PushBack(gc)
	g.conns[gc] = gc
	g.open++
	g.mu.Unlock()
	if victim != nil {
		victim.Conn.Close()
	}
	return gc
}

func (g *ConnGuard) releaseLocked(gc *guardedConn) {
	if gc.released {
		return
	}
	gc.released = true
	g.unlistLocked(gc)
	delete(g.conns, gc)
	g.open--
}

func (c *guardedConn) Close() error {
	c.g.mu.Lock()
	c.g.releaseLocked(c)
	c.g.mu.Unlock()
	return c.Conn.Close()
}

// ConnState tells the guard when a connection became a websocket.
func (g *ConnGuard) ConnState(c net.Conn, s http.ConnState) {
	if s != http.StateHijacked {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if gc := g.conns[c]; gc != nil {
		g.unlistLocked(gc)
	}
}

// unlistLocked takes a connection off its address's list of closable ones.
func (g *ConnGuard) unlistLocked(gc *guardedConn) {
	if gc.elem == nil {
		return
	}
	l := g.byAddr[gc.addr]
	l.Remove(gc.elem)
	gc.elem = nil
	if l.Len() == 0 {
		delete(g.byAddr, gc.addr)
	}
}

// Open is how many connections are open now.
func (g *ConnGuard) Open() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.open
}

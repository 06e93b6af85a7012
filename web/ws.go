package web

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

const (
	wsWriteWait = 10 * time.Second
	// A screen that has not answered a ping for wsPongWait is gone (a TV
	// switched off at the wall leaves a half-open connection behind).
	wsPongWait   = 15 * time.Second
	wsPingPeriod = 5 * time.Second
)

// Small buffers: screens only receive, and a thousand of them share one
// daemon on a small box.
var upgrader = websocket.Upgrader{
	ReadBufferSize:  512,
	WriteBufferSize: 2048,
	// Writes (the control messages: messages go out as frames made once,
	// ws_frame.go) borrow from a pool instead of holding a buffer per screen.
	WriteBufferPool: &sync.Pool{},
	// Displays are read-only and open on the LAN: any page may watch.
	CheckOrigin: func(*http.Request) bool { return true },
}

// serveDisplayWS pushes the board to a lobby TV, window screen or phone.
// The handler returns right after the upgrade: the pushers and the
// screen's writer then own the connection and one small goroutine reads
// it, so that the HTTP server's request state and buffers (8 KB a
// connection) are freed.
func (s *Server) serveDisplayWS(w http.ResponseWriter, r *http.Request) {
	since, _ := strconv.ParseUint(r.URL.Query().Get("since"), 10, 64)
	boot := r.URL.Query().Get("boot")
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	s.screens.add(conn, since, boot, pageOf(r), remoteHost(r))
}

// readDisplay only notices pongs and the close; screens send nothing.
func readDisplay(conn *websocket.Conn, gone chan<- struct{}) {
	defer close(gone)
	conn.SetReadLimit(512)
	conn.SetReadDeadline(time.Now().Add(wsPongWait))
	conn.SetPongHandler(func(string) error {
		return conn.SetReadDeadline(time.Now().Add(wsPongWait))
	})
	for {
		if _, _, err := conn.NextReader(); err != nil {
			return
		}
	}
}

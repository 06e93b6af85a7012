package web

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/yimen-hall/yimen/display"
)

const (
	wsWriteWait = 10 * time.Second
	// A screen that has not answered a ping for wsPongWait is gone (a TV
	// switched off at the wall leaves a half-open connection behind).
	wsPongWait   = 60 * time.Second
	wsPingPeriod = 25 * time.Second
)

// Small buffers: screens only receive, and a thousand of them share one
// daemon on a small box.
var upgrader = websocket.Upgrader{
	ReadBufferSize:  512,
	WriteBufferSize: 2048,
	// Writes borrow from a pool instead of holding a buffer per screen.
	WriteBufferPool: &sync.Pool{},
	// Displays are read-only and open on the LAN: any page may watch.
	CheckOrigin: func(*http.Request) bool { return true },
}

// serveDisplayWS pushes the board to a lobby TV, window screen or phone.
// The handler returns right after the upgrade: the connection then lives
// in two small goroutines of its own, so that the HTTP server's request
// state and its buffers (8 KB a connection) are freed. With a thousand
// screens on a small box that is most of the memory.
func (s *Server) serveDisplayWS(w http.ResponseWriter, r *http.Request) {
	since, _ := strconv.ParseUint(r.URL.Query().Get("since"), 10, 64)
	boot := r.URL.Query().Get("boot")
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	sub, first := s.hub.Subscribe(since, boot)
	gone := make(chan struct{})
	go readDisplay(conn, gone)
	go func() {
		defer conn.Close()
		defer s.hub.Unsubscribe(sub)
		writeDisplay(conn, sub, first, gone)
	}()
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

func writeDisplay(conn *websocket.Conn, sub *display.Sub, first [][]byte, gone <-chan struct{}) {
	write := func(data []byte) bool {
		conn.SetWriteDeadline(time.Now().Add(wsWriteWait))
		return conn.WriteMessage(websocket.TextMessage, data) == nil
	}
	for _, m := range first {
		if !write(m) {
			return
		}
	}
	ping := time.NewTicker(wsPingPeriod)
	defer ping.Stop()
	for {
		select {
		case data, ok := <-sub.C:
			if !ok {
				// Dropped for being slow: tell the screen to come back
				// with ?since= and catch up.
				conn.WriteControl(websocket.CloseMessage,
					websocket.FormatCloseMessage(websocket.CloseTryAgainLater, "resync"),
					time.Now().Add(time.Second))
				return
			}
			if !write(data) {
				return
			}
		case <-ping.C:
			if conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(wsWriteWait)) != nil {
				return
			}
		case <-gone:
			return
		}
	}
}

//go:build !linux

package main

import (
	"io"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// goScreens is the portable stand-in for lobby screens: a goroutine each.
type goScreens struct {
	conns []*websocket.Conn
	ended atomic.Int64
}

func dialScreens(wsURL string, n int) (screenSet, error) {
	g := &goScreens{}
	for range n {
		conn, _, err := websocket.DefaultDialer.Dial(wsURL, nil)
		if err != nil {
			g.close()
			return nil, err
		}
		g.conns = append(g.conns, conn)
	}
	return g, nil
}

func (g *goScreens) run(got chan<- recv, stop <-chan struct{}) {
	for _, conn := range g.conns {
		go func() {
			buf := make([]byte, 64<<10)
			for {
				_, r, err := conn.NextReader()
				if err != nil {
					select {
					case <-stop:
					default:
						g.ended.Add(1)
					}
					return
				}
				n, _ := io.ReadFull(r, buf)
				if num, ok := calledNumber(buf[:n]); ok {
					got <- recv{num, time.Now()}
				}
			}
		}()
	}
	<-stop
}

func (g *goScreens) dropped() int { return int(g.ended.Load()) }

func (g *goScreens) close() {
	for _, c := range g.conns {
		c.Close()
	}
}

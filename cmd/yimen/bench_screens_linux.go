//go:build linux

package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync/atomic"
	"syscall"
	"time"
)

// rawScreens stands in for a hall full of lobby screens on the daemon's
// own machine. Real screens are separate devices; here every screen's
// CPU comes out of the same two cores as the daemon's, so a goroutine per
// screen would measure mostly the load generator. One thread waiting on
// all the sockets with epoll costs one read per screen per message.
type rawScreens struct {
	epfd  int
	files []*os.File
	conns []net.Conn
	bufs  map[int32][]byte
	ended atomic.Int64 // screens whose connection the daemon ended
}

func dialScreens(wsURL string, n int) (screenSet, error) {
	u, err := url.Parse(wsURL)
	if err != nil {
		return nil, err
	}
	epfd, err := syscall.EpollCreate1(0)
	if err != nil {
		return nil, fmt.Errorf("epoll: %w", err)
	}
	r := &rawScreens{epfd: epfd, bufs: map[int32][]byte{}}
	for i := range n {
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			r.close()
			return nil, fmt.Errorf("screen %d: %w", i, err)
		}
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", u.RequestURI(), u.Host)
		br := bufio.NewReader(conn)
		resp, err := http.ReadResponse(br, nil)
		if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
			conn.Close()
			r.close()
			return nil, fmt.Errorf("screen %d: handshake: %v %v", i, err, resp)
		}
		// Whatever the reader already holds (the snapshot) stays ours.
		rest, _ := br.Peek(br.Buffered())
		f, err := conn.(*net.TCPConn).File()
		if err != nil {
			conn.Close()
			r.close()
			return nil, err
		}
		fd := int(f.Fd())
		syscall.SetNonblock(fd, true)
		if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, fd, &syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(fd)}); err != nil {
			r.close()
			return nil, err
		}
		r.bufs[int32(fd)] = append([]byte(nil), rest...)
		r.files = append(r.files, f)
		r.conns = append(r.conns, conn)
	}
	return r, nil
}

// run delivers every called message until stop is closed.
func (r *rawScreens) run(got chan<- recv, stop <-chan struct{}) {
	events := make([]syscall.EpollEvent, 512)
	tmp := make([]byte, 64<<10)
	for {
		select {
		case <-stop:
			return
		default:
		}
		n, err := syscall.EpollWait(r.epfd, events, 50)
		if err != nil && err != syscall.EINTR {
			return
		}
		for _, ev := range events[:max(n, 0)] {
			fd := ev.Fd
			for {
				k, err := syscall.Read(int(fd), tmp)
				if err == syscall.EAGAIN || err == syscall.EINTR {
					break
				}
				if k <= 0 || err != nil { // the daemon closed it
					syscall.EpollCtl(r.epfd, syscall.EPOLL_CTL_DEL, int(fd), nil)
					r.ended.Add(1)
					break
				}
				now := time.Now()
				r.bufs[fd] = r.frames(int(fd), append(r.bufs[fd], tmp[:k]...), now, got)
			}
		}
	}
}

// frames takes the complete websocket frames off buf (server frames are
// not masked) and returns what is left.
func (r *rawScreens) frames(fd int, buf []byte, now time.Time, got chan<- recv) []byte {
	for len(buf) >= 2 {
		hdr, plen := 2, int(buf[1]&0x7f)
		switch plen {
		case 126:
			if len(buf) < 4 {
				return buf
			}
			hdr, plen = 4, int(binary.BigEndian.Uint16(buf[2:4]))
		case 127:
			if len(buf) < 10 {
				return buf
			}
			hdr, plen = 10, int(binary.BigEndian.Uint64(buf[2:10]))
		}
		if len(buf) < hdr+plen {
			return buf
		}
		payload := buf[hdr : hdr+plen]
		switch buf[0] & 0x0f {
		case 0x1:
			if n, ok := calledNumber(payload); ok {
				got <- recv{n, now}
			}
		case 0x9: // ping: answer with a masked, empty pong
			syscall.Write(fd, []byte{0x8A, 0x80, 0, 0, 0, 0})
		}
		buf = buf[hdr+plen:]
	}
	return buf
}

func (r *rawScreens) dropped() int { return int(r.ended.Load()) }

func (r *rawScreens) close() {
	for _, f := range r.files {
		f.Close()
	}
	for _, c := range r.conns {
		c.Close()
	}
	syscall.Close(r.epfd)
}

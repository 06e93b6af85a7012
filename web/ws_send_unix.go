//go:build unix

package web

import (
	"errors"
	"net"
	"syscall"
)

// nonBlockingWrite returns a write to c that takes what the socket's
// buffer has room for and never waits for more: the pusher's, so that a
// screen slow to read never holds up the others. Nil when c gives no
// descriptor.
func nonBlockingWrite(c net.Conn) func([]byte) (int, error) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return func(b []byte) (int, error) {
		var n int
		var werr error
		err := rc.Write(func(fd uintptr) bool {
			n, werr = syscall.Write(int(fd), b)
			return true // never wait for room: the writer does
		})
		if n < 0 {
			n = 0
		}
		if errors.Is(werr, syscall.EAGAIN) || errors.Is(werr, syscall.EINTR) {
			werr = nil
		}
		return n, errors.Join(err, werr)
	}
}

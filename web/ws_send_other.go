//go:build !unix

package web

import "net"

// nonBlockingWrite is not there: every screen is written by its own
// writer.
func nonBlockingWrite(net.Conn) func([]byte) (int, error) { return nil }

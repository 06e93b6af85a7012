package printer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"time"

	"go.bug.st/serial"
	"go.bug.st/serial/enumerator"
)

// serialReadTimeout bounds each Read on a serial port so the reader notices
// a closed link even where Close cannot interrupt it.
const serialReadTimeout = 200 * time.Millisecond

// SerialDialer opens a serial port by path (a /dev/serial/by-id link works
// and survives replugging) at baud 8N1. Modem lines are left alone, which
// also makes it work on a pseudo-terminal.
func SerialDialer(path string, baud int) Dialer {
	return func(ctx context.Context) (io.ReadWriteCloser, error) {
		p, err := serial.Open(path, &serial.Mode{BaudRate: baud})
		if err != nil {
			return nil, fmt.Errorf("printer: open %s: %w", path, err)
		}
		if err := p.SetReadTimeout(serialReadTimeout); err != nil {
			p.Close()
			return nil, fmt.Errorf("printer: %s: %w", path, err)
		}
		return p, nil
	}
}

// USBSerialDialer opens the first USB serial port with the given VID:PID
// (hex, any case), looked up afresh on every dial.
func USBSerialDialer(vid, pid string, baud int) Dialer {
	vid, pid = strings.ToUpper(vid), strings.ToUpper(pid)
	return func(ctx context.Context) (io.ReadWriteCloser, error) {
		ports, err := enumerator.GetDetailedPortsList()
		if err != nil {
			return nil, fmt.Errorf("printer: list serial ports: %w", err)
		}
		for _, p := range ports {
			if p.IsUSB && strings.ToUpper(p.VID) == vid && strings.ToUpper(p.PID) == pid {
				return SerialDialer(p.Name, baud)(ctx)
			}
		}
		return nil, fmt.Errorf("printer: no USB serial port %s:%s: %w", vid, pid, os.ErrNotExist)
	}
}

// TCPDialer connects to a network printer (raw port 9100).
func TCPDialer(addr string) Dialer {
	return func(ctx context.Context) (io.ReadWriteCloser, error) {
		ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		var nd net.Dialer
		c, err := nd.DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, fmt.Errorf("printer: %w", err)
		}
		if tc, ok := c.(*net.TCPConn); ok {
			tc.SetKeepAlive(true)
			tc.SetKeepAlivePeriod(15 * time.Second)
		}
		return c, nil
	}
}

// FileDialer opens a device file such as /dev/usb/lp0 (the usblp driver is
// bidirectional when the printer is). If it cannot be opened for reading
// and writing it is opened write-only; use status=none then.
func FileDialer(path string) Dialer {
	return func(ctx context.Context) (io.ReadWriteCloser, error) {
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		if err != nil {
			if f2, err2 := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0); err2 == nil {
				return &filePort{f: f2, wronly: true}, nil
			}
			return nil, fmt.Errorf("printer: %w", err)
		}
		return &filePort{f: f}, nil
	}
}

// filePort makes a device file look like a serial port: a read with no data
// waits a little and returns (0, nil) instead of io.EOF.
type filePort struct {
	f      *os.File
	wronly bool
}

func (p *filePort) Read(b []byte) (int, error) {
	if !p.wronly {
		n, err := p.f.Read(b)
		if n > 0 || (err != nil && !errors.Is(err, io.EOF)) {
			return n, err
		}
	}
	time.Sleep(100 * time.Millisecond)
	if _, err := p.f.Stat(); err != nil {
		return 0, err
	}
	return 0, nil
}

func (p *filePort) Write(b []byte) (int, error) { return p.f.Write(b) }
func (p *filePort) Close() error                { return p.f.Close() }

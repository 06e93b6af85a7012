package bridge

import (
	"context"
	"fmt"

	"go.bug.st/serial"

	"github.com/yimen-hall/yimen/firmware-bridge/proto"
)

// SerialOpener returns an Opener for the serial port c (8N1, modem lines
// left alone so that ptys work).
func SerialOpener(c proto.SerialConfig) Opener {
	return func(ctx context.Context) (Transport, error) {
		p, err := serial.Open(c.Path, &serial.Mode{BaudRate: c.Baud})
		if err != nil {
			return nil, fmt.Errorf("bridge: open %s: %w", c.Path, err)
		}
		return p, nil
	}
}

// AddSerial parses a --bridge URI and adds its bus.
func (b *Bridge) AddSerial(uri string) error {
	c, err := proto.ParseSerialURI(uri)
	if err != nil {
		return err
	}
	b.AddBus("serial:"+c.Path, c.Baud, SerialOpener(c))
	return nil
}

package proto

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// SerialConfig is a parsed serial bus URI.
type SerialConfig struct {
	Path string // e.g. /dev/ttyUSB1 or /dev/serial/by-id/usb-…
	Baud int    // default 9600
}

// ParseSerialURI parses "serial:/dev/ttyUSB1?baud=9600" (the --bridge flag).
// A bare path is accepted too.
func ParseSerialURI(s string) (SerialConfig, error) {
	rest, ok := strings.CutPrefix(s, "serial:")
	if !ok && !strings.HasPrefix(s, "/") {
		return SerialConfig{}, fmt.Errorf("bridge: %q: want serial:/dev/…[?baud=N]", s)
	}
	path, query, _ := strings.Cut(rest, "?")
	if path == "" {
		return SerialConfig{}, fmt.Errorf("bridge: %q: no device path", s)
	}
	c := SerialConfig{Path: path, Baud: 9600}
	q, err := url.ParseQuery(query)
	if err != nil {
		return SerialConfig{}, fmt.Errorf("bridge: %q: %w", s, err)
	}
	for k := range q {
		if k != "baud" {
			return SerialConfig{}, fmt.Errorf("bridge: %q: unknown option %q", s, k)
		}
	}
	if v := q.Get("baud"); v != "" {
		c.Baud, err = strconv.Atoi(v)
		if err != nil || c.Baud < 300 || c.Baud > 4_000_000 {
			return SerialConfig{}, fmt.Errorf("bridge: %q: bad baud %q", s, v)
		}
	}
	return c, nil
}

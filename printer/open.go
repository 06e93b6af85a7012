package printer

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// target is a parsed printer URI.
type target struct {
	scheme string // sim, none, serial, tcp, file
	addr   string // path, usb=VID:PID, host:port
	cfg    Config
	sim    simOptions
}

// parseURI parses a printer URI; see Open.
func parseURI(uri string) (target, error) {
	uri = strings.TrimSpace(uri)
	if uri == "" {
		uri = "sim"
	}
	var t target
	rest := uri
	if i := strings.IndexByte(uri, ':'); i >= 0 {
		t.scheme, rest = uri[:i], uri[i+1:]
	} else {
		t.scheme, rest = uri, ""
		if i := strings.IndexByte(uri, '?'); i >= 0 {
			t.scheme, rest = uri[:i], uri[i:]
		}
	}
	var query string
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, query = rest[:i], rest[i+1:]
	}
	t.addr = rest
	q, err := url.ParseQuery(query)
	if err != nil {
		return t, fmt.Errorf("printer: %q: %w", uri, err)
	}
	t.cfg = Config{Layout: Layout{Dots: Dots80, QR: QRNative}, Name: t.scheme + ":" + t.addr, Status: true, Baud: 9600}
	for k, vs := range q {
		v := vs[len(vs)-1]
		switch k {
		case "width":
			switch v {
			case "58", "384":
				t.cfg.Dots = Dots58
			case "80", "576":
				t.cfg.Dots = Dots80
			default:
				return t, fmt.Errorf("printer: %q: width=%s (want 58 or 80)", uri, v)
			}
		case "qr":
			if v != string(QRNative) && v != string(QRRaster) {
				return t, fmt.Errorf("printer: %q: qr=%s (want native or raster)", uri, v)
			}
			t.cfg.QR = QRMode(v)
		case "status":
			switch v {
			case "on":
				t.cfg.Status = true
			case "none", "off":
				t.cfg.Status = false
			default:
				return t, fmt.Errorf("printer: %q: status=%s (want on or none)", uri, v)
			}
		case "baud":
			b, err := strconv.Atoi(v)
			if err != nil || b < 300 || b > 4000000 {
				return t, fmt.Errorf("printer: %q: baud=%s", uri, v)
			}
			t.cfg.Baud = b
		case "poll", "timeout":
			dur, err := time.ParseDuration(v)
			if err != nil || dur <= 0 {
				return t, fmt.Errorf("printer: %q: %s=%s", uri, k, v)
			}
			if k == "poll" {
				t.cfg.Poll = dur
			} else {
				t.cfg.Timeout = dur
			}
		case "state":
			if t.scheme != "sim" {
				return t, fmt.Errorf("printer: %q: state= is for sim only", uri)
			}
			t.sim.state = State(v)
		default:
			return t, fmt.Errorf("printer: %q: unknown option %q", uri, k)
		}
	}
	switch t.scheme {
	case "sim", "none":
		if t.addr != "" {
			return t, fmt.Errorf("printer: %q: %s takes no address", uri, t.scheme)
		}
		t.cfg.Name = t.scheme
		t.cfg.Baud = 0
	case "serial":
		if t.addr == "" {
			return t, fmt.Errorf("printer: %q: serial needs a path or usb=VID:PID", uri)
		}
		if v, ok := strings.CutPrefix(t.addr, "usb="); ok {
			vid, pid, ok := strings.Cut(v, ":")
			if !ok || !isHex4(vid) || !isHex4(pid) {
				return t, fmt.Errorf("printer: %q: want usb=VID:PID, e.g. usb=1A86:7523", uri)
			}
		}
	case "tcp":
		if !strings.Contains(t.addr, ":") {
			t.addr += ":9100"
		}
		t.cfg.Name = "tcp:" + t.addr
		t.cfg.Baud = 0
	case "file":
		if t.addr == "" {
			return t, fmt.Errorf("printer: %q: file needs a path", uri)
		}
		t.cfg.Baud = 0
	default:
		return t, fmt.Errorf("printer: %q: unknown kind %q (sim, none, serial, tcp, file)", uri, t.scheme)
	}
	return t, nil
}

func isHex4(s string) bool {
	if len(s) != 4 {
		return false
	}
	_, err := strconv.ParseUint(s, 16, 16)
	return err == nil
}

// Open opens the printer a URI names:
//
//	sim                           simulated printer; keeps previews (see Sim)
//	none                          no printer: Print returns ErrNoPrinter
//	serial:/dev/ttyUSB0?baud=9600 serial port by path or /dev/serial/by-id link
//	serial:usb=1A86:7523          first USB serial port with that VID:PID
//	tcp:HOST:9100                 network printer, raw port
//	file:/dev/usb/lp0             device file (USB printer class)
//
// Query options: width=58|80 (384/576 dots, default 80), qr=native|raster
// (default native), status=on|none (none for write-only wiring), baud
// (default 9600), poll (idle status interval, default 5s), timeout (status
// reply wait, default 500ms); sim also takes state=ok|near_end|paper_end|
// cover_open|offline|cutter_error|no_answer to rehearse alarms.
//
// Open does not fail when the device is absent: the printer reports
// offline and reconnects when it appears.
func Open(uri string, o Options) (Printer, error) {
	t, err := parseURI(uri)
	if err != nil {
		return nil, err
	}
	switch t.scheme {
	case "sim":
		return newSim(t.cfg, t.sim, o)
	case "none":
		return newNone(o), nil
	case "serial":
		if v, ok := strings.CutPrefix(t.addr, "usb="); ok {
			vid, pid, _ := strings.Cut(v, ":")
			return New(USBSerialDialer(vid, pid, t.cfg.Baud), t.cfg, o), nil
		}
		return New(SerialDialer(t.addr, t.cfg.Baud), t.cfg, o), nil
	case "tcp":
		return New(TCPDialer(t.addr), t.cfg, o), nil
	case "file":
		return New(FileDialer(t.addr), t.cfg, o), nil
	}
	return nil, errors.New("printer: unreachable")
}

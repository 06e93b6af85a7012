package sim

import (
	"context"
	"fmt"
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"io"
	"slices"
	"sync"
)

// Device plays one device in Go, mirroring firmware/YimenProto/src/proto.c: it queues
// a HELLO at boot, answers POLL/POLL_ANY with its oldest queued event (or a
// HEARTBEAT), drops an event when acknowledged, and ACKs SHOW frames with
// duplicate suppression. Safe for concurrent use.
type Device struct {
	mu       sync.Mutex
	addr     uint8
	hello    proto.Hello
	push     bool
	seq      uint8
	queue    []proto.Frame
	hostSeq  int
	hostCRC  uint16        // CRC of the last SHOW acted on: a retry is byte-identical
	secret   []byte        // pairing secret from PAIR (Wi-Fi devices)
	naks     []Nak         // events the host refused
	shown    []proto.Frame // every new SHOW, in order
	onShow   func(proto.Frame)
	onSend   func(proto.Frame) // test hook: an event frame is being answered
	disabled bool
}

// Nak is an event of the device that the host refused.
type Nak struct {
	Type proto.MsgType
	Seq  uint8
	Code uint8
}

// NewDevice returns a device of kind with hardware id hwid (8 bytes as
// 16 hex digits are derived from it) at bus address addr
// (AddrUnprovisioned for a new device). width/height describe its display.
func NewDevice(kind proto.Kind, hwid uint64, addr uint8, caps uint8, width, height int) *Device {
	d := &Device{addr: addr, hostSeq: -1}
	d.hello = proto.Hello{Kind: kind, Firmware: [3]uint8{1, 0, 0}, Caps: caps, Width: uint16(width), Height: uint8(height), MaxPayload: proto.DefaultMaxPayload}
	for i := range 8 {
		d.hello.HWID[i] = byte(hwid >> (56 - 8*i))
	}
	d.boot()
	return d
}

// HWID returns the device's hardware id in hex.
func (d *Device) HWID() string { return d.hello.ID() }

// Addr returns the current bus address.
func (d *Device) Addr() uint8 { d.mu.Lock(); defer d.mu.Unlock(); return d.addr }

// SetMaxPayload sets the frame limit the device announces in its HELLO
// (before it boots or connects).
func (d *Device) SetMaxPayload(n uint16) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.hello.MaxPayload = n
	d.boot()
}

// Secret returns the pairing secret the device keeps (nil before PAIR).
func (d *Device) Secret() []byte { d.mu.Lock(); defer d.mu.Unlock(); return slices.Clone(d.secret) }

// SetSecret gives the device a secret, as if paired earlier (or, in a
// test, as an impostor's guess).
func (d *Device) SetSecret(s []byte) { d.mu.Lock(); d.secret = slices.Clone(s); d.mu.Unlock() }

// Naks returns the device's events that the host refused, in order.
func (d *Device) Naks() []Nak { d.mu.Lock(); defer d.mu.Unlock(); return slices.Clone(d.naks) }

// Reboot drops the queue and queues a HELLO, as a power cycle (or a new
// websocket connection) does; the address and the secret stay.
func (d *Device) Reboot() { d.mu.Lock(); d.boot(); d.mu.Unlock() }

// boot forgets everything but the address and the secret and queues a HELLO.
func (d *Device) boot() {
	d.queue = nil
	d.hostSeq = -1
	d.enqueue(proto.MsgHello, d.hello.Marshal())
}

func (d *Device) enqueue(t proto.MsgType, p []byte) {
	d.queue = append(d.queue, proto.Frame{Dst: proto.AddrHost, Type: t, Seq: d.seq, Payload: p})
	d.seq++
}

// Press queues a call pad key.
func (d *Device) Press(code proto.KeyCode, arg uint8) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.enqueue(proto.MsgKey, proto.Key{Code: code, Arg: arg}.Marshal())
}

// Rate queues a rating (score 1–5, reason 0 or 1-based).
func (d *Device) Rate(score, reason uint8) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.enqueue(proto.MsgRating, proto.Rating{Score: score, Reason: reason}.Marshal())
}

// SignIn queues a pad sign-in.
func (d *Device) SignIn(staff, pin string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.enqueue(proto.MsgSignIn, proto.SignIn{Staff: staff, PIN: pin}.Marshal())
}

// SetDisabled makes the device stop answering (power cut, broken cable).
func (d *Device) SetDisabled(off bool) { d.mu.Lock(); d.disabled = off; d.mu.Unlock() }

// Pending reports how many events are not yet acknowledged.
func (d *Device) Pending() int { d.mu.Lock(); defer d.mu.Unlock(); return len(d.queue) }

// Shown returns every distinct SHOW frame received so far.
func (d *Device) Shown() []proto.Frame {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.shown)
}

// OnSend sets a callback for each event frame the device answers with (a
// benchmark's clock starts there); called without the device's lock.
func (d *Device) OnSend(fn func(proto.Frame)) { d.mu.Lock(); d.onSend = fn; d.mu.Unlock() }

// RememberShow makes the device remember seq as that of the last SHOW it
// acted on, keeping the CRC it has: the worst case after a daemon
// restart, when the host's first seq meets the one the device remembers.
func (d *Device) RememberShow(seq uint8) { d.mu.Lock(); d.hostSeq = int(seq); d.mu.Unlock() }

// OnShow sets a callback for each new SHOW frame (called without locks held
// by the device, on the link's goroutine).
func (d *Device) OnShow(fn func(proto.Frame)) { d.mu.Lock(); d.onShow = fn; d.mu.Unlock() }

// ack drops the oldest event if seq is its; code ≠ 0 records a refusal.
func (d *Device) ack(seq, code uint8) {
	if len(d.queue) > 0 && d.queue[0].Seq == seq {
		if code != 0 {
			d.naks = append(d.naks, Nak{Type: d.queue[0].Type, Seq: seq, Code: code})
		}
		d.queue = d.queue[1:]
	}
}

func (d *Device) head() proto.Frame {
	if len(d.queue) == 0 {
		return proto.Frame{Dst: proto.AddrHost, Src: d.addr, Type: proto.MsgHeartbeat, Seq: d.seq}
	}
	f := d.queue[0]
	f.Src = d.addr
	return f
}

// Handle processes one host frame and returns the reply, if any.
func (d *Device) Handle(f proto.Frame) (proto.Frame, bool) {
	d.mu.Lock()
	reply, ok, show := d.handle(f)
	cb, sent := d.onShow, d.onSend
	d.mu.Unlock()
	if ok && sent != nil && reply.Type != proto.MsgHeartbeat && reply.Type != proto.MsgAck && reply.Type != proto.MsgNak {
		sent(reply)
	}
	if show && cb != nil {
		cb(f)
	}
	return reply, ok
}

func (d *Device) handle(f proto.Frame) (reply proto.Frame, ok, show bool) {
	if d.disabled {
		return proto.Frame{}, false, false
	}
	bcast := f.Dst == proto.AddrBroadcast
	if f.Dst != d.addr && !bcast && !d.push {
		return proto.Frame{}, false, false
	}
	r := func(t proto.MsgType, seq uint8, p []byte) (proto.Frame, bool, bool) {
		return proto.Frame{Dst: proto.AddrHost, Src: d.addr, Seq: seq, Type: t, Payload: p}, true, show
	}
	switch f.Type {
	case proto.MsgPoll:
		if bcast {
			return proto.Frame{}, false, false
		}
		switch len(f.Payload) {
		case 0:
		case 1:
			d.ack(f.Payload[0], 0)
		default: // the verdict on the event rides on the POLL
			d.ack(f.Payload[0], f.Payload[1])
		}
		return d.head(), true, false
	case proto.MsgPollAny:
		if len(f.Payload) < 2 || len(d.queue) == 0 || d.addr < f.Payload[0] || d.addr > f.Payload[1] {
			return proto.Frame{}, false, false
		}
		return d.head(), true, false
	case proto.MsgAck:
		d.ack(f.Seq, 0)
		return proto.Frame{}, false, false
	case proto.MsgNak:
		code := uint8(proto.NakRefused)
		if len(f.Payload) > 0 {
			code = f.Payload[0]
		}
		d.ack(f.Seq, code)
		return proto.Frame{}, false, false
	case proto.MsgChallenge:
		if d.secret == nil || len(d.queue) == 0 || d.queue[0].Type != proto.MsgHello {
			return proto.Frame{}, false, false // nothing to prove: the host will refuse the HELLO
		}
		return r(proto.MsgAuth, f.Seq, proto.AuthMAC(d.secret, f.Payload, d.queue[0].Payload))
	case proto.MsgPair:
		p, err := proto.ParsePair(f.Payload)
		if err != nil || p.HWID != d.hello.HWID {
			return proto.Frame{}, false, false
		}
		d.secret = slices.Clone(p.Secret[:]) // the firmware stores it in EEPROM/NVS
		return r(proto.MsgAck, f.Seq, nil)
	case proto.MsgSetAddr:
		s, err := proto.ParseSetAddr(f.Payload)
		if err != nil || s.HWID != d.hello.HWID {
			return proto.Frame{}, false, false
		}
		d.addr = s.Addr
		return r(proto.MsgAck, f.Seq, nil)
	case proto.MsgShowNumber, proto.MsgShowText, proto.MsgShowBitmap:
		// a retry repeats the seq and the bytes; a new SHOW that happens to
		// reuse the seq differs in its CRC and is drawn
		if crc := frameCRC(f); d.hostSeq != int(f.Seq) || d.hostCRC != crc {
			d.hostSeq, d.hostCRC = int(f.Seq), crc
			f.Payload = slices.Clone(f.Payload)
			d.shown = append(d.shown, f)
			show = true
		}
		if bcast {
			return proto.Frame{}, false, show
		}
		return r(proto.MsgAck, f.Seq, nil)
	}
	if bcast {
		return proto.Frame{}, false, false
	}
	return r(proto.MsgNak, f.Seq, []byte{proto.NakUnsupported})
}

// Bus plays several devices sharing one half-duplex bus: it reads host
// frames from rw and writes the answers. When more than one device answers
// a group poll, it writes a corrupted mix, as colliding RS-485 drivers do.
type Bus struct {
	mu      sync.Mutex
	devices []*Device
	// Dropped counts corrupt frames received from the host.
	Dropped uint64
}

// NewBus returns a bus with the given devices.
func NewBus(devs ...*Device) *Bus { return &Bus{devices: devs} }

// Add attaches another device.
func (s *Bus) Add(d *Device) { s.mu.Lock(); s.devices = append(s.devices, d); s.mu.Unlock() }

// Serve answers host frames on rw until a read fails; it returns that error
// (io.EOF or the transport's).
func (s *Bus) Serve(ctx context.Context, rw io.ReadWriter) error {
	var fr proto.FrameReader
	buf := make([]byte, 1024)
	for ctx.Err() == nil {
		n, err := rw.Read(buf)
		var out []byte
		fr.Feed(buf[:n], func(f proto.Frame) {
			s.mu.Lock()
			devs := slices.Clone(s.devices)
			s.mu.Unlock()
			var replies [][]byte
			for _, d := range devs {
				if r, ok := d.Handle(f); ok {
					w, _ := r.Encode()
					replies = append(replies, w)
				}
			}
			switch len(replies) {
			case 0:
			case 1:
				out = append(out, replies[0]...)
			default: // collision: the bytes garble each other
				m := slices.Clone(replies[0][:len(replies[0])-1])
				for _, r := range replies[1:] {
					for i := range min(len(m), len(r)-1) {
						m[i] |= r[i]
					}
				}
				out = append(append(out, m...), 0)
			}
		})
		s.mu.Lock()
		s.Dropped = fr.Dropped
		s.mu.Unlock()
		if len(out) > 0 {
			if _, werr := rw.Write(out); werr != nil {
				return fmt.Errorf("bridge: sim write: %w", werr)
			}
		}
		if err != nil {
			return err
		}
	}
	return ctx.Err()
}

// frameCRC is the CRC field f has on the wire.
func frameCRC(f proto.Frame) uint16 {
	raw, err := f.Marshal()
	if err != nil {
		return 0
	}
	return uint16(raw[len(raw)-2])<<8 | uint16(raw[len(raw)-1])
}

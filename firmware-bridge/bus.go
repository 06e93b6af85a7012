package bridge

import (
	"context"
	"fmt"
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"io"
	"slices"
	"sync/atomic"
	"time"
)

// Transport is a byte link to a bus: a serial port, or a fake in tests.
// Close must unblock a pending Read.
type Transport interface {
	io.ReadWriteCloser
}

// Opener opens a bus transport. It is called again after the transport
// fails (unplugged USB-serial adapter), with backoff.
type Opener func(ctx context.Context) (Transport, error)

// BusStats counts a bus's traffic since the bridge started.
type BusStats struct {
	Name      string
	Up        bool
	Frames    uint64 // good frames received
	Dropped   uint64 // noise, truncated or corrupt frames discarded
	Timeouts  uint64 // requests that got no answer
	Reopens   uint64 // times the transport was (re)opened
	LastCycle time.Duration
}

type busLoop struct {
	name  string
	open  Opener
	baud  int // for wire-time estimates; 0 = no wire time
	stats struct {
		up                                 atomic.Bool
		frames, dropped, timeouts, reopens atomic.Uint64
		lastCycle                          atomic.Int64
	}
	nextLive int
}

// AddBus registers a polled bus. Call before Serve. baud is used to
// estimate wire time (0 for links without one).
func (b *Bridge) AddBus(name string, baud int, open Opener) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buses = append(b.buses, &busLoop{name: name, open: open, baud: baud})
}

// Stats returns per-bus counters.
func (b *Bridge) Stats() []BusStats {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []BusStats
	for _, l := range b.buses {
		out = append(out, BusStats{Name: l.name, Up: l.stats.up.Load(), Frames: l.stats.frames.Load(),
			Dropped: l.stats.dropped.Load(), Timeouts: l.stats.timeouts.Load(), Reopens: l.stats.reopens.Load(),
			LastCycle: time.Duration(l.stats.lastCycle.Load())})
	}
	return out
}

// supervise runs one bus, reopening its transport with exponential backoff
// until ctx ends. A run that lasted long resets the backoff.
func (b *Bridge) supervise(ctx context.Context, l *busLoop) {
	delay := b.o.ReopenMin
	wasUp := false
	for ctx.Err() == nil {
		start := b.o.Now()
		err := b.serveBus(ctx, l)
		if ctx.Err() != nil {
			return
		}
		if l.stats.up.Swap(false) || !wasUp {
			wasUp = true
			b.alarm(Alarm{Code: AlarmBusDown, Message: "串口断开：" + l.name, Bus: l.name, Err: err})
		}
		if b.o.Now().Sub(start) > 10*time.Second {
			delay = b.o.ReopenMin
		}
		b.log.Warn("总线重连", "bus", l.name, "err", err, "delay", delay)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(delay*2, b.o.ReopenMax)
	}
}

// serveBus opens the transport and polls until it fails.
func (b *Bridge) serveBus(ctx context.Context, l *busLoop) error {
	t, err := l.open(ctx)
	if err != nil {
		return fmt.Errorf("bridge: open %s: %w", l.name, err)
	}
	l.stats.reopens.Add(1)
	l.stats.up.Store(true)
	b.alarm(Alarm{Code: AlarmBusUp, Message: "串口已连接：" + l.name, Bus: l.name})
	m := newMaster(ctx, t, l, b.o.ResponseTimeout)
	defer m.close()
	for {
		start := time.Now()
		if err := b.cycle(ctx, m, l); err != nil {
			return err
		}
		l.stats.lastCycle.Store(int64(time.Since(start)))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-m.dead:
			return m.err
		case <-b.wake():
		case <-time.After(max(0, b.o.CycleInterval-time.Since(start))):
		}
	}
}

// busDevices lists hwid by address for this bus.
func (b *Bridge) busDevices(bus string) map[uint8]string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := map[uint8]string{}
	for id, d := range b.devs {
		if d.info.Bus == bus && d.info.Addr != 0 {
			out[d.info.Addr] = id
		}
	}
	return out
}

// cycle is one polling cycle: pending displays, the group poll, then a
// few devices individually for liveness (all of them after a collision).
func (b *Bridge) cycle(ctx context.Context, m *master, l *busLoop) error {
	devs := b.busDevices(l.name)
	if err := b.flushShows(ctx, m, devs); err != nil {
		return err
	}
	polled := map[uint8]bool{}
	// Group poll: ask the whole range; on a collision split it in halves.
	ranges := []proto.PollAny{{Lo: proto.AddrFirst, Hi: proto.AddrUnprovisioned}}
	for budget := 16; len(ranges) > 0 && budget > 0; budget-- {
		r := ranges[len(ranges)-1]
		f, ok, garbage, err := m.exchange(proto.Frame{Dst: proto.AddrBroadcast, Type: proto.MsgPollAny, Payload: r.Marshal()}, proto.AddrBroadcast)
		if err != nil {
			return err
		}
		switch {
		case ok: // one answered; ask the same range again for more
			if err := b.fromDevice(ctx, m, l, f, polled); err != nil {
				return err
			}
			if err := b.flushShows(ctx, m, b.busDevices(l.name)); err != nil {
				return err
			}
		case garbage && r.Lo < r.Hi:
			mid := r.Lo + (r.Hi-r.Lo)/2
			ranges = append(ranges[:len(ranges)-1], proto.PollAny{Lo: mid + 1, Hi: r.Hi}, proto.PollAny{Lo: r.Lo, Hi: mid})
		default:
			ranges = ranges[:len(ranges)-1]
		}
	}
	devs = b.busDevices(l.name)
	addrs := make([]uint8, 0, len(devs))
	for a := range devs {
		addrs = append(addrs, a)
	}
	slices.Sort(addrs)
	n := min(b.o.LivenessPerCycle, len(addrs))
	for i := 0; i < n && i < len(addrs); i++ {
		a := addrs[(l.nextLive+i)%len(addrs)]
		if polled[a] {
			continue
		}
		if err := b.pollDevice(ctx, m, l, a, devs[a], -1, 0, polled); err != nil {
			return err
		}
	}
	if len(addrs) > 0 {
		l.nextLive = (l.nextLive + n) % len(addrs)
	}
	return b.flushShows(ctx, m, b.busDevices(l.name))
}

// fromDevice handles an unsolicited answer to the group poll.
func (b *Bridge) fromDevice(ctx context.Context, m *master, l *busLoop, f proto.Frame, polled map[uint8]bool) error {
	addr := f.Src
	if f.Type == proto.MsgHello {
		h, err := proto.ParseHello(f.Payload)
		if err != nil {
			return nil
		}
		if addr == proto.AddrUnprovisioned || addr == proto.AddrBroadcast || addr == proto.AddrHost {
			if !b.wouldAdmit(h, l.name) {
				// not paired and learn mode closed: acknowledge the HELLO so
				// that it stops answering group polls, and remember nothing
				b.onHello(h, l.name, addr, false, nil)
				return b.pollDevice(ctx, m, l, proto.AddrUnprovisioned, "", int(f.Seq), proto.NakUnpaired, polled)
			}
			na := b.freeAddr(l.name)
			if na == 0 {
				b.log.Error("总线地址已满", "bus", l.name)
				return nil
			}
			if ok, err := b.setAddr(m, addr, h.HWID, na); err != nil || !ok {
				return err
			}
			b.log.Info("分配总线地址", "hwid", h.ID(), "addr", na)
			addr = na
		}
		id, adm := b.onHello(h, l.name, addr, false, nil)
		if adm == admitRefused {
			return b.pollDevice(ctx, m, l, addr, "", int(f.Seq), proto.NakUnpaired, polled)
		}
		return b.pollDevice(ctx, m, l, addr, id, int(f.Seq), 0, polled)
	}
	id := b.busDevices(l.name)[addr]
	if id == "" {
		// a device that is not paired (or lost its address): refuse its
		// event so that it stops answering, and tell it why (NAK 5)
		b.log.Debug("未配对地址的设备事件，已拒绝", "bus", l.name, "addr", addr, "type", f.Type.String())
		return b.pollDevice(ctx, m, l, addr, "", int(f.Seq), proto.NakUnpaired, polled)
	}
	b.seen(id)
	ack, nak := -1, uint8(0)
	if f.Type == proto.MsgKey || f.Type == proto.MsgRating || f.Type == proto.MsgSignIn {
		nak = b.onEvent(ctx, id, l.name, f)
		ack = int(f.Seq)
	}
	return b.pollDevice(ctx, m, l, addr, id, ack, nak, polled)
}

// setAddr gives the device with hwid (answering from `from`) the address
// na, resending the same frame (same seq) up to Retries times until it
// acknowledges from na.
func (b *Bridge) setAddr(m *master, from uint8, hwid [8]byte, na uint8) (bool, error) {
	req := proto.Frame{Dst: from, Type: proto.MsgSetAddr, Seq: m.nextSeq(), Payload: proto.SetAddr{HWID: hwid, Addr: na}.Marshal()}
	for try := 0; try <= b.o.Retries; try++ {
		f, ok, _, err := m.exchangeSeq(req, na)
		if err != nil {
			return false, err
		}
		if ok && f.Type == proto.MsgAck && f.Seq == req.Seq {
			return true, nil
		}
	}
	return false, nil
}

// wouldAdmit reports whether a HELLO would be admitted (approved, or a
// proposal during learn mode), without recording anything.
func (b *Bridge) wouldAdmit(h proto.Hello, bus string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.helloAdmissionLocked(h, bus, false) != admitRefused
}

// pollDevice polls one address, acknowledging ack (if ≥ 0) with the
// verdict nak (0: accepted; else the NAK code, PROTOCOL.md §3), and keeps
// polling while it has events queued (budget 4 exchanges).
func (b *Bridge) pollDevice(ctx context.Context, m *master, l *busLoop, addr uint8, id string, ack int, nak uint8, polled map[uint8]bool) error {
	polled[addr] = true
	for range 4 {
		req := proto.Frame{Dst: addr, Type: proto.MsgPoll}
		if ack >= 0 {
			req.Payload = proto.PollAck{Seq: uint8(ack), Nak: nak}.Marshal()
		}
		f, ok, _, err := m.exchange(req, addr)
		if err != nil {
			return err
		}
		if !ok {
			if id != "" {
				b.missedOne(id)
			}
			return nil
		}
		switch f.Type {
		case proto.MsgHello:
			ack, nak = int(f.Seq), 0
			h, err := proto.ParseHello(f.Payload)
			if err != nil {
				nak = proto.NakBadPayload
				break
			}
			var adm admission
			if id, adm = b.onHello(h, l.name, addr, false, nil); adm == admitRefused {
				id, nak = "", proto.NakUnpaired
			}
		case proto.MsgKey, proto.MsgRating, proto.MsgSignIn:
			ack, nak = int(f.Seq), proto.NakUnpaired
			if id == "" {
				break
			}
			b.seen(id)
			nak = b.onEvent(ctx, id, l.name, f)
			if err := b.flushShows(ctx, m, b.busDevices(l.name)); err != nil {
				return err
			}
		default: // heartbeat
			if id != "" {
				b.seen(id)
			}
			return nil
		}
	}
	return nil
}

// freeAddr returns an unused address on the bus, or 0.
//
// It hands out the highest free address: installers set DIP switches from
// 1 upwards, and the host cannot know a DIP address it has not heard yet,
// so starting at the top keeps a new device off a silent DIP-set one.
func (b *Bridge) freeAddr(bus string) uint8 {
	used := b.busDevices(bus)
	for a := proto.AddrLast; a >= proto.AddrFirst; a-- {
		if _, ok := used[uint8(a)]; !ok {
			return uint8(a)
		}
	}
	return 0
}

// flushShows sends every pending display on this bus, stop-and-wait with
// retries on the same seq.
func (b *Bridge) flushShows(ctx context.Context, m *master, devs map[uint8]string) error {
	for addr, id := range devs {
		b.mu.Lock()
		online := b.devs[id] != nil && b.devs[id].info.Online
		b.mu.Unlock()
		if !online {
			continue
		}
		req, ver, ok := b.pendingShow(id)
		if !ok {
			continue
		}
		req.Dst = addr
		acked := false
		for try := 0; try <= b.o.Retries && !acked; try++ {
			f, ok, _, err := m.exchangeSeq(req, addr)
			if err != nil {
				return err
			}
			if ok && (f.Type == proto.MsgAck || f.Type == proto.MsgNak) && f.Seq == req.Seq {
				acked = true
			}
		}
		if acked {
			b.markShown(id, ver)
			b.seen(id)
		} else {
			for range b.o.MissedPolls {
				b.missedOne(id)
			}
		}
	}
	return ctx.Err()
}

// master is the host end of one opened bus: a reader goroutine splits
// frames; exchange writes a request and waits for the answer.
type master struct {
	t       Transport
	l       *busLoop
	timeout time.Duration
	frames  chan proto.Frame
	garbage chan struct{}
	active  chan struct{}
	dead    chan struct{}
	err     error
	seq     uint8
}

func newMaster(ctx context.Context, t Transport, l *busLoop, timeout time.Duration) *master {
	m := &master{t: t, l: l, timeout: timeout, frames: make(chan proto.Frame, 16), garbage: make(chan struct{}, 1), active: make(chan struct{}, 1), dead: make(chan struct{})}
	go m.read()
	return m
}

func (m *master) close() {
	m.t.Close()
	<-m.dead
}

func (m *master) read() {
	defer close(m.dead)
	var fr proto.FrameReader
	buf := make([]byte, 512)
	for {
		n, err := m.t.Read(buf)
		if n > 0 {
			select {
			case m.active <- struct{}{}:
			default:
			}
			before := fr.Dropped
			fr.Feed(buf[:n], func(f proto.Frame) {
				f.Payload = slices.Clone(f.Payload)
				m.l.stats.frames.Add(1)
				select {
				case m.frames <- f:
				default: // nobody is waiting for that much; drop
				}
			})
			if d := fr.Dropped - before; d > 0 {
				m.l.stats.dropped.Add(d)
				select {
				case m.garbage <- struct{}{}:
				default:
				}
			}
		}
		if err != nil {
			m.err = fmt.Errorf("bridge: read %s: %w", m.l.name, err)
			return
		}
	}
}

func (m *master) nextSeq() uint8 { m.seq++; return m.seq }

// exchange sends req with a fresh seq and waits for a frame from `from`
// (any device when from is AddrBroadcast). ok is false on timeout;
// garbage reports that corrupt bytes arrived meanwhile (a collision).
func (m *master) exchange(req proto.Frame, from uint8) (proto.Frame, bool, bool, error) {
	req.Seq = m.nextSeq()
	return m.exchangeSeq(req, from)
}

func (m *master) exchangeSeq(req proto.Frame, from uint8) (f proto.Frame, ok, garbage bool, err error) {
	wire, err := req.Encode()
	if err != nil {
		return proto.Frame{}, false, false, err
	}
	// forget anything stale
	for drained := false; !drained; {
		select {
		case <-m.frames:
		case <-m.garbage:
		case <-m.active:
		default:
			drained = true
		}
	}
	if _, err := m.t.Write(wire); err != nil {
		return proto.Frame{}, false, false, fmt.Errorf("bridge: write %s: %w", m.l.name, err)
	}
	wait := m.timeout + m.wireTime(len(wire))
	timer := time.NewTimer(wait)
	defer timer.Stop()
	extended := false
	for {
		select {
		case f := <-m.frames:
			if f.Dst != proto.AddrHost || (from != proto.AddrBroadcast && f.Src != from) {
				continue
			}
			return f, true, garbage, nil
		case <-m.garbage:
			garbage = true
		case <-m.active:
			if !extended { // a reply is arriving: allow a long frame's time
				extended = true
				timer.Reset(m.timeout + m.wireTime(maxReplyWire))
			}
		case <-timer.C:
			m.l.stats.timeouts.Add(1)
			return proto.Frame{}, false, garbage, nil
		case <-m.dead:
			return proto.Frame{}, false, false, m.err
		}
	}
}

// maxReplyWire is the longest device answer on a bus (a HELLO is 27 bytes).
const maxReplyWire = 64

// wireTime is the time n bytes take at the bus's baud rate (10 bits a byte).
func (m *master) wireTime(n int) time.Duration {
	if m.l.baud <= 0 {
		return 0
	}
	return time.Duration(n) * 10 * time.Second / time.Duration(m.l.baud)
}

package bridge

import (
	"context"
	"crypto/hmac"
	"crypto/subtle"
	"errors"
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// helloWait is how long a new websocket connection has to say HELLO.
const helloWait = 10 * time.Second

// ServeWS is the websocket endpoint for Wi-Fi devices (ESP32 boards,
// tablets used as rating pads). Each binary message carries one frame
// exactly as on a serial line but without COBS and delimiter (ver … crc),
// and no message may exceed MaxFrame bytes. The device sends HELLO first;
// a paired device then proves its secret (CHALLENGE/AUTH) before it may
// act; an unpaired one is at most a proposal during learn mode
// (PROTOCOL.md §5–6). yimen serves it at /ws/device.
func (b *Bridge) ServeWS(w http.ResponseWriter, r *http.Request) {
	if b.o.WSToken != "" && subtle.ConstantTimeCompare([]byte(r.URL.Query().Get("token")), []byte(b.o.WSToken)) != 1 {
		http.Error(w, "设备令牌无效", http.StatusUnauthorized)
		return
	}
	if !sameOrigin(r) {
		http.Error(w, "来源不允许", http.StatusForbidden)
		return
	}
	if b.unpairedWS.Add(1) > int64(b.o.MaxUnpairedWS) {
		b.unpairedWS.Add(-1)
		http.Error(w, "设备连接过多", http.StatusServiceUnavailable)
		return
	}
	s := &wsSession{b: b, acks: make(chan uint8, 8), unpaired: true}
	defer s.markPaired() // releases the unpaired slot if still held
	up := websocket.Upgrader{ReadBufferSize: 2048, WriteBufferSize: 2048, CheckOrigin: func(*http.Request) bool { return true }}
	c, err := up.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade wrote the HTTP error
	}
	c.SetReadLimit(proto.MaxFrame)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	s.c, s.cancel = c, cancel
	defer c.Close()
	s.run(ctx)
}

// sameOrigin accepts a request without Origin (devices send none) or from
// a page of this very host; a page elsewhere must not drive a device link
// through a visitor's browser.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && strings.EqualFold(u.Host, r.Host)
}

type wsSession struct {
	b      *Bridge
	c      *websocket.Conn
	cancel context.CancelFunc
	wmu    sync.Mutex

	mu        sync.Mutex
	id        string      // the approved device this link speaks for, once proven
	pendingID string      // the proposal this link made, waiting for approval
	hello     proto.Hello // the HELLO of this connection
	helloRaw  []byte
	helloSeq  uint8
	nonce     []byte // the challenge sent, nil before one
	chalSeq   uint8
	unpaired  bool // holds a slot of Options.MaxUnpairedWS

	reqMu sync.Mutex // one host request (SHOW, PAIR) at a time
	acks  chan uint8
	seq   uint8 // for requests before the device is known
}

func (s *wsSession) write(f proto.Frame) error {
	f.Dst, f.Src = 0x01, proto.AddrHost
	raw, err := f.Marshal()
	if err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return s.c.WriteMessage(websocket.BinaryMessage, raw)
}

// close ends the session (the device is forgotten or its proposal expired).
func (s *wsSession) close() {
	if s.cancel != nil {
		s.cancel()
	}
	if s.c != nil {
		s.c.Close()
	}
}

func (s *wsSession) hwid() string { s.mu.Lock(); defer s.mu.Unlock(); return s.id }

// markPaired gives back the session's unpaired slot, once.
func (s *wsSession) markPaired() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unpaired {
		s.unpaired = false
		s.b.unpairedWS.Add(-1)
	}
}

// approved is called by Approve once the device has stored its secret: the
// link now speaks for it, and the HELLO that proposed it is acknowledged.
func (s *wsSession) approved(id string) {
	s.mu.Lock()
	s.id, s.pendingID = id, ""
	seq := s.helloSeq
	s.mu.Unlock()
	s.markPaired()
	s.write(proto.Frame{Type: proto.MsgAck, Seq: seq})
}

// request sends a host request and waits for the device's ACK with its
// seq, resending the identical frame (same seq) on timeout (PROTOCOL.md §4).
func (s *wsSession) request(f proto.Frame) error {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	if f.Seq == 0 {
		if id := s.hwid(); id != "" {
			f.Seq = s.b.nextSeq(id)
		} else {
			s.seq++
			f.Seq = s.seq
		}
	}
	const ackWait = time.Second
	for try := 0; try <= s.b.o.Retries; try++ {
		if err := s.write(f); err != nil {
			return err
		}
		timer := time.NewTimer(ackWait)
	wait:
		for {
			select {
			case seq, ok := <-s.acks:
				if !ok {
					timer.Stop()
					return errSessionClosed
				}
				if seq == f.Seq {
					timer.Stop()
					return nil
				}
			case <-timer.C:
				break wait
			}
		}
	}
	return errNoAck
}

var (
	errSessionClosed = errors.New("bridge: device disconnected")
	errNoAck         = errors.New("bridge: device did not acknowledge")
)

func (s *wsSession) run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { s.writer(ctx); s.cancel() })
	go func() { <-ctx.Done(); s.c.Close() }() // ends the reader
	s.reader(ctx)
	s.cancel()
	s.c.Close()
	wg.Wait()
	s.mu.Lock()
	id, pid := s.id, s.pendingID
	s.mu.Unlock()
	for _, x := range []string{id, pid} {
		if x != "" {
			s.b.disconnected(x, s)
		}
	}
}

func (s *wsSession) reader(ctx context.Context) {
	b := s.b
	defer close(s.acks)
	// a device has helloWait from connecting to be admitted (HELLO, and
	// AUTH when challenged); an admitted one must speak every 3 heartbeats
	admitBy := time.Now().Add(helloWait)
	for {
		s.mu.Lock()
		known := s.id != "" || s.pendingID != ""
		s.mu.Unlock()
		if known {
			s.c.SetReadDeadline(time.Now().Add(3 * b.o.WSHeartbeat))
		} else {
			s.c.SetReadDeadline(admitBy)
		}
		typ, msg, err := s.c.ReadMessage()
		if err != nil {
			return // also a message over MaxFrame: gorilla closes with 1009
		}
		if typ != websocket.BinaryMessage {
			continue
		}
		f, err := proto.Unmarshal(msg)
		if err != nil {
			continue
		}
		id := s.hwid()
		switch f.Type {
		case proto.MsgHello:
			if !s.onHello(f) {
				return
			}
		case proto.MsgAuth:
			if !s.onAuth(f) {
				return
			}
		case proto.MsgHeartbeat:
			if id != "" {
				b.seen(id)
			}
		case proto.MsgKey, proto.MsgRating, proto.MsgSignIn:
			if id == "" {
				s.write(proto.Frame{Type: proto.MsgNak, Seq: f.Seq, Payload: []byte{proto.NakUnpaired}})
				continue
			}
			b.seen(id)
			if nak := b.onEvent(ctx, id, "ws", f); nak != 0 {
				s.write(proto.Frame{Type: proto.MsgNak, Seq: f.Seq, Payload: []byte{nak}})
			} else {
				s.write(proto.Frame{Type: proto.MsgAck, Seq: f.Seq})
			}
		case proto.MsgAck, proto.MsgNak:
			select {
			case s.acks <- f.Seq:
			default:
			}
		default:
			s.write(proto.Frame{Type: proto.MsgNak, Seq: f.Seq, Payload: []byte{proto.NakUnsupported}})
		}
	}
}

// onHello handles the device's HELLO (or its resend). A device with a
// pairing secret is challenged; any other is admitted as a proposal or
// refused. It returns false when the connection must end.
func (s *wsSession) onHello(f proto.Frame) bool {
	b := s.b
	h, err := proto.ParseHello(f.Payload)
	if err != nil {
		s.write(proto.Frame{Type: proto.MsgNak, Seq: f.Seq, Payload: []byte{proto.NakBadPayload}})
		return true
	}
	s.mu.Lock()
	if s.helloRaw != nil && h.HWID != s.hello.HWID {
		s.mu.Unlock()
		return false // one device per connection
	}
	resend := s.helloRaw != nil && string(s.helloRaw) == string(f.Payload)
	id, pid, nonce, chalSeq := s.id, s.pendingID, s.nonce, s.chalSeq
	if !resend {
		s.hello, s.helloRaw, s.helloSeq, s.nonce = h, append([]byte(nil), f.Payload...), f.Seq, nil
		id, pid, nonce = "", "", nil
		s.id, s.pendingID = "", ""
	}
	s.mu.Unlock()
	switch {
	case id != "": // a resend after we acknowledged: acknowledge again
		s.write(proto.Frame{Type: proto.MsgAck, Seq: f.Seq})
		return true
	case pid != "": // still waiting for the manager
		s.write(proto.Frame{Type: proto.MsgAck, Seq: f.Seq})
		return true
	case nonce != nil: // resend while the challenge is out: the same challenge
		s.write(proto.Frame{Type: proto.MsgChallenge, Seq: chalSeq, Payload: nonce})
		return true
	}
	if b.secretOf(h.ID()) != nil {
		nonce, err := newRandom(proto.NonceLen)
		if err != nil {
			return false
		}
		s.mu.Lock()
		s.seq++
		s.nonce, s.chalSeq = nonce, s.seq
		s.mu.Unlock()
		s.write(proto.Frame{Type: proto.MsgChallenge, Seq: s.chalSeq, Payload: nonce})
		return true
	}
	return s.admit(h, f.Seq, false)
}

// onAuth checks the device's answer to the challenge. A wrong answer ends
// the connection: one guess per connection.
func (s *wsSession) onAuth(f proto.Frame) bool {
	s.mu.Lock()
	h, raw, nonce, chalSeq, helloSeq := s.hello, s.helloRaw, s.nonce, s.chalSeq, s.helloSeq
	s.mu.Unlock()
	if nonce == nil || f.Seq != chalSeq {
		return true // stale or unasked: ignore
	}
	secret := s.b.secretOf(h.ID())
	if secret == nil || len(f.Payload) < proto.MACLen || !hmac.Equal(f.Payload[:proto.MACLen], proto.AuthMAC(secret, nonce, raw)) {
		s.b.log.Warn("设备认证失败", "hwid", h.ID())
		s.write(proto.Frame{Type: proto.MsgNak, Seq: helloSeq, Payload: []byte{proto.NakUnpaired}})
		return false
	}
	s.mu.Lock()
	s.nonce = nil
	s.mu.Unlock()
	return s.admit(h, helloSeq, true)
}

// admit registers the HELLO with the bridge and answers it.
func (s *wsSession) admit(h proto.Hello, helloSeq uint8, proven bool) bool {
	id, adm := s.b.onHello(h, "ws", 0, proven, s)
	switch adm {
	case admitApproved:
		s.mu.Lock()
		s.id = id
		s.mu.Unlock()
		s.markPaired()
	case admitPending:
		s.mu.Lock()
		s.pendingID = id
		s.mu.Unlock()
	default:
		s.write(proto.Frame{Type: proto.MsgNak, Seq: helloSeq, Payload: []byte{proto.NakUnpaired}})
		return false
	}
	s.write(proto.Frame{Type: proto.MsgAck, Seq: helloSeq})
	return true
}

// writer pushes the wanted display whenever it changes, stop-and-wait,
// resending the same seq until acknowledged.
func (s *wsSession) writer(ctx context.Context) {
	b := s.b
	for {
		wake := b.wake()
		if id := s.hwid(); id != "" {
			if f, ver, ok := b.pendingShow(id); ok {
				if err := s.request(f); err != nil {
					return // the device is not listening: drop the connection
				}
				b.markShown(id, ver)
				continue
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-time.After(time.Second): // hello may have arrived
		}
	}
}

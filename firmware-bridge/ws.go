package bridge

import (
	"context"
	"crypto/subtle"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// ServeWS is the websocket endpoint for Wi-Fi devices (ESP32 boards,
// tablets used as rating pads). Each binary message carries one frame
// exactly as on a serial line but without COBS and delimiter (ver … crc).
// The device sends HELLO first; from then on it pushes events and the
// bridge acknowledges them, and the bridge pushes SHOW frames that the
// device acknowledges. yimen serves it at /ws/device.
func (b *Bridge) ServeWS(w http.ResponseWriter, r *http.Request) {
	if b.o.WSToken != "" && subtle.ConstantTimeCompare([]byte(r.URL.Query().Get("token")), []byte(b.o.WSToken)) != 1 {
		http.Error(w, "设备令牌无效", http.StatusUnauthorized)
		return
	}
	up := websocket.Upgrader{ReadBufferSize: 2048, WriteBufferSize: 2048, CheckOrigin: func(*http.Request) bool { return true }}
	c, err := up.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade wrote the HTTP error
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	s := &wsSession{b: b, c: c, acks: make(chan uint8, 8)}
	defer c.Close()
	s.run(ctx, cancel)
}

type wsSession struct {
	b    *Bridge
	c    *websocket.Conn
	wmu  sync.Mutex
	id   string
	idMu sync.Mutex
	acks chan uint8
	seq  uint8
}

func (s *wsSession) write(f Frame) error {
	f.Dst, f.Src = 0x01, AddrHost
	raw, err := f.Marshal()
	if err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	return s.c.WriteMessage(websocket.BinaryMessage, raw)
}

func (s *wsSession) hwid() string { s.idMu.Lock(); defer s.idMu.Unlock(); return s.id }

func (s *wsSession) run(ctx context.Context, cancel context.CancelFunc) {
	var wg sync.WaitGroup
	wg.Go(func() { s.writer(ctx); cancel() })
	s.reader(ctx)
	cancel()
	s.c.Close()
	wg.Wait()
	if id := s.hwid(); id != "" {
		s.b.disconnected(id)
	}
}

func (s *wsSession) reader(ctx context.Context) {
	b := s.b
	for {
		s.c.SetReadDeadline(time.Now().Add(3 * b.o.WSHeartbeat))
		typ, msg, err := s.c.ReadMessage()
		if err != nil {
			return
		}
		if typ != websocket.BinaryMessage {
			continue
		}
		f, err := Unmarshal(msg)
		if err != nil {
			b.log.Warn("websocket 设备帧无效", "err", err)
			continue
		}
		id := s.hwid()
		switch f.Type {
		case MsgHello:
			h, err := ParseHello(f.Payload)
			if err != nil {
				s.write(Frame{Type: MsgNak, Seq: f.Seq, Payload: []byte{NakBadPayload}})
				continue
			}
			id = b.onHello(h, "ws", 0)
			s.idMu.Lock()
			s.id = id
			s.idMu.Unlock()
			s.write(Frame{Type: MsgAck, Seq: f.Seq})
		case MsgHeartbeat:
			if id != "" {
				b.seen(id)
			}
		case MsgKey, MsgRating, MsgSignIn:
			if id == "" {
				s.write(Frame{Type: MsgNak, Seq: f.Seq, Payload: []byte{NakRefused}})
				continue
			}
			b.seen(id)
			if nak := b.onEvent(ctx, id, f); nak != 0 {
				s.write(Frame{Type: MsgNak, Seq: f.Seq, Payload: []byte{nak}})
			} else {
				s.write(Frame{Type: MsgAck, Seq: f.Seq})
			}
		case MsgAck, MsgNak:
			select {
			case s.acks <- f.Seq:
			default:
			}
		default:
			s.write(Frame{Type: MsgNak, Seq: f.Seq, Payload: []byte{NakUnsupported}})
		}
	}
}

// writer pushes the wanted display whenever it changes, stop-and-wait,
// resending the same seq until acknowledged.
func (s *wsSession) writer(ctx context.Context) {
	b := s.b
	const ackWait = time.Second
	for {
		wake := b.wake()
		if id := s.hwid(); id != "" {
			if t, p, ver, ok := b.pendingShow(id); ok {
				s.seq++
				f := Frame{Type: t, Payload: p, Seq: s.seq}
				acked := false
				for try := 0; try <= b.o.Retries && !acked; try++ {
					if err := s.write(f); err != nil {
						return
					}
					timer := time.NewTimer(ackWait)
				wait:
					for {
						select {
						case <-ctx.Done():
							timer.Stop()
							return
						case seq := <-s.acks:
							if seq == f.Seq {
								acked = true
								break wait
							}
						case <-timer.C:
							break wait
						}
					}
					timer.Stop()
				}
				if !acked {
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

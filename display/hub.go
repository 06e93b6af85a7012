package display

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// Hub fans the hall's changes out to every connected screen.
type Hub struct {
	logger *slog.Logger
	now    func() time.Time
	boot   string

	mu     sync.Mutex
	st     *queue.State
	seq    uint64
	ring   []*Frame // the last ringSize messages, oldest first
	subs   map[*Sub]struct{}
	alarms map[string]Alarm
}

// Frame is one encoded message, shared by every screen it goes to.
type Frame struct {
	Seq  uint64
	Data []byte

	once sync.Once
	wire any
}

// Wire returns the transport's encoding of the frame (a websocket frame),
// made by enc the first time and shared by every screen after that.
func (f *Frame) Wire(enc func([]byte) any) any {
	f.once.Do(func() { f.wire = enc(f.Data) })
	return f.wire
}

const (
	ringSize = 4096
	// subBuffer is how many messages a subscriber (a writer shard of the
	// websocket server) may lag before it is dropped and must resync.
	subBuffer = 1024
)

// Options configures a hub.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time
}

// NewHub starts a hub from a state the engine gave with Subscribe; pass
// Apply to the engine as the subscriber.
func NewHub(st *queue.State, o Options) *Hub {
	h := &Hub{logger: o.Logger, now: o.Now, st: st, subs: map[*Sub]struct{}{}, alarms: map[string]Alarm{}}
	if h.logger == nil {
		h.logger = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	b := make([]byte, 6)
	rand.Read(b)
	h.boot = hex.EncodeToString(b)
	return h
}

// Sub is a subscription to every message. Messages arrive on C; when C is
// closed the subscriber fell too far behind and must catch up.
type Sub struct {
	C      <-chan *Frame
	c      chan *Frame
	closed bool
}

// Apply takes a batch of committed events; it never blocks.
func (h *Hub) Apply(evs []queue.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, ev := range evs {
		h.st.Apply(ev)
		if m, ok := patch(h.st, ev); ok {
			h.publish(m)
		}
	}
}

// Read runs fn on the hub's state (what the screens show) under its lock.
func (h *Hub) Read(fn func(*queue.State)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fn(h.st)
}

// SetAlarm raises (or updates) the alarm of a source; ClearAlarm drops it.
func (h *Hub) SetAlarm(a Alarm) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if old, ok := h.alarms[a.Source]; ok && old.Level == a.Level && old.Text == a.Text {
		return
	}
	if a.At.IsZero() {
		a.At = h.now()
	}
	h.alarms[a.Source] = a
	h.publish(Message{Type: "alarm", Alarms: h.alarmList()})
}

// ClearAlarm drops the alarm of a source, if any.
func (h *Hub) ClearAlarm(source string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.alarms[source]; !ok {
		return
	}
	delete(h.alarms, source)
	h.publish(Message{Type: "alarm", Alarms: h.alarmList()})
}

// Alarms returns the current alarms.
func (h *Hub) Alarms() []Alarm {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.alarmList()
}

func (h *Hub) alarmList() []Alarm {
	out := slices.Collect(maps.Values(h.alarms))
	slices.SortFunc(out, func(a, b Alarm) int { return a.At.Compare(b.At) })
	if out == nil {
		out = []Alarm{} // an empty list clears the manager's alarms
	}
	return out
}

// publish numbers, stores and fans out a message. h.mu is held.
func (h *Hub) publish(m Message) {
	h.seq++
	m.Seq = h.seq
	data, err := json.Marshal(m)
	if err != nil {
		h.logger.Error("display: encode message", "type", m.Type, "err", err)
		return
	}
	if len(h.ring) == ringSize {
		copy(h.ring, h.ring[1:])
		h.ring = h.ring[:ringSize-1]
	}
	f := &Frame{Seq: m.Seq, Data: data}
	h.ring = append(h.ring, f)
	for s := range h.subs {
		select {
		case s.c <- f:
		default:
			h.logger.Warn("display: screen too slow, dropped", "seq", m.Seq)
			h.drop(s)
		}
	}
}

// Snapshot returns the whole board as a snapshot message.
func (h *Hub) Snapshot() []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.snapshot()
}

func (h *Hub) snapshot() []byte {
	m := Message{Type: "snapshot", Seq: h.seq, Boot: h.boot}
	m.Hall = &HallView{Name: h.st.Hall().Name, Notices: h.st.Hall().Notices}
	board(h.st, &m)
	m.Alarms = h.alarmList()
	data, err := json.Marshal(m)
	if err != nil {
		panic("display: snapshot does not encode: " + err.Error()) // plain structs always encode
	}
	return data
}

// Subscribe registers a subscriber (a writer shard of the websocket
// server) for every message from now on; Catchup gives what comes before.
func (h *Hub) Subscribe() *Sub {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := make(chan *Frame, subBuffer)
	s := &Sub{C: c, c: c}
	h.subs[s] = struct{}{}
	return s
}

// replayable reports whether the ring holds every message after since.
func (h *Hub) replayable(since uint64) bool {
	if since == h.seq {
		return true
	}
	return len(h.ring) > 0 && h.ring[0].Seq <= since+1
}

// Unsubscribe removes a subscriber.
func (h *Hub) Unsubscribe(s *Sub) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.drop(s)
}

func (h *Hub) drop(s *Sub) {
	if s.closed {
		return
	}
	s.closed = true
	delete(h.subs, s)
	close(s.c)
}

// Catchup returns what a screen that last saw since (of boot) needs to be
// current: the frames after since, or a snapshot when the ring no longer
// reaches back or boot is another run's; and the seq it is then at.
func (h *Hub) Catchup(since uint64, boot string) ([]*Frame, uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if boot == h.boot && since <= h.seq && h.replayable(since) {
		var out []*Frame
		for _, f := range h.ring {
			if f.Seq > since {
				out = append(out, f)
			}
		}
		return out, h.seq
	}
	return []*Frame{{Seq: h.seq, Data: h.snapshot()}}, h.seq
}

// Seq returns the seq of the last message.
func (h *Hub) Seq() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seq
}

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

	// view runs a function on the state the screens show, under the
	// lock that guards it: the engine's committed state (Follow), or the
	// hub's own copy (NewHub). It is always taken before mu.
	view func(func(*queue.State))
	stMu sync.Mutex   // guards st, the hub's own copy
	st   *queue.State // nil when following the engine
	// issued holds the lines that took numbers since the last message,
	// under the state's lock: a run of numbers committed together goes to
	// the screens as one issued message (see event).
	issued []string
	// Following the engine, issued messages are paced (issuedGap):
	// lastIssued is when the last went out, flush the timer that sends
	// the lines gathered since, armed while one is due; pending counts
	// its run not yet ended, for Close. All under the state's lock.
	lastIssued time.Time
	flush      *time.Timer
	armed      bool
	closed     bool
	pending    sync.WaitGroup

	// mu guards the ring and the alarms. The pushers (and the writers of
	// screens that fell behind) read the ring at once after every
	// message: they share it.
	mu        sync.RWMutex
	seq       uint64
	ring      []*Frame // the last messages, oldest first, at most ringSize and ringBytes
	ringBytes int      // bytes of the messages in ring
	snap      *Frame   // the snapshot at seq, made once for every screen that needs it
	alarms    map[string]Alarm

	// subMu guards subs. Subscribers are woken after mu is released, so
	// that they do not queue up on it while the rest are being woken.
	subMu sync.Mutex
	subs  map[*Sub]struct{}
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
	// The replay ring keeps the last ringSize messages, and no more than
	// maxRingBytes of them: a flood of big messages (alarms) must not
	// grow the daemon's memory without bound.
	ringSize     = 4096
	maxRingBytes = 4 << 20
	// coalesceAfter is how many messages a screen may be behind before
	// it is sent one fresh snapshot instead of each of them: a screen
	// that fell behind (a slow TV, a starved daemon) needs the board as
	// it is now, and one message is cheaper to write and to read.
	coalesceAfter = 64
)

// Options configures a hub.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time
}

// Follow starts a hub that shows the engine's committed state itself, with
// no copy of its own: on a busy day the tickets are held once for the
// engine's readers and the screens.
func Follow(e *queue.Engine, o Options) *Hub {
	h := newHub(o)
	h.view = e.Read
	e.Follow(h.event)
	e.AfterCommit(h.afterCommit)
	return h
}

// issuedGap is the least time between two issued messages of a hub that
// follows the engine. Kiosks at full speed commit a batch of numbers
// every millisecond or two, and each batch's message (the lines and the
// buttons of every service routed there) was built and encoded for every
// batch: a twentieth of the daemon's CPU, for boards that nobody reads
// faster than a tenth of a second. A number taken after a quiet spell
// still goes out at once; any other message (a call) takes the lines
// gathered so far with it.
const issuedGap = 100 * time.Millisecond

// afterCommit ends a committed batch: its issued lines go out now, or
// when the gap since the last issued message has passed. The engine's
// lock is held.
func (h *Hub) afterCommit(st *queue.State) {
	// The pace is the machine's, not the hall's clock: time.Now.
	if wait := time.Until(h.lastIssued.Add(issuedGap)); len(h.issued) > 0 && wait > 0 {
		if !h.armed && !h.closed {
			h.armed = true
			h.pending.Add(1)
			if h.flush == nil {
				h.flush = time.AfterFunc(wait, h.flushLater)
			} else {
				h.flush.Reset(wait)
			}
		}
	} else {
		h.flushIssued(st)
	}
	h.wake()
}

// flushLater sends the issued lines gathered while the gap ran.
func (h *Hub) flushLater() {
	defer h.pending.Done()
	h.view(func(st *queue.State) {
		h.armed = false
		if !h.closed {
			h.flushIssued(st)
		}
	})
	h.wake()
}

// Close stops the hub's timer, waiting for a run of it that began. A hub
// that follows the engine is closed before the engine.
func (h *Hub) Close() {
	h.view(func(*queue.State) {
		h.closed = true
		if h.armed && h.flush.Stop() {
			h.armed = false
			h.pending.Done()
		}
	})
	h.pending.Wait()
}

// NewHub starts a hub on a copy of the state of its own (one the engine
// gave with Subscribe); pass Apply to the engine as the subscriber.
func NewHub(st *queue.State, o Options) *Hub {
	h := newHub(o)
	h.st = st
	h.view = func(fn func(*queue.State)) {
		h.stMu.Lock()
		defer h.stMu.Unlock()
		fn(h.st)
	}
	return h
}

func newHub(o Options) *Hub {
	h := &Hub{logger: o.Logger, now: o.Now, subs: map[*Sub]struct{}{}, alarms: map[string]Alarm{}}
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

// Sub is a subscription to the hub's messages. Wake receives whenever
// messages were published since it was last drained; the subscriber then
// takes them with Catchup. A subscriber is never dropped for being slow:
// it is woken once however many messages wait, and Catchup coalesces.
type Sub struct {
	Wake <-chan struct{}
	wake chan struct{}
}

// Apply takes a batch of committed events into the hub's own copy (NewHub);
// it never blocks.
func (h *Hub) Apply(evs []queue.Event) {
	h.stMu.Lock()
	for _, ev := range evs {
		h.st.Apply(ev)
		h.event(ev, h.st)
	}
	h.flushIssued(h.st)
	h.stMu.Unlock()
	h.wake()
}

// event publishes the patch of one event, st being the state just after
// it. The state's lock is held.
//
// Numbers taken one after another are not sent one by one: each would
// carry its line and the buttons of every service routed there, built and
// encoded again, while kiosks on a market morning issue them in bursts
// that commit together. Their lines go out in one issued message, as the
// state stands when the run ends (the batch is committed, or another
// event follows), which is what every screen would hold after the run's
// messages one by one.
func (h *Hub) event(ev queue.Event, st *queue.State) {
	if ev.Type == queue.EvIssued {
		if !slices.Contains(h.issued, ev.Category) {
			h.issued = append(h.issued, ev.Category)
		}
		return
	}
	m, ok := patch(st, ev)
	if !ok {
		return
	}
	if m.Type == "day" || m.Type == "hall" {
		h.issued = h.issued[:0] // the whole board goes out with it
	}
	h.flushIssued(st)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.publish(m)
}

// flushIssued publishes the lines that took numbers since the last
// message, if any. The state's lock is held.
func (h *Hub) flushIssued(st *queue.State) {
	if len(h.issued) == 0 {
		return
	}
	m := issuedPatch(st, h.issued)
	h.issued = h.issued[:0]
	h.lastIssued = time.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.publish(m)
}

// Read runs fn on the state the screens show, under its lock.
func (h *Hub) Read(fn func(*queue.State)) { h.view(fn) }

// SetAlarm raises (or updates) the alarm of a source; ClearAlarm drops it.
func (h *Hub) SetAlarm(a Alarm) {
	h.mu.Lock()
	defer h.wake()
	defer h.mu.Unlock()
	if old, ok := h.alarms[a.Source]; ok && old.Level == a.Level && old.Text == a.Text {
		return
	}
	if a.At.IsZero() {
		a.At = h.now()
	}
	h.alarms[a.Source] = a
	h.publish(Message{Type: "alarm", Alarms: publicAlarms(h.alarmList())})
}

// ClearAlarm drops the alarm of a source, if any.
func (h *Hub) ClearAlarm(source string) {
	h.mu.Lock()
	defer h.wake()
	defer h.mu.Unlock()
	if _, ok := h.alarms[source]; !ok {
		return
	}
	delete(h.alarms, source)
	h.publish(Message{Type: "alarm", Alarms: publicAlarms(h.alarmList())})
}

// Alarms returns the current alarms with their detail, for the manager;
// screens get them stripped (alarm_public.go).
func (h *Hub) Alarms() []Alarm {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.alarmList()
}

func (h *Hub) alarmList() []Alarm {
	out := slices.Collect(maps.Values(h.alarms))
	// real faults first: a page that shows the first few must not let a
	// pile of notices hide a pad that stopped answering
	slices.SortFunc(out, func(a, b Alarm) int {
		if (a.Level == "error") != (b.Level == "error") {
			if a.Level == "error" {
				return -1
			}
			return 1
		}
		return a.At.Compare(b.At)
	})
	if out == nil {
		out = []Alarm{} // an empty list clears the manager's alarms
	}
	return out
}

// publish numbers and stores a message; the caller wakes the subscribers
// once h.mu is released. h.mu is held.
func (h *Hub) publish(m Message) {
	m.Seq = h.seq + 1
	data, err := json.Marshal(m)
	if err != nil {
		h.logger.Error("display: encode message", "type", m.Type, "err", err)
		return // seq stays: the ring holds consecutive seqs
	}
	h.seq++
	drop := 0
	for drop < len(h.ring) && (len(h.ring)-drop >= ringSize || h.ringBytes+len(data) > maxRingBytes) {
		h.ringBytes -= len(h.ring[drop].Data)
		drop++
	}
	if drop > 0 {
		n := copy(h.ring, h.ring[drop:])
		clear(h.ring[n:])
		h.ring = h.ring[:n]
	}
	h.ring = append(h.ring, &Frame{Seq: m.Seq, Data: data})
	h.ringBytes += len(data)
}

// wake tells every subscriber that there may be something new.
func (h *Hub) wake() {
	h.subMu.Lock()
	defer h.subMu.Unlock()
	for s := range h.subs {
		select {
		case s.wake <- struct{}{}:
		default: // already woken; it takes everything when it runs
		}
	}
}

// Snapshot returns the whole board as a snapshot message.
func (h *Hub) Snapshot() []byte { return h.snapshotFrame().Data }

// snapshotFrame is the snapshot at the current seq, encoded once. h.mu
// must not be held: the state's lock comes first.
func (h *Hub) snapshotFrame() *Frame {
	var f *Frame
	flushed := false
	defer func() {
		if flushed {
			h.wake()
		}
	}()
	h.view(func(st *queue.State) {
		// Lines waiting for their paced issued message go out first: the
		// snapshot at a seq is the board after that seq's message, and a
		// kiosk's buttons must count every number taken.
		if flushed = len(h.issued) > 0; flushed {
			h.flushIssued(st)
		}
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.snap == nil || h.snap.Seq != h.seq {
			h.snap = &Frame{Seq: h.seq, Data: h.snapshot(st)}
		}
		f = h.snap
	})
	return f
}

// snapshot encodes the whole board. h.mu and the state's lock are held.
func (h *Hub) snapshot(st *queue.State) []byte {
	m := Message{Type: "snapshot", Seq: h.seq, Boot: h.boot}
	m.Hall = hallView(st.Hall())
	board(st, &m)
	m.Alarms = publicAlarms(h.alarmList())
	data, err := json.Marshal(m)
	if err != nil {
		panic("display: snapshot does not encode: " + err.Error()) // plain structs always encode
	}
	return data
}

// Subscribe registers a subscriber (a pusher of screens) to be woken for
// every message from now on; Catchup gives the messages.
func (h *Hub) Subscribe() *Sub {
	h.subMu.Lock()
	defer h.subMu.Unlock()
	c := make(chan struct{}, 1)
	s := &Sub{Wake: c, wake: c}
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
	h.subMu.Lock()
	defer h.subMu.Unlock()
	delete(h.subs, s)
}

// Catchup returns what a screen that last saw since (of boot) needs to be
// current, and the seq it is then at: the frames after since; or one
// snapshot when the ring no longer reaches back, boot is another run's,
// or the screen is more than coalesceAfter messages behind. A screen that
// gives since without boot (the contract's reconnect) is replayed when the
// ring reaches back; since 0 is a first connect.
func (h *Hub) Catchup(since uint64, boot string) ([]*Frame, uint64) {
	return h.AppendCatchup(nil, since, boot)
}

// AppendCatchup is Catchup appending the frames to dst: a writer that
// serves a thousand screens after every message reuses one slice.
func (h *Hub) AppendCatchup(dst []*Frame, since uint64, boot string) ([]*Frame, uint64) {
	h.mu.RLock()
	sameRun := boot == h.boot || (boot == "" && since > 0)
	if sameRun && since <= h.seq && h.seq-since <= coalesceAfter && h.replayable(since) {
		defer h.mu.RUnlock()
		i := len(h.ring) - int(h.seq-since) // the ring holds consecutive seqs
		return append(dst, h.ring[i:]...), h.seq
	}
	h.mu.RUnlock()
	f := h.snapshotFrame() // made once, for every screen that needs it
	return append(dst, f), f.Seq
}

// Boot names this run of the hub; a screen's seq from another run means
// nothing here.
func (h *Hub) Boot() string { return h.boot }

// Seq returns the seq of the last message.
func (h *Hub) Seq() uint64 {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.seq
}

package queue

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Engine runs the hall: it validates commands against the state, appends
// the resulting events to the log and acknowledges a command only once its
// events are durable. Concurrent commands share one log commit (group
// commit), and subscribers see committed events in log order.
type Engine struct {
	// boot is the hall given at start, in force until the log sets one;
	// current is the committed one (see hall_config.go).
	boot    *Hall
	current atomic.Pointer[Hall]
	log     Log
	now     func() time.Time
	logger  *slog.Logger
	// SnapshotEvery bounds how many events start-up has to replay.
	snapshotEvery uint64
	onFailure     func(error)

	onClock      func(string)
	onClockRight func()
	maxRollDays  int

	mu      sync.Mutex // guards st, pending, failed, closed, rollTo, stepped, jumped, day
	st      *State     // includes events not yet committed; commands decide on it
	pending *batch
	spare   []Event // the last committed batch's events, emptied, for the next
	failed  error
	closed  bool
	rollTo  string // a day the manager confirmed the clock's jump to
	stepped bool   // the clock is behind the log (told once per step)
	jumped  bool   // a jump of the clock was refused (told until it is right)
	day     dayMemo
	running bool // a command has run since start: jumps are the clock's
	kick    chan struct{}

	commitMu  sync.Mutex // guards committed, subs, lastSnap, snapping
	committed *State     // exactly what subscribers have seen
	subs      []func([]Event)
	followers []func(Event, *State)
	afters    []func(*State)
	lastSnap  uint64
	snapping  bool           // a snapshot is being saved, by bg
	bg        sync.WaitGroup // the snapshot being saved; Close waits

	// today is the ledger's fold of the running day (report_book.go).
	today todayFold

	stop chan struct{}
	done chan struct{}
	// The day loop has its own stop so that it ends before the committer
	// its last command waits on.
	dayStop chan struct{}
	dayDone chan struct{}
}

// defaultSnapshotEvery is Options.SnapshotEvery when zero.
const defaultSnapshotEvery = 10_000

// MaxReplay is the most events start-up replays after the last snapshot,
// with the default SnapshotEvery.
func MaxReplay() uint64 { return defaultSnapshotEvery - 1 }

// ErrDamaged marks a log that cannot be trusted: events missing, changed
// or repeated, a snapshot or file that does not read back. The daemon
// refuses to start on it and says exactly what is wrong.
var ErrDamaged = errors.New("the hall's log is damaged")

// ErrClosed is the cause of a command's error after Close.
var ErrClosed = errors.New("queue: engine closed")

type batch struct {
	events []Event
	err    error
	done   chan struct{}
}

// Options configures an engine.
type Options struct {
	Now           func() time.Time
	Logger        *slog.Logger
	SnapshotEvery uint64 // events between state snapshots; 10,000 when zero
	// OnFailure is told when the log cannot be written: from then on the
	// engine refuses commands until the daemon is restarted, and the
	// manager must know at once.
	OnFailure func(error)
	// OnClock is told, in Chinese for the manager, when the clock steps
	// back behind the log or jumps ahead more than MaxRollDays days.
	OnClock func(string)
	// OnClockRight is told when the clock OnClock warned of is right
	// again: ahead of the log's last event once more after a step back,
	// or back within MaxRollDays after a refused jump.
	OnClockRight func()
	// MaxRollDays is the most days the day may move on at once without
	// the manager's confirmation (ConfirmDay); 10 when zero, so that a
	// hall closed for a holiday with the PC off starts by itself.
	MaxRollDays int
}

// NewEngine rebuilds the hall's state from the log's snapshot and the
// events after it, and starts the committer. Close stops it.
func NewEngine(h *Hall, log Log, o Options) (*Engine, error) {
	e := &Engine{
		boot: h, log: log, now: o.Now, logger: o.Logger,
		snapshotEvery: o.SnapshotEvery, onFailure: o.OnFailure,
		onClock: o.OnClock, onClockRight: o.OnClockRight, maxRollDays: o.MaxRollDays,
		kick:    make(chan struct{}, 1),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
		dayStop: make(chan struct{}),
		dayDone: make(chan struct{}),
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.logger == nil {
		e.logger = slog.New(slog.DiscardHandler)
	}
	if e.snapshotEvery == 0 {
		e.snapshotEvery = defaultSnapshotEvery
	}
	if e.maxRollDays == 0 {
		e.maxRollDays = 10
	}
	if e.onClock == nil {
		e.onClock = func(string) {}
	}
	if e.onClockRight == nil {
		e.onClockRight = func() {}
	}
	st, legacy, err := e.restore()
	if err != nil {
		return nil, err
	}
	e.st = st
	e.current.Store(st.hall)
	if e.committed, err = st.Clone(); err != nil {
		return nil, err
	}
	st.forgetTokens()
	e.lastSnap = st.Seq
	if legacy {
		// A snapshot of an earlier version (JSON, slow to read): saved
		// again at once, so that the next start is quick.
		snap := e.committed.frozen()
		e.snapping = true
		e.bg.Go(func() { e.saveSnapshotOf(snap) })
	}
	go e.commitLoop()
	go e.dayLoop(e.untilNextRoll())
	return e, nil
}

// restore rebuilds the state; legacy says its snapshot was in an earlier
// version's format.
func (e *Engine) restore() (_ *State, legacy bool, _ error) {
	seq, data, err := e.log.LoadSnapshot()
	if err != nil {
		return nil, false, fmt.Errorf("queue: load snapshot: %w", err)
	}
	st := NewState(e.boot)
	if data != nil {
		if st, err = UnmarshalState(e.boot, data); err != nil {
			return nil, false, fmt.Errorf("%w: the state snapshot at event %d: %w", ErrDamaged, seq, err)
		}
		legacy = !isSnapshot(data)
	}
	n := 0
	err = e.log.Replay(st.Seq, func(ev Event) error {
		if ev.Seq != st.Seq+1 {
			return fmt.Errorf("%w: event %d follows event %d (events are missing)", ErrDamaged, ev.Seq, st.Seq)
		}
		if ev.Type == EvIssued && st.Tickets[ev.Ticket] != nil {
			return fmt.Errorf("%w: event %d issues %s, which was issued already", ErrDamaged, ev.Seq, ev.Ticket)
		}
		st.Apply(ev)
		n++
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("queue: replay: %w", err)
	}
	e.logger.Info("state restored", "snapshot", seq, "replayed", n, "seq", st.Seq, "day", st.Day)
	return st, legacy, nil
}

// Hall returns the hall configuration in force (as committed). It changes
// with an EvHall event; a Hall itself is never changed.
func (e *Engine) Hall() *Hall { return e.current.Load() }

// Read runs fn with the committed state: what the log holds, never events
// still being written (which may yet fail). fn must not keep references
// into the state nor call the engine, and must not run inside a
// subscriber.
func (e *Engine) Read(fn func(*State)) {
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	fn(e.committed)
}

// Subscribe registers fn to receive every batch of events once it is
// durable, in log order, and returns a copy of the state as of just before
// the first batch fn will see. fn runs on the committer: it must not block
// nor call the engine's commands, and must not keep the slice (the next
// batch is gathered in it).
func (e *Engine) Subscribe(fn func([]Event)) (*State, error) {
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	e.subs = append(e.subs, fn)
	return e.committed.Clone()
}

// Follow registers fn to be called with each committed event and the
// committed state just after it, from the state as it is now on. fn runs
// on the committer with the state's lock held: it must not block, keep the
// state, nor call the engine (Read included); it shares the state instead
// of holding a copy of its own.
func (e *Engine) Follow(fn func(Event, *State)) {
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	e.followers = append(e.followers, fn)
}

// AfterCommit registers fn to be called once after each committed batch,
// once every follower has seen its events, with the committed state: a
// follower that gathers what a batch changed tells it here, once, instead
// of once per event. fn runs as a follower does, under the same rules.
func (e *Engine) AfterCommit(fn func(*State)) {
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	e.afters = append(e.afters, fn)
}

// Close stops the committer after the last pending commit and saves a
// snapshot so that the next start replays nothing.
func (e *Engine) Close() error {
	select {
	case <-e.stop:
		return nil
	default:
	}
	close(e.dayStop)
	<-e.dayDone
	e.mu.Lock()
	e.closed = true // from now on commands fail; those pending commit below
	e.mu.Unlock()
	close(e.stop)
	<-e.done
	e.bg.Wait() // a snapshot being saved
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	if e.committed.Seq == e.lastSnap {
		return nil
	}
	if err := e.writeSnapshot(e.committed); err != nil {
		return err
	}
	e.lastSnap = e.committed.Seq
	return nil
}

// exec runs a command: decide validates it against the state and emits its
// events, which are applied at once (so the next command sees them) and
// acknowledged once committed.
func exec[T any](ctx context.Context, e *Engine, decide func(s *State, emit func(Event)) (T, error)) (T, error) {
	var zero T
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return zero, &Error{Kind: Unavailable, Code: "closed", Message: "系统正在停止，请稍后再试", Err: ErrClosed}
	}
	if e.failed != nil {
		e.mu.Unlock()
		return zero, &Error{Kind: Unavailable, Code: "log_failed", Message: "记录无法写入，请联系管理员", Err: e.failed}
	}
	now, err := e.clock()
	if err != nil {
		e.mu.Unlock()
		return zero, err
	}
	// The events go straight into the batch being gathered: they are
	// committed even when the command is then refused (a day change).
	if e.pending == nil {
		e.pending, e.spare = &batch{events: e.spare, done: make(chan struct{})}, nil
	}
	b := e.pending
	emitted := len(b.events)
	emit := func(ev Event) {
		ev.Seq, ev.At = e.st.Seq+1, now
		e.st.Apply(ev)
		b.events = append(b.events, ev)
	}
	if day := e.localDay(now); day != e.st.Day {
		e.closeDay(emit, day)
	}
	for _, code := range e.st.lapsedAppointments(now) {
		emit(Event{Type: EvMissed, Appt: &Appointment{Code: code}})
	}
	res, err := decide(e.st, emit)
	if len(b.events) == emitted {
		e.mu.Unlock()
		return res, err
	}
	// A rejected command may still have emitted the day change; that is
	// committed like any other event.
	e.mu.Unlock()
	select {
	case e.kick <- struct{}{}:
	default:
	}
	select {
	case <-b.done:
	case <-ctx.Done():
		// The caller is gone; the events still commit (or fail) with
		// their batch, and the state shows whichever happened.
		return zero, fmt.Errorf("queue: waiting for the log: %w", ctx.Err())
	}
	if b.err != nil {
		return zero, &Error{Kind: Unavailable, Code: "log_failed", Message: "记录无法写入，请联系管理员", Err: b.err}
	}
	return res, err
}

// closeDay cancels what the previous day left open and starts a new day.
func (e *Engine) closeDay(emit func(Event), day string) {
	carried := e.st.carrying()
	for _, t := range e.st.Tickets {
		switch {
		case carried[t.ID] != nil:
			emit(Event{Type: EvCancelled, Ticket: t.ID, Reason: ReasonCarried})
		case t.Open():
			emit(Event{Type: EvCancelled, Ticket: t.ID, Reason: "day_end"})
		}
	}
	for _, code := range e.st.missedAppointments() {
		emit(Event{Type: EvMissed, Appt: &Appointment{Code: code}})
	}
	emit(Event{Type: EvDay, Day: day})
	carryOver(emit, carried, day)
}

func (e *Engine) commitLoop() {
	defer close(e.done)
	for {
		select {
		case <-e.kick:
			e.commitPending()
		case <-e.stop:
			e.commitPending()
			return
		}
	}
}

// commitPending commits whatever commands have piled up since the last
// commit, as one batch.
func (e *Engine) commitPending() {
	e.mu.Lock()
	b := e.pending
	if b != nil && len(b.events) > 0 {
		e.pending = nil
	} else {
		b = nil // none, or one no command has emitted into yet: it waits
	}
	e.mu.Unlock()
	if b != nil {
		e.commit(b)
	}
}

func (e *Engine) commit(b *batch) {
	if err := e.log.Append(b.events); err != nil {
		defer close(b.done)
		// The in-memory state is now ahead of the disk; refuse further
		// commands rather than acknowledge what may be lost.
		e.logger.Error("event log append failed", "err", err, "events", len(b.events))
		e.mu.Lock()
		e.failed = err
		// Forget what was not written: the state commands decide on goes
		// back to what the log holds, and commands that piled up behind
		// this batch (decided on its events) fail with it.
		e.commitMu.Lock()
		if st, cerr := e.committed.Clone(); cerr == nil {
			st.forgetTokens()
			e.st = st
		}
		e.commitMu.Unlock()
		if p := e.pending; p != nil {
			e.pending = nil
			p.err = err
			close(p.done)
		}
		e.mu.Unlock()
		b.err = err
		if e.onFailure != nil {
			e.onFailure(err)
		}
		return
	}
	e.commitMu.Lock()
	for _, ev := range b.events {
		e.committed.Apply(ev)
		for _, fn := range e.followers {
			fn(ev, e.committed)
		}
	}
	for _, fn := range e.afters {
		fn(e.committed)
	}
	e.current.Store(e.committed.hall)
	for _, fn := range e.subs {
		fn(b.events)
	}
	var snap *State
	// Every SnapshotEvery events, however busy the day: a busy day's
	// snapshots encode its tickets again and again, but start-up after a
	// power cut replays no more than that many events (MaxReplay).
	if e.committed.Seq-e.lastSnap >= e.snapshotEvery && !e.snapping {
		snap = e.committed.frozen() // shares the tickets: cheap
		e.snapping = true
	}
	e.commitMu.Unlock()
	// Acknowledged once readers see it; what follows is housekeeping.
	close(b.done)
	e.share(b.events)
	// Nobody keeps a batch's events (see Subscribe): the next batch is
	// gathered in the same room. A busy morning commits hundreds a second.
	clear(b.events)
	e.mu.Lock()
	e.spare = b.events[:0]
	e.mu.Unlock()
	if snap != nil {
		e.bg.Go(func() { e.saveSnapshotOf(snap) })
	}
}

// share lets the command state hold the committed state's value of every
// ticket the batch changed, instead of a copy of its own, wherever no
// later command changed it since (share.go).
func (e *Engine) share(evs []Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	if e.failed != nil {
		return
	}
	for _, ev := range evs {
		if ev.Ticket != "" {
			e.st.adopt(e.committed, ev.Ticket)
		}
	}
}

// saveSnapshotOf encodes and stores a copy of the committed state, off
// the commit path: commands go on being committed meanwhile.
func (e *Engine) saveSnapshotOf(st *State) {
	err := e.writeSnapshot(st)
	e.commitMu.Lock()
	defer e.commitMu.Unlock()
	e.snapping = false
	if err != nil {
		e.logger.Warn("state snapshot failed", "err", err, "seq", st.Seq)
		return
	}
	e.lastSnap = max(e.lastSnap, st.Seq)
}

func (e *Engine) writeSnapshot(st *State) error {
	data, err := st.Marshal()
	if err != nil {
		return err
	}
	if err := e.log.SaveSnapshot(st.Seq, data); err != nil {
		return fmt.Errorf("queue: save snapshot: %w", err)
	}
	return nil
}

var tokenEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newToken makes an unguessable ticket token: 128 random bits.
func newToken() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(errors.New("queue: no randomness")) // crypto/rand never fails on supported systems
	}
	return tokenEncoding.EncodeToString(b)
}

package queue

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// gateLog is an in-memory log whose appends can be held, to look at the
// engine while a batch is being written: once gated, each Append says it
// arrived and waits to be let through.
type gateLog struct {
	mu      sync.Mutex
	events  []Event
	gated   bool
	arrived chan struct{}
	proceed chan struct{}
	appends int // Append calls that stored their events
}

func (l *gateLog) gate() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.gated, l.arrived, l.proceed = true, make(chan struct{}), make(chan struct{})
}

func (l *gateLog) ungate() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.gated = false
}

func (l *gateLog) Append(evs []Event) error {
	l.mu.Lock()
	gated, arrived, proceed := l.gated, l.arrived, l.proceed
	l.mu.Unlock()
	if gated {
		arrived <- struct{}{}
		<-proceed
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.appends++
	for _, ev := range evs {
		// Stored as a file stores it: through JSON.
		data, _ := json.Marshal(ev)
		var stored Event
		json.Unmarshal(data, &stored)
		l.events = append(l.events, stored)
	}
	return nil
}

func (l *gateLog) Replay(after uint64, fn func(Event) error) error {
	l.mu.Lock()
	evs := append([]Event(nil), l.events[min(after, uint64(len(l.events))):]...)
	l.mu.Unlock()
	for _, ev := range evs {
		if err := fn(ev); err != nil {
			return err
		}
	}
	return nil
}

func (l *gateLog) SaveSnapshot(uint64, []byte) error     { return nil }
func (l *gateLog) LoadSnapshot() (uint64, []byte, error) { return 0, nil, nil }

var shareMorning = time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)

func newShareEngine(t *testing.T, log Log) *Engine {
	t.Helper()
	e, err := NewEngine(DemoHall(), log, Options{Now: func() time.Time { return shareMorning }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// Tokens are indexed once, by the committed state, and still so after a
// change of hall, which rebuilds every index of both states.
func TestOnlyTheCommittedStateIndexesTokens(t *testing.T) {
	e := newShareEngine(t, &gateLog{})
	ctx := context.Background()
	var last Issued
	for range 5 {
		var err error
		if last, err = e.Issue(ctx, "pension", false); err != nil {
			t.Fatal(err)
		}
	}
	h := DemoHall()
	for i := range h.Staff {
		h.Staff[i].PIN = ""
	}
	if _, err := e.ImportHall(ctx, h, "again"); err != nil {
		t.Fatal(err)
	}
	e.mu.Lock()
	st := e.st.byToken
	e.mu.Unlock()
	if st != nil {
		t.Errorf("after a change of hall the command state indexes %d tokens", len(st.std))
	}
	e.Read(func(s *State) {
		if tk, ok := s.TicketByToken(last.Ticket.Token()); !ok || tk.ID != last.Ticket.ID {
			t.Errorf("the committed state finds %v by %s's token", tk, last.Ticket.Number)
		}
	})
}

// Once committed, a ticket is held once: the state commands decide on
// and the committed state readers see share its value.
func TestCommittedTicketsAreShared(t *testing.T) {
	e := newShareEngine(t, &gateLog{})
	ctx := context.Background()
	for range 50 {
		if _, err := e.Issue(ctx, "pension", false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Open(ctx, "2", "S03"); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if _, err := e.Next(ctx, "2", "S03"); err != nil {
			t.Fatal(err)
		}
	}
	// A batch is acknowledged before the command state takes its values
	// (share runs after the ack, on the committer): wait for the last one.
	shared, committed := 0, 0
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(time.Millisecond) {
		e.mu.Lock()
		e.commitMu.Lock()
		shared, committed = 0, len(e.committed.Tickets)
		for id, tk := range e.committed.Tickets {
			if e.st.Tickets[id] == tk {
				shared++
			}
		}
		if (shared == committed && shared == 50) || time.Now().After(deadline) {
			break // with both locks held, for the checks below
		}
		e.commitMu.Unlock()
		e.mu.Unlock()
	}
	defer e.mu.Unlock()
	defer e.commitMu.Unlock()
	if shared != committed || shared != 50 {
		t.Errorf("%d of %d committed tickets shared with the command state, want all 50", shared, committed)
	}
	for _, tk := range e.st.Waiting("civil") {
		if e.st.Tickets[tk.ID] != tk {
			t.Fatalf("%s: the command state's indexes hold another value than its tickets", tk.Number)
		}
		if c := e.committed.Tickets[tk.ID]; e.committed.byToken.of(c) != c {
			t.Fatalf("%s: the committed state's token index holds another value than its tickets", tk.Number)
		}
	}
	if e.st.byToken != nil {
		t.Errorf("the command state keeps a token index of %d tickets: the committed one has them all", len(e.st.byToken.std))
	}
}

// While a command's events are being written, readers see the ticket it
// changes as committed, though the value was shared: the command changed
// a copy. Once written, the command state takes the committed value only
// where no later command changed the ticket since.
func TestCommandChangesACopyOfASharedTicket(t *testing.T) {
	log := &gateLog{}
	e := newShareEngine(t, log)
	ctx := context.Background()
	b1, err := e.Issue(ctx, "pension", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Open(ctx, "2", "S03"); err != nil {
		t.Fatal(err)
	}
	id := b1.Ticket.ID
	log.gate()
	done := make(chan error, 2)
	go func() {
		_, err := e.Next(ctx, "2", "S03")
		done <- err
	}()
	<-log.arrived // the call is being written
	e.Read(func(s *State) {
		tk := s.Tickets[id]
		if tk.Status() != StatusWaiting || s.Windows["2"].Current != "" || len(s.Waiting("civil")) != 1 || len(s.Recent) != 0 {
			t.Errorf("while the call is being written readers see %s %s, window 2 at %q, %d waiting", tk.Number, tk.Status(), s.Windows["2"].Current, len(s.Waiting("civil")))
		}
	})
	go func() {
		_, err := e.Start(ctx, "2", "S03")
		done <- err
	}()
	commandState := func() (status string) {
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.st.Tickets[id].Status()
	}
	for deadline := time.Now().Add(30 * time.Second); commandState() != StatusServing; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the start never reached the command state")
		}
	}
	log.proceed <- struct{}{} // the call is written
	<-log.arrived             // and the start is being written
	e.Read(func(s *State) {
		if tk := s.Tickets[id]; tk.Status() != StatusCalled || s.Windows["2"].Current != id {
			t.Errorf("once the call is written readers see %s %s", tk.Number, tk.Status())
		}
	})
	if got := commandState(); got != StatusServing {
		t.Errorf("the command state took the committed value of %s (%s) over its own later one (serving)", b1.Ticket.Number, got)
	}
	log.ungate()
	log.proceed <- struct{}{}
	for range 2 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	e.Read(func(s *State) {
		if tk := s.Tickets[id]; tk.Status() != StatusServing {
			t.Errorf("once the start is written readers see %s %s", tk.Number, tk.Status())
		}
	})
}

// Any run of commands leaves the command state, the committed state and
// the state replayed from the log alike: no command changed a shared
// ticket in place, nor twice.
func TestSharingKeepsStatesAlike(t *testing.T) {
	log := &gateLog{}
	e := newShareEngine(t, log)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	windows := []struct{ w, staff string }{{"1", "S01"}, {"2", "S03"}, {"3", "S05"}, {"4", "S06"}}
	services := []string{"guide", "pension", "medicare", "lowincome", "agency"}
	var wg sync.WaitGroup
	for k := range 4 {
		wg.Go(func() {
			w := windows[k]
			e.Open(ctx, w.w, w.staff)
			for i := range 150 {
				switch op := (k*7919 + i*31) % 11; {
				case op < 4:
					e.Issue(ctx, services[(k+i)%len(services)], i%5 == 0)
				case op < 6:
					e.Next(ctx, w.w, w.staff)
				case op == 6:
					e.Start(ctx, w.w, w.staff)
				case op == 7:
					e.Finish(ctx, w.w, w.staff, OutcomeImmediate)
				case op == 8:
					e.NoShow(ctx, w.w, w.staff)
					e.RequeueLast(ctx, w.w, w.staff)
				case op == 9:
					e.Transfer(ctx, w.w, w.staff, "civil")
				default:
					e.Recall(ctx, w.w, w.staff)
				}
			}
		})
	}
	for range 100 {
		e.Issue(ctx, services[rng.IntN(len(services))], rng.IntN(4) == 0)
	}
	wg.Wait()
	e.mu.Lock()
	st, _ := json.Marshal(e.st)
	e.mu.Unlock()
	var committed []byte
	e.Read(func(s *State) { committed, _ = json.Marshal(s) })
	replayed := NewState(DemoHall())
	log.Replay(0, func(ev Event) error { replayed.Apply(ev); return nil })
	want, _ := json.Marshal(replayed)
	if !bytes.Equal(committed, want) {
		t.Errorf("the committed state differs from the log replayed:\n%s\n%s", committed, want)
	}
	if !bytes.Equal(st, want) {
		t.Errorf("the command state differs from the log replayed")
	}
	if replayed.Seq < 300 {
		t.Errorf("only %d events: the commands did little", replayed.Seq)
	}
}

// snapLog is a log whose snapshots wait to be let through.
type snapLog struct {
	gateLog
	saving chan uint64   // told the seq of each snapshot being saved
	saved  chan struct{} // lets one through
	mu     sync.Mutex
	snaps  map[uint64][]byte
}

func (l *snapLog) SaveSnapshot(seq uint64, data []byte) error {
	l.saving <- seq
	<-l.saved
	l.mu.Lock()
	defer l.mu.Unlock()
	l.snaps[seq] = data
	return nil
}

// Saving a snapshot does not hold commands up: tickets are issued and
// acknowledged while a slow disk takes the snapshot, which is of the
// state as it was, and loads as that state.
func TestSnapshotIsSavedOffTheCommitPath(t *testing.T) {
	log := &snapLog{saving: make(chan uint64), saved: make(chan struct{}), snaps: map[uint64][]byte{}}
	e, err := NewEngine(DemoHall(), log, Options{Now: func() time.Time { return shareMorning }, SnapshotEvery: 5})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	issued := make(chan error)
	go func() {
		for range 30 {
			if _, err := e.Issue(ctx, "pension", false); err != nil {
				issued <- err
				return
			}
		}
		issued <- nil
	}()
	seq := <-log.saving // and held there while the tickets go on
	if err := <-issued; err != nil {
		t.Fatalf("issuing while a snapshot is being saved: %v", err)
	}
	replayed := NewState(DemoHall())
	log.Replay(0, func(ev Event) error {
		if ev.Seq <= seq {
			replayed.Apply(ev)
		}
		return nil
	})
	log.saved <- struct{}{}
	closed := make(chan error)
	go func() { closed <- e.Close() }()
	for {
		select {
		case <-log.saving: // the last one, at Close
			log.saved <- struct{}{}
			continue
		case err := <-closed:
			if err != nil {
				t.Fatal(err)
			}
		}
		break
	}
	first, err := UnmarshalState(DemoHall(), log.snaps[seq])
	if err != nil {
		t.Fatal(err)
	}
	if got, want := jsonOf(t, first), jsonOf(t, replayed); !bytes.Equal(got, want) {
		t.Errorf("the snapshot saved while tickets were issued is not the state at its event %d:\n%s\n%s", seq, got, want)
	}
	last, err := UnmarshalState(DemoHall(), log.snaps[31])
	if err != nil {
		t.Fatalf("the snapshot at Close: %v", err)
	}
	if len(last.Tickets) != 30 {
		t.Errorf("the snapshot at Close has %d tickets, want 30", len(last.Tickets))
	}
}

package queue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// busyState is a day with tickets in every condition a snapshot meets:
// waiting, priority, transferred, called, served, finished and rated,
// no-show, cancelled, held, carried over; times in UTC and in the hall's
// zone (+08:00), as a clock set either way gives.
func busyState(t testing.TB) *State {
	t.Helper()
	h := DemoHall()
	s := NewState(h)
	utc := time.Date(2026, 11, 21, 0, 30, 0, 123456789, time.UTC)
	cst := time.Date(2026, 11, 21, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	seq := uint64(0)
	apply := func(at time.Time, ev Event) {
		seq++
		ev.Seq, ev.At = seq, at
		s.Apply(ev)
	}
	apply(utc, Event{Type: EvDay, Day: "2026-11-21"})
	apply(utc, Event{Type: EvIssued, Ticket: "20261121-A001", Number: "A001", Category: "consult", Service: "guide", Token: "TA1", Reason: ReasonCarried})
	for i := 1; i <= 40; i++ {
		num := FormatNumber("B", i)
		at := utc
		if i%2 == 0 {
			at = cst
		}
		apply(at.Add(time.Duration(i)*time.Minute), Event{Type: EvIssued, Ticket: "20261121-" + num, Number: num, Category: "civil", Service: "medicare",
			Token: fmt.Sprint("TB", i), Priority: i%7 == 0, Kind: map[bool]string{true: PriorityElder}[i%14 == 0]})
	}
	apply(cst, Event{Type: EvOpened, Window: "2", Staff: "S03"})
	apply(cst, Event{Type: EvPrinted, Ticket: "20261121-B001", Printed: true})
	apply(cst, Event{Type: EvCalled, Ticket: "20261121-B001", Window: "2", Staff: "S03"})
	apply(cst, Event{Type: EvStarted, Ticket: "20261121-B001", Window: "2", Staff: "S03"})
	apply(cst.Add(7*time.Minute), Event{Type: EvFinished, Ticket: "20261121-B001", Window: "2", Staff: "S03", Outcome: OutcomeImmediate})
	apply(cst.Add(8*time.Minute), Event{Type: EvRated, Ticket: "20261121-B001", Score: 2, Reason: "slow"})
	apply(cst, Event{Type: EvCalled, Ticket: "20261121-B002", Window: "2", Staff: "S03"})
	apply(cst, Event{Type: EvCalled, Ticket: "20261121-B002", Window: "2", Staff: "S03", Recall: true})
	apply(cst, Event{Type: EvNoShow, Ticket: "20261121-B002", Window: "2", Staff: "S03"})
	apply(utc, Event{Type: EvTransferred, Ticket: "20261121-B003", Category: "health"})
	apply(utc, Event{Type: EvCancelled, Ticket: "20261121-B004", Reason: "left"})
	apply(cst, Event{Type: EvCalled, Ticket: "20261121-B005", Window: "2", Staff: "S03"})
	apply(cst, Event{Type: EvHeld, Ticket: "20261121-B005", Window: "2", Staff: "S03"})
	apply(cst, Event{Type: EvCalled, Ticket: "20261121-B006", Window: "2", Staff: "S03"})
	return s
}

func jsonOf(t testing.TB, s *State) []byte {
	t.Helper()
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A binary snapshot loads as the same state a JSON one does: the same
// document, the same lines and the same tickets' places.
func TestSnapshotRoundTripEqualsJSON(t *testing.T) {
	s := busyState(t)
	bin, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(bin, []byte(snapshotMagic)) {
		t.Fatalf("the snapshot is not the binary format: %q", bin[:8])
	}
	js := jsonOf(t, s)
	fromBin, err := UnmarshalState(s.hall, bin)
	if err != nil {
		t.Fatal(err)
	}
	fromJSON, err := UnmarshalState(s.hall, js)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := jsonOf(t, fromBin), jsonOf(t, fromJSON); !bytes.Equal(got, want) {
		t.Fatalf("binary snapshot loads as\n%s\nJSON snapshot as\n%s", got, want)
	}
	if got := jsonOf(t, fromBin); !bytes.Equal(got, js) {
		t.Fatalf("binary snapshot loads as\n%s\nthe state was\n%s", got, js)
	}
	for id, tk := range s.Tickets {
		b, j := fromBin.Tickets[id], fromJSON.Tickets[id]
		if fromBin.Ahead(b) != fromJSON.Ahead(j) || fromBin.Ahead(b) != s.Ahead(tk) {
			t.Errorf("%s: %d ahead from the binary snapshot, %d from JSON, %d before", id, fromBin.Ahead(b), fromJSON.Ahead(j), s.Ahead(tk))
		}
		if b.IssuedAt().Format(time.RFC3339Nano) != tk.IssuedAt().Format(time.RFC3339Nano) || b.IssuedAt().Location().String() != j.IssuedAt().Location().String() {
			t.Errorf("%s issued at %v (%v), JSON gives %v (%v)", id, b.IssuedAt(), b.IssuedAt().Location(), j.IssuedAt(), j.IssuedAt().Location())
		}
	}
	for _, c := range []string{"civil", "health", "consult"} {
		if got, want := len(fromBin.Waiting(c)), len(s.Waiting(c)); got != want {
			t.Errorf("%s: %d waiting after the binary snapshot, %d before", c, got, want)
		}
	}
	again, err := fromBin.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, bin) {
		t.Errorf("the same state gave two different snapshots")
	}
	if len(bin) >= len(js)/2 {
		t.Errorf("binary snapshot %d bytes, JSON %d: not compact", len(bin), len(js))
	}
}

// Every field of a ticket survives a binary snapshot: a field added to
// Ticket and not written by the snapshot fails here, not in a hall that
// restarted.
func TestSnapshotKeepsEveryTicketField(t *testing.T) {
	var w ticketWire
	v := reflect.ValueOf(&w).Elem()
	at := time.Date(2026, 11, 21, 1, 2, 3, 4, time.UTC)
	for i := range v.NumField() {
		f := v.Field(i)
		if !f.CanSet() {
			continue
		}
		name := v.Type().Field(i).Name
		switch f.Interface().(type) {
		case string:
			f.SetString("v-" + name)
		case bool:
			f.SetBool(true)
		case int:
			f.SetInt(int64(i + 1))
		case time.Time:
			at := at.Add(time.Duration(i) * time.Hour)
			if name == "IssuedAt" || name == "QueuedAt" {
				// A ticket keeps these as instants, read in the local zone.
				at = at.Local()
			}
			f.Set(reflect.ValueOf(at))
		case []string:
			f.Set(reflect.ValueOf([]string{"v-" + name, "w-" + name}))
		default:
			t.Fatalf("Ticket.%s is a %s: teach the snapshot (snapshot_tickets.go) to write it", name, f.Type())
		}
	}
	fields := map[string]bool{"QueuedAt": true} // Ticket.queued
	for _, typ := range []reflect.Type{reflect.TypeFor[Ticket](), reflect.TypeFor[ticketMore]()} {
		for i := range typ.NumField() {
			if f := typ.Field(i); f.IsExported() {
				fields[f.Name] = true
			}
		}
	}
	for i := range v.NumField() {
		delete(fields, v.Type().Field(i).Name)
	}
	if len(fields) > 0 {
		t.Fatalf("Ticket's fields %v are not in ticketWire: its JSON and this test would leave them out", fields)
	}
	w.Status = StatusHeld // one of the statuses, the last
	var tk Ticket
	if err := tk.setWire(w); err != nil {
		t.Fatal(err)
	}
	if got := tk.wire(); !reflect.DeepEqual(got, w) {
		t.Fatalf("a ticket set from\n%+v\nreads back as\n%+v: keep every field of ticketWire in Ticket (ticket.go)", w, got)
	}
	s := NewState(DemoHall())
	s.Tickets[tk.ID] = &tk
	data, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := decodeSnapshot(data)
	if err != nil {
		t.Fatal(err)
	}
	got := back.Tickets[tk.ID]
	if got == nil {
		t.Fatalf("ticket %s lost", tk.ID)
	}
	gv := reflect.ValueOf(got.wire())
	for i := range v.NumField() {
		if !v.Field(i).CanInterface() {
			continue
		}
		if a, b := v.Field(i).Interface(), gv.Field(i).Interface(); !reflect.DeepEqual(a, b) {
			t.Errorf("Ticket.%s: %v written, %v read back: write it in snapshot_tickets.go", v.Type().Field(i).Name, a, b)
		}
	}
}

// A snapshot of an earlier version (one JSON document) still loads, so a
// hall that upgrades starts.
func TestOldJSONSnapshotLoads(t *testing.T) {
	data, err := os.ReadFile("testdata/snapshot-json.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := UnmarshalState(DemoHall(), data)
	if err != nil {
		t.Fatalf("an old JSON snapshot: %v", err)
	}
	if s.Seq != 56 || s.Day != "2026-11-21" || len(s.Tickets) != 41 {
		t.Fatalf("old snapshot loaded at seq %d, day %s, %d tickets; want 56, 2026-11-21, 41", s.Seq, s.Day, len(s.Tickets))
	}
	if b := s.Tickets["20261121-B003"]; b == nil || b.Category != "health" || len(b.Transfers()) != 1 || s.Ahead(b) != 0 {
		t.Errorf("the transferred ticket: %+v", b)
	}
	if n := len(s.Waiting("civil")); n != 34 {
		t.Errorf("%d waiting for civil after an old snapshot, want 34", n)
	}
	// And once loaded, it is saved in the new format and loads again.
	bin, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	again, err := UnmarshalState(DemoHall(), bin)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(jsonOf(t, again), jsonOf(t, s)) {
		t.Errorf("the old snapshot, saved again, loads differently")
	}
}

// A binary snapshot that is wrong inside (its checksum matched: a bug, or
// a snapshot of a newer yimen) is refused saying what and where, never
// loaded as another state and never a crash.
func TestDamagedBinarySnapshotIsRefused(t *testing.T) {
	busy := busyState(t)
	good, err := busy.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	b1 := busy.Tickets["20261121-B001"]
	twice, err := busy.marshalWith([]*Ticket{b1, busy.Tickets["20261121-B002"], b1})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"a ticket twice", twice, "ticket 20261121-B001 twice"},
		{"newer version", append(append([]byte(snapshotMagic), 9), good[5:]...), "version 9"},
		{"not a snapshot", []byte("YMXX\x01"), "not a snapshot"},
		{"cut in the ticket table", good[:len(good)-30], "cut short"},
		{"bytes after the table", append(bytes.Clone(good), 0), "bytes left"},
	} {
		_, err := UnmarshalState(DemoHall(), c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.want)
		}
	}
	// Cut anywhere, or any byte changed: an error or, where the change
	// falls on a value, a state; never a panic. (Every fifth place: the
	// same code reads every place.)
	for n := 0; n < len(good); n += 5 {
		if _, err := UnmarshalState(DemoHall(), good[:n]); err == nil {
			t.Fatalf("a snapshot cut to %d of %d bytes loaded", n, len(good))
		} else if n > 200 && !errors.Is(err, errCutShort) && !strings.Contains(err.Error(), "JSON") {
			t.Fatalf("cut to %d bytes: %v, want cut short", n, err)
		}
		bad := bytes.Clone(good)
		bad[n] ^= 0xff
		UnmarshalState(DemoHall(), bad)
	}
}

// An engine refuses to start on a damaged snapshot: the hall's log is
// damaged, and the error says it is the snapshot.
func TestEngineRefusesDamagedSnapshot(t *testing.T) {
	good, err := busyState(t).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	log := &memSnapLog{seq: 60, snap: good[:len(good)-10]}
	_, err = NewEngine(DemoHall(), log, Options{})
	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "snapshot at event 60") || !strings.Contains(err.Error(), "cut short") {
		t.Fatalf("NewEngine on a cut snapshot: %v, want ErrDamaged naming the snapshot at event 60, cut short", err)
	}
}

// memSnapLog is a log holding only a snapshot.
type memSnapLog struct {
	mu   sync.Mutex
	seq  uint64
	snap []byte
}

func (l *memSnapLog) Append([]Event) error                   { return errors.New("read-only") }
func (l *memSnapLog) Replay(uint64, func(Event) error) error { return nil }

func (l *memSnapLog) SaveSnapshot(seq uint64, data []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq, l.snap = seq, data
	return nil
}

func (l *memSnapLog) LoadSnapshot() (uint64, []byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seq, l.snap, nil
}

// A hall that upgrades starts from its JSON snapshot once: the engine
// saves it again in the binary format at once, as the same state.
func TestOldJSONSnapshotIsSavedAgain(t *testing.T) {
	data, err := os.ReadFile("testdata/snapshot-json.json")
	if err != nil {
		t.Fatal(err)
	}
	log := &memSnapLog{seq: 56, snap: data}
	e, err := NewEngine(DemoHall(), log, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, snap, _ := log.LoadSnapshot(); isSnapshot(snap) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the JSON snapshot was not saved again in the binary format")
		}
	}
	seq, snap, _ := log.LoadSnapshot()
	old, _ := UnmarshalState(DemoHall(), data)
	now, err := UnmarshalState(DemoHall(), snap)
	if err != nil {
		t.Fatal(err)
	}
	if seq != 56 || !bytes.Equal(jsonOf(t, now), jsonOf(t, old)) {
		t.Errorf("saved again at event %d as another state", seq)
	}
}

// A busy day's snapshot (its token index is built beside the others)
// loads with every ticket found by its token and in its line.
func TestBusySnapshotIndexesEveryTicket(t *testing.T) {
	s := NewState(DemoHall())
	at := time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)
	s.Apply(Event{Seq: 1, At: at, Type: EvDay, Day: "2026-11-21"})
	const n = 12_000
	for i := 1; i <= n; i++ {
		num := FormatNumber("B", i)
		s.Apply(Event{Seq: uint64(i + 1), At: at.Add(time.Duration(i) * time.Second), Type: EvIssued, Ticket: "20261121-" + num,
			Number: num, Category: "civil", Service: "pension", Token: fmt.Sprint("T", i), Priority: i%9 == 0})
	}
	got, err := UnmarshalState(s.hall, mustMarshal(t, s))
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		if tk, ok := got.TicketByToken(fmt.Sprint("T", i)); !ok || tk != got.Tickets[tk.ID] {
			t.Fatalf("ticket %d not found by its token after the snapshot", i)
		}
	}
	if all, prio := got.WaitingCounts("civil"); all != n || prio != n/9 {
		t.Errorf("%d waiting (%d priority) after the snapshot, want %d (%d)", all, prio, n, n/9)
	}
	if got.issuedService["pension"] != n {
		t.Errorf("%d counted for the daily cap, want %d", got.issuedService["pension"], n)
	}
}

func mustMarshal(t *testing.T, s *State) []byte {
	t.Helper()
	data, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// Tickets are written in ID order, however their IDs compare: the same
// state always gives the same snapshot.
func TestSnapshotTicketsInIDOrder(t *testing.T) {
	ids := []string{"20261121-A001", "20261121-A0010", "20261121-A001\x00", "20261121-B001", "20261121-A0001",
		"20261121-A001-long-tail-b", "20261121-A001-long-tail-a", "20261121-A001-long-tail", "", "2", "20261120-Z999"}
	m := map[string]*Ticket{}
	for _, id := range ids {
		m[id] = &Ticket{ID: id}
	}
	want := slices.Clone(ids)
	slices.Sort(want)
	var got []string
	for _, tk := range ticketsInIDOrder(m) {
		got = append(got, tk.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("tickets in the order\n%q\nwant\n%q", got, want)
	}
}

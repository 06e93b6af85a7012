package queue

import (
	"bytes"
	"reflect"
	"testing"
	"time"
)

// A clone is the same state, and changing it changes nothing in the
// original: the engine's committed state and every reader's copy are
// clones.
func TestCloneIsDeep(t *testing.T) {
	h := DemoHall()
	s := NewState(h)
	at := time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)
	s.Apply(Event{Seq: 1, At: at, Type: EvDay, Day: "2026-11-21"})
	s.Apply(Event{Seq: 2, At: at, Type: EvIssued, Ticket: "20261121-B001", Number: "B001", Category: "civil", Service: "medicare", Token: "T1"})
	s.Apply(Event{Seq: 3, At: at, Type: EvIssued, Ticket: "20261121-B002", Number: "B002", Category: "civil", Service: "medicare", Token: "T2", Priority: true})
	s.Apply(Event{Seq: 4, At: at, Type: EvTransferred, Ticket: "20261121-B001", Category: "health"})
	c, err := s.Clone()
	if err != nil {
		t.Fatal(err)
	}
	a, _ := s.Marshal()
	b, _ := c.Marshal()
	if !bytes.Equal(a, b) {
		t.Fatalf("clone differs:\n%s\n%s", a, b)
	}
	if c.Ahead(c.Tickets["20261121-B002"]) != 0 || len(c.Waiting("health")) != 1 {
		t.Errorf("the clone's lines were not rebuilt")
	}
	// States change only through Apply; a ticket shared by the two is
	// copied by the one that changes it.
	c.Apply(Event{Seq: 5, At: at, Type: EvTransferred, Ticket: "20261121-B001", Category: "civil"})
	c.Apply(Event{Seq: 6, At: at, Type: EvCancelled, Ticket: "20261121-B002", Reason: "left"})
	c.Apply(Event{Seq: 7, At: at, Type: EvIssued, Ticket: "20261121-B003", Number: "B003", Category: "civil", Service: "medicare", Token: "T3"})
	if a2, _ := s.Marshal(); !bytes.Equal(a, a2) {
		t.Errorf("changing the clone changed the original")
	}
	s.Apply(Event{Seq: 5, At: at, Type: EvCancelled, Ticket: "20261121-B001", Reason: "left"})
	if tk := c.Tickets["20261121-B001"]; tk.Status() != StatusTransferred || len(tk.Transfers()) != 2 {
		t.Errorf("changing the original changed the clone: %+v", tk)
	}
	if tk := s.Tickets["20261121-B001"]; len(tk.Transfers()) != 1 || tk.Status() != StatusCancelled {
		t.Errorf("the original's ticket: %+v", tk)
	}
	if c.Ahead(c.Tickets["20261121-B001"]) != 0 || len(s.Waiting("civil")) != 1 || len(c.Waiting("civil")) != 2 {
		t.Errorf("lines: %d waiting for civil in the original, %d in the clone", len(s.Waiting("civil")), len(c.Waiting("civil")))
	}
}

// A ticket is copied before a state changes it (own), and the copy shares
// what the ticket refers to: its rare part (more), which is replaced and
// never changed in place (change), and in it Transfers, which is only
// appended to a clipped slice (appendTransfer). A new field that refers
// to memory must be copied there too.
func TestTicketHoldsNoOtherReference(t *testing.T) {
	for _, c := range []struct {
		typ     reflect.Type
		allowed map[string]bool
	}{
		{reflect.TypeFor[Ticket](), map[string]bool{"owner": true, "more": true}},
		{reflect.TypeFor[ticketMore](), map[string]bool{"Transfers": true}},
	} {
		for i := range c.typ.NumField() {
			f := c.typ.Field(i)
			switch f.Type.Kind() {
			case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface, reflect.Chan, reflect.Func:
				if !c.allowed[f.Name] {
					t.Errorf("%s.%s refers to memory: copy it in own (share.go)", c.typ.Name(), f.Name)
				}
			}
		}
	}
}

// A copy of a ticket taken before a change keeps what it had: the rare
// part the two share is replaced, not changed in place.
func TestTicketCopyKeepsItsRarePart(t *testing.T) {
	var tk Ticket
	tk.change().Window = "1"
	tk.change().appendTransfer("civil")
	before := tk
	m := tk.change()
	m.Window = "2"
	m.appendTransfer("health")
	if before.Window() != "1" || len(before.Transfers()) != 1 || tk.Window() != "2" || len(tk.Transfers()) != 2 {
		t.Fatalf("copy: window %q, transfers %v; ticket: window %q, transfers %v", before.Window(), before.Transfers(), tk.Window(), tk.Transfers())
	}
}

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
	c.Tickets["20261121-B001"].Transfers[0] = "changed"
	c.Tickets["20261121-B002"].Number = "X"
	c.Apply(Event{Seq: 5, At: at, Type: EvIssued, Ticket: "20261121-B003", Number: "B003", Category: "civil", Service: "medicare", Token: "T3"})
	if a2, _ := s.Marshal(); !bytes.Equal(a, a2) {
		t.Errorf("changing the clone changed the original")
	}
}

// Clone copies tickets without reflection: it knows Transfers is the
// only field that refers to memory. A new such field must be copied there.
func TestTicketHoldsNoOtherReference(t *testing.T) {
	tt := reflect.TypeFor[Ticket]()
	for i := range tt.NumField() {
		f := tt.Field(i)
		switch f.Type.Kind() {
		case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface, reflect.Chan, reflect.Func:
			if f.Name != "Transfers" {
				t.Errorf("Ticket.%s refers to memory: copy it in deepCopy's ticket fast path", f.Name)
			}
		}
	}
}

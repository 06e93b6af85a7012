package queue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// A busy morning holds a hundred thousand waiting tickets, most of the
// daemon's memory, and the engine's two states share them: a field added
// to Ticket costs that many times over. What a waiting walk-in does not
// have belongs in ticketMore, allocated when a ticket first needs it.
// The figure to watch is `yimen bench -parts issue,heap floor`; this
// only keeps the struct from growing unnoticed.
func TestTicketStaysSmall(t *testing.T) {
	if n := unsafe.Sizeof(Ticket{}); n > 128 {
		t.Errorf("a Ticket takes %d bytes, more than 128: move what a waiting ticket does not need to ticketMore", n)
	}
}

// A waiting ticket has no rare part and no string of its own for its
// token, however it came to the state: issued or read back from a
// snapshot; and its token finds it.
func TestWaitingTicketHoldsNoMore(t *testing.T) {
	s := NewState(DemoHall())
	at := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	s.Apply(Event{Seq: 1, At: at, Type: EvDay, Day: "2026-11-21"})
	tokens := map[string]string{}
	for i := range 3 {
		id, tok := fmt.Sprintf("20261121-B%03d", i+1), newToken()
		tokens[id] = tok
		s.Apply(Event{Seq: uint64(i + 2), At: at, Type: EvIssued, Ticket: id, Number: id[9:], Category: "civil", Service: "medicare", Token: tok})
	}
	back, err := UnmarshalState(s.hall, mustMarshal(t, s))
	if err != nil {
		t.Fatal(err)
	}
	for name, st := range map[string]*State{"applied": s, "from a snapshot": back} {
		for id, tok := range tokens {
			tk := st.Tickets[id]
			if tk.more != nil || !tk.hasTok || tk.Token() != tok {
				t.Errorf("%s: waiting ticket %s holds a rare part %v, its token as bytes %v (%q, want %q)", name, id, tk.more, tk.hasTok, tk.Token(), tok)
			}
			if got, ok := st.TicketByToken(tok); !ok || got != tk {
				t.Errorf("%s: token %s finds %v", name, tok, got)
			}
			if got, ok := st.TicketByToken(strings.ToLower(tok)); ok {
				t.Errorf("%s: the token in small letters finds %s", name, got.ID)
			}
		}
	}
}

// A token or a priority kind of another shape than the daemon makes (a
// hand-made log) is kept and found as it is; the known kinds are kept as
// one byte.
func TestOddTokenAndKindAreKept(t *testing.T) {
	s := NewState(DemoHall())
	at := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	s.Apply(Event{Seq: 1, At: at, Type: EvDay, Day: "2026-11-21"})
	s.Apply(Event{Seq: 2, At: at, Type: EvIssued, Ticket: "20261121-B001", Number: "B001", Category: "civil", Service: "medicare", Token: "tok-1", Priority: true, Kind: "veteran"})
	s.Apply(Event{Seq: 3, At: at, Type: EvIssued, Ticket: "20261121-B002", Number: "B002", Category: "civil", Service: "medicare", Token: newToken(), Priority: true, Kind: PriorityGreen})
	back, err := UnmarshalState(s.hall, mustMarshal(t, s))
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	fromJSON, err := UnmarshalState(s.hall, js)
	if err != nil {
		t.Fatal(err)
	}
	for name, st := range map[string]*State{"applied": s, "from a snapshot": back, "from JSON": fromJSON} {
		if tk, ok := st.TicketByToken("tok-1"); !ok || tk.Token() != "tok-1" || tk.Kind() != "veteran" {
			t.Errorf("%s: token tok-1 finds %v", name, tk)
		}
		if tk := st.Tickets["20261121-B002"]; tk.Kind() != PriorityGreen || tk.more != nil {
			t.Errorf("%s: B002 of kind %q, rare part %v", name, tk.Kind(), tk.more)
		}
	}
}

// A snapshot holding a ticket of a status no version has written is
// refused, naming the ticket, rather than loaded as a ticket of none.
func TestUnknownTicketStatusIsRefused(t *testing.T) {
	s := NewState(DemoHall())
	at := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	s.Apply(Event{Seq: 1, At: at, Type: EvDay, Day: "2026-11-21"})
	s.Apply(Event{Seq: 2, At: at, Type: EvIssued, Ticket: "20261121-B001", Number: "B001", Category: "civil", Service: "medicare", Token: newToken()})
	js, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	bin := mustMarshal(t, s)
	for name, data := range map[string][]byte{
		"JSON":   bytes.Replace(js, []byte(`"status":"waiting"`), []byte(`"status":"parked"`), 1),
		"binary": bytes.Replace(bin, []byte("\x07waiting"), []byte("\x07parking"), 1),
	} {
		if _, err := UnmarshalState(s.hall, data); err == nil || !strings.Contains(err.Error(), "20261121-B001") {
			t.Errorf("%s snapshot with an unknown status: %v, want an error naming the ticket", name, err)
		}
	}
}

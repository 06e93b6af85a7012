package queue

import (
	"testing"
	"unsafe"
)

// A busy morning holds a hundred thousand waiting tickets, most of the
// daemon's memory, and the engine's two states share them: a field added
// to Ticket costs that many times over. What a waiting walk-in does not
// have belongs in ticketMore, allocated when a ticket first needs it.
// The figure to watch is `yimen bench -parts issue,heap floor`; this
// only keeps the struct from growing unnoticed.
func TestTicketStaysSmall(t *testing.T) {
	if n := unsafe.Sizeof(Ticket{}); n > 176 {
		t.Errorf("a Ticket takes %d bytes, more than 176: move what a waiting ticket does not need to ticketMore", n)
	}
}

// A waiting ticket has no rare part, however it came to the state: issued
// or read back from a snapshot.
func TestWaitingTicketHasNoRarePart(t *testing.T) {
	s := busyState(t)
	back, err := UnmarshalState(s.hall, mustMarshal(t, s))
	if err != nil {
		t.Fatal(err)
	}
	for name, st := range map[string]*State{"applied": s, "from a snapshot": back} {
		n := 0
		for _, tk := range st.Tickets {
			if tk.Status == StatusWaiting && tk.Appointment() == "" && tk.Pickup() == "" && tk.Returns() == 0 && tk.Requeues() == 0 {
				n++
				if tk.more != nil {
					t.Errorf("%s: waiting ticket %s holds a rare part %+v", name, tk.ID, *tk.more)
				}
			}
		}
		if n == 0 {
			t.Fatalf("%s: no waiting walk-in to look at", name)
		}
	}
}

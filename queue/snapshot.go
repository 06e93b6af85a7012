package queue

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// A snapshot is the state at one event, so that start-up replays only the
// events after it. A busy day holds hundreds of thousands of tickets, and
// decoding them from JSON took seconds, so the tickets are written in a
// compact binary table and everything else (small, and changed by every
// feature) as JSON:
//
//	"YMSN" | version (1 byte) | uvarint n | n bytes of JSON: the state
//	without its tickets | uvarint count | count tickets (ticketCodec)
//
// Snapshots written before this format are one JSON document, starting
// with '{', and still load. The log seals either kind with its CRC-32C.
const (
	snapshotMagic   = "YMSN"
	snapshotVersion = 1
)

// Marshal encodes the state for a snapshot. The same state always gives
// the same bytes (tickets in ID order).
func (s *State) Marshal() ([]byte, error) {
	return s.marshalWith(ticketsInIDOrder(s.Tickets))
}

// ticketsInIDOrder lists the tickets in ID order. A busy day holds a hundred thousand
// of them, and sorting their pointers by ID read every ID from its own
// place in memory at each of the sort's two million comparisons (half the
// snapshot's cost); sorting on the IDs' first sixteen bytes held in the
// slice itself settles all but exact ties there.
func ticketsInIDOrder(m map[string]*Ticket) []*Ticket {
	type keyed struct {
		hi, lo uint64
		t      *Ticket
	}
	ks := make([]keyed, 0, len(m))
	for _, t := range m {
		var b [16]byte
		copy(b[:], t.ID)
		ks = append(ks, keyed{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:]), t})
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if c := cmp.Compare(a.hi, b.hi); c != 0 {
			return c
		}
		if c := cmp.Compare(a.lo, b.lo); c != 0 {
			return c
		}
		return strings.Compare(a.t.ID, b.t.ID) // longer IDs, or a NUL in one
	})
	out := make([]*Ticket, len(ks))
	for i, k := range ks {
		out[i] = k.t
	}
	return out
}

// marshalWith encodes the state with the given tickets in place of its
// own.
func (s *State) marshalWith(tickets []*Ticket) ([]byte, error) {
	rest := *s
	rest.Tickets = nil
	doc, err := json.Marshal(&rest)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(doc)+len(tickets)*120+32)
	out = append(out, snapshotMagic...)
	out = append(out, snapshotVersion)
	out = binary.AppendUvarint(out, uint64(len(doc)))
	out = append(out, doc...)
	return appendTickets(out, tickets), nil
}

// UnmarshalState decodes a snapshot made by Marshal, or by the JSON
// snapshots of earlier versions, and binds it to the hall the snapshot's
// log had set, or to h when it set none.
func UnmarshalState(h *Hall, data []byte) (*State, error) {
	return unmarshalState(h, data, true)
}

// isSnapshot says data is a snapshot in this version's format.
func isSnapshot(data []byte) bool {
	return bytes.HasPrefix(data, append([]byte(snapshotMagic), snapshotVersion))
}

// VerifySnapshot reads a snapshot through without a hall, as an offline
// check does: nil when the state it holds can be loaded.
func VerifySnapshot(data []byte) error {
	_, err := decodeSnapshot(data)
	return err
}

func unmarshalState(h *Hall, data []byte, parseDoc bool) (*State, error) {
	s, err := decodeSnapshot(data)
	if err != nil {
		return nil, err
	}
	if parseDoc && len(s.HallDoc) > 0 {
		logged, err := parseHallDoc(s.HallDoc)
		if err != nil {
			return nil, fmt.Errorf("hall of the snapshot: %w", err)
		}
		h = logged
	}
	s.attach(h)
	return s, nil
}

// decodeSnapshot reads either format into a state not yet bound to a hall.
func decodeSnapshot(data []byte) (*State, error) {
	s := &State{}
	switch {
	case len(data) > 0 && data[0] == '{':
		if err := json.Unmarshal(data, s); err != nil {
			return nil, fmt.Errorf("JSON snapshot: %w", err)
		}
	case bytes.HasPrefix(data, []byte(snapshotMagic)):
		if err := decodeBinary(s, data); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("not a snapshot: it starts with % x", data[:min(len(data), 8)])
	}
	if s.Tickets == nil {
		s.Tickets = map[string]*Ticket{}
	}
	if s.Counters == nil {
		s.Counters = map[string]int{}
	}
	if s.Windows == nil {
		s.Windows = map[string]*WindowState{}
	}
	if s.Staff == nil {
		s.Staff = map[string]*StaffState{}
	}
	if s.Cases == nil {
		s.Cases = map[string]*Case{}
	}
	if s.ServiceSecs == nil {
		s.ServiceSecs = map[string]float64{}
	}
	return s, nil
}

func decodeBinary(s *State, data []byte) error {
	s.tag = new(stateTag) // the tickets read are the state's own
	r := &snapReader{b: data, off: len(snapshotMagic), tag: s.tag}
	if v := r.byte(); r.err == nil && v != snapshotVersion {
		return fmt.Errorf("snapshot format version %d: this yimen reads version %d (a newer yimen wrote it?)", v, snapshotVersion)
	}
	doc := r.bytes(r.uvarint())
	if r.err != nil {
		return fmt.Errorf("snapshot: its state %w", r.err)
	}
	if err := json.Unmarshal(doc, s); err != nil {
		return fmt.Errorf("snapshot: its state at bytes %d–%d: %w", r.off-len(doc), r.off, err)
	}
	tickets, err := r.tickets()
	if err != nil {
		return err
	}
	s.Tickets = tickets
	return nil
}

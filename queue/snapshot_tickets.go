package queue

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// The ticket table of a binary snapshot (version 1). Every field of Ticket
// is written, in this order (TestSnapshotKeepsEveryTicketField fails when a
// field is added and not written here):
//
//	uvarint flags (ticketFlag bits: the bools, and which times are set)
//	raw strings: ID, Number, Token (uvarint length, bytes)
//	table strings: Category, Service, Kind, Status, Window, Staff, Outcome,
//	  Reason, Received, Pickup, To, Appointment, Slot
//	varints: Recalls, Returns, Score, Holds, Requeues
//	uvarint len(Transfers), then each as a table string
//	the times that are set: IssuedAt, QueuedAt, CalledAt, StartedAt, DoneAt
//
// A table string is uvarint k: 0 is "", k ≤ len(table) is table[k-1], and
// k = len(table)+1 is a new string written next (length, bytes), appended
// to the table. The few categories, services, windows and clerks are
// written once, and a loaded state shares one copy of each.
//
// A time is varint seconds from the table's base (the first varint after
// the count), uvarint nanoseconds, varint zone offset in seconds; it is
// read back in the zone a JSON snapshot would give (UTC for offset 0, the
// local zone when its offset matches, else a fixed zone).
const (
	flagPriority = 1 << iota
	flagPrinted
	flagCarried
	flagIssuedAt
	flagQueuedAt
	flagCalledAt
	flagStartedAt
	flagDoneAt
)

func appendTickets(out []byte, tickets []*Ticket) []byte {
	var base int64
	for _, t := range tickets {
		if t.issued != 0 {
			base = t.IssuedAt().Unix()
			break
		}
	}
	out = binary.AppendUvarint(out, uint64(len(tickets)))
	out = binary.AppendVarint(out, base)
	w := snapWriter{out: out, table: map[string]uint64{}, base: base}
	for _, t := range tickets {
		w.ticket(t)
	}
	return w.out
}

type snapWriter struct {
	out   []byte
	table map[string]uint64
	base  int64
}

func (w *snapWriter) ticket(t *Ticket) {
	var flags uint64
	for _, f := range []struct {
		on  bool
		bit uint64
	}{
		{t.Priority, flagPriority}, {t.Printed, flagPrinted}, {t.Carried, flagCarried},
		{t.issued != 0, flagIssuedAt}, {!t.QueuedAt().IsZero(), flagQueuedAt},
		{!t.CalledAt().IsZero(), flagCalledAt}, {!t.StartedAt().IsZero(), flagStartedAt}, {!t.DoneAt().IsZero(), flagDoneAt},
	} {
		if f.on {
			flags |= f.bit
		}
	}
	w.out = binary.AppendUvarint(w.out, flags)
	for _, s := range []string{t.ID, t.Number} {
		w.out = binary.AppendUvarint(w.out, uint64(len(s)))
		w.out = append(w.out, s...)
	}
	var buf [26]byte
	tok := t.appendToken(buf[:0])
	w.out = binary.AppendUvarint(w.out, uint64(len(tok)))
	w.out = append(w.out, tok...)
	for _, s := range []string{t.Category, t.Service, t.Kind(), t.Status(), t.Window(), t.Staff(), t.Outcome(),
		t.Reason(), t.Received(), t.Pickup(), t.To(), t.Appointment(), t.Slot()} {
		w.str(s)
	}
	for _, n := range []int{t.Recalls(), t.Returns(), t.Score(), t.Holds(), t.Requeues()} {
		w.out = binary.AppendVarint(w.out, int64(n))
	}
	w.out = binary.AppendUvarint(w.out, uint64(len(t.Transfers())))
	for _, c := range t.Transfers() {
		w.str(c)
	}
	for _, at := range []time.Time{t.IssuedAt(), t.QueuedAt(), t.CalledAt(), t.StartedAt(), t.DoneAt()} {
		if !at.IsZero() {
			_, off := at.Zone()
			w.out = binary.AppendVarint(w.out, at.Unix()-w.base)
			w.out = binary.AppendUvarint(w.out, uint64(at.Nanosecond()))
			w.out = binary.AppendVarint(w.out, int64(off))
		}
	}
}

func (w *snapWriter) str(s string) {
	if s == "" {
		w.out = append(w.out, 0)
		return
	}
	if k, ok := w.table[s]; ok {
		w.out = binary.AppendUvarint(w.out, k)
		return
	}
	k := uint64(len(w.table)) + 1
	w.table[s] = k
	w.out = binary.AppendUvarint(w.out, k)
	w.out = binary.AppendUvarint(w.out, uint64(len(s)))
	w.out = append(w.out, s...)
}

// snapReader reads a binary snapshot; the first error sticks and every
// later read returns zero values, so that a decoder checks once.
type snapReader struct {
	b     []byte
	off   int
	err   error
	table []string
	base  int64
	zones map[int]*time.Location
	tag   *stateTag // the owner of the tickets read
}

var errCutShort = errors.New("cut short")

func (r *snapReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("at byte %d of %d: %s", r.off, len(r.b), fmt.Sprintf(format, args...))
	}
}

// short fails on a snapshot that ends before what it announced.
func (r *snapReader) short(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("at byte %d of %d: %s: %w", r.off, len(r.b), what, errCutShort)
	}
}

func (r *snapReader) byte() byte {
	if r.err != nil {
		return 0
	}
	if r.off >= len(r.b) {
		r.short("a byte")
		return 0
	}
	r.off++
	return r.b[r.off-1]
}

func (r *snapReader) uvarint() uint64 { return readVarint(r, binary.Uvarint) }

func (r *snapReader) varint() int64 { return readVarint(r, binary.Varint) }

func readVarint[T int64 | uint64](r *snapReader, read func([]byte) (T, int)) T {
	if r.err != nil {
		return 0
	}
	v, n := read(r.b[r.off:])
	switch {
	case n == 0:
		r.short("a number")
		return 0
	case n < 0:
		r.fail("a number overflows")
		return 0
	}
	r.off += n
	return v
}

// bytes returns the next n bytes, without copying.
func (r *snapReader) bytes(n uint64) []byte {
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)-r.off) {
		r.short(fmt.Sprintf("%d bytes announced", n))
		return nil
	}
	b := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return b
}

func (r *snapReader) raw() string { return string(r.bytes(r.uvarint())) }

func (r *snapReader) str() string {
	k := r.uvarint()
	switch {
	case r.err != nil || k == 0:
		return ""
	case k <= uint64(len(r.table)):
		return r.table[k-1]
	case k == uint64(len(r.table))+1:
		s := r.raw()
		r.table = append(r.table, s)
		return s
	}
	r.fail("string %d of a table of %d", k, len(r.table))
	return ""
}

func (r *snapReader) int() int {
	v := r.varint()
	if int64(int(v)) != v {
		r.fail("count %d out of range", v)
	}
	return int(v)
}

func (r *snapReader) time() time.Time {
	sec, nsec, off := r.varint(), r.uvarint(), r.varint()
	if r.err != nil {
		return time.Time{}
	}
	if nsec >= 1e9 || off <= -24*3600 || off >= 24*3600 {
		r.fail("a time with %d ns, zone offset %d s", nsec, off)
		return time.Time{}
	}
	t := time.Unix(r.base+sec, int64(nsec))
	if off == 0 {
		return t.UTC()
	}
	if local := t.In(time.Local); zoneOffset(local) == int(off) {
		return local
	}
	loc := r.zones[int(off)]
	if loc == nil {
		loc = time.FixedZone("", int(off))
		r.zones[int(off)] = loc
	}
	return t.In(loc)
}

func zoneOffset(t time.Time) int {
	_, off := t.Zone()
	return off
}

// tickets reads the ticket table, which ends the snapshot.
func (r *snapReader) tickets() (map[string]*Ticket, error) {
	n := r.uvarint()
	r.base = r.varint()
	r.zones = map[int]*time.Location{}
	if r.err == nil && n > uint64(len(r.b)-r.off) {
		// Every ticket takes more than a byte: a count this large is a
		// damaged one, not a table to make room for.
		r.short(fmt.Sprintf("%d tickets announced", n))
	}
	if r.err != nil {
		return nil, fmt.Errorf("snapshot: its ticket table %w", r.err)
	}
	out := make(map[string]*Ticket, n)
	for i := range n {
		t := &Ticket{owner: r.tag}
		r.ticket(t)
		if r.err == nil {
			if out[t.ID] = t; uint64(len(out)) != i+1 {
				r.fail("ticket %s twice", t.ID)
			}
		}
		if r.err != nil {
			return nil, fmt.Errorf("snapshot: ticket %d of %d: %w", i+1, n, r.err)
		}
	}
	if r.off != len(r.b) {
		return nil, fmt.Errorf("snapshot: %d bytes left after its %d tickets", len(r.b)-r.off, n)
	}
	return out, nil
}

func (r *snapReader) ticket(t *Ticket) {
	flags := r.uvarint()
	if flags >= flagDoneAt<<1 {
		r.fail("unknown ticket flags %#x", flags)
	}
	t.Priority, t.Printed, t.Carried = flags&flagPriority != 0, flags&flagPrinted != 0, flags&flagCarried != 0
	t.ID, t.Number = r.raw(), r.raw()
	tok := r.bytes(r.uvarint())
	if n := len(t.ID) - len(t.Number); n > 0 && t.ID[n:] == t.Number {
		t.Number = t.ID[n:] // one string for both, as Apply keeps them
	}
	var m ticketMore
	var status, kind string
	if t.tok, t.hasTok = tokenKey(string(tok)); !t.hasTok {
		m.token = string(tok)
	}
	for _, p := range []*string{&t.Category, &t.Service, &kind, &status, &m.Window, &m.Staff, &m.Outcome,
		&m.Reason, &m.Received, &m.Pickup, &m.To, &m.Appointment, &m.Slot} {
		*p = r.str()
	}
	for _, p := range []*int{&m.Recalls, &m.Returns, &m.Score, &m.Holds, &m.Requeues} {
		*p = r.int()
	}
	if n := r.uvarint(); n > 0 {
		if n > uint64(len(r.b)-r.off) {
			r.short(fmt.Sprintf("%d transfers announced", n))
			return
		}
		m.Transfers = make([]string, n)
		for i := range m.Transfers {
			m.Transfers[i] = r.str()
		}
	}
	var issued, queued time.Time
	for _, f := range []struct {
		bit uint64
		at  *time.Time
	}{{flagIssuedAt, &issued}, {flagQueuedAt, &queued}, {flagCalledAt, &m.CalledAt}, {flagStartedAt, &m.StartedAt}, {flagDoneAt, &m.DoneAt}} {
		if flags&f.bit != 0 {
			*f.at = r.time()
		}
	}
	t.issued = unixNano(issued)
	t.setQueuedAt(queued)
	m.kind = t.kindOf(kind)
	t.setMore(m)
	var ok bool
	if t.status, ok = statusCode(status); !ok {
		r.fail("ticket %s: unknown status %q", t.ID, status)
	}
}

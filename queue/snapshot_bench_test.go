package queue

import (
	"testing"
	"time"
)

// BenchmarkSnapshotBusyDay takes and encodes the snapshot of a day with
// 100,000 tickets waiting, as the committer does every SnapshotEvery
// events: the copy under the commit lock, then the encoding off it.
func BenchmarkSnapshotBusyDay(b *testing.B) {
	h := DemoHall()
	s := NewState(h)
	at := time.Date(2026, 11, 21, 0, 30, 0, 0, time.UTC)
	s.Apply(Event{Seq: 1, At: at, Type: EvDay, Day: "2026-11-21"})
	for i := 1; i <= 100_000; i++ {
		num := FormatNumber("B", i)
		s.Apply(Event{Seq: uint64(i + 1), At: at.Add(time.Duration(i) * time.Second), Type: EvIssued,
			Ticket: "20261121-" + num, Number: num, Category: "civil", Service: "medicare", Token: newToken()})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		snap := s.frozen()
		if _, err := snap.Marshal(); err != nil {
			b.Fatal(err)
		}
	}
}

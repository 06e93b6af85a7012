package queuetest

import (
	"errors"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// TestLog checks that a queue.Log keeps events in order, replays from any
// point, refuses gaps, and keeps the last snapshot. open returns a fresh,
// empty log; reopen, when not nil, closes it and opens the same storage
// again, to check durability.
func TestLog(t *testing.T, open func(t *testing.T) queue.Log, reopen func(t *testing.T, l queue.Log) queue.Log) {
	t.Run("empty", func(t *testing.T) {
		l := open(t)
		seq, data, err := l.LoadSnapshot()
		if err != nil || seq != 0 || len(data) != 0 {
			t.Fatalf("LoadSnapshot on empty log = %d, %q, %v; want 0, empty, nil", seq, data, err)
		}
		n := 0
		if err := l.Replay(0, func(queue.Event) error { n++; return nil }); err != nil || n != 0 {
			t.Fatalf("Replay on empty log: %d events, %v", n, err)
		}
	})
	t.Run("append and replay", func(t *testing.T) {
		l := open(t)
		at := time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)
		var evs []queue.Event
		for i := range 10 {
			evs = append(evs, queue.Event{Seq: uint64(i + 1), At: at.Add(time.Duration(i) * time.Second), Type: queue.EvIssued, Number: queue.FormatNumber("B", i+1)})
		}
		if err := l.Append(evs[:3]); err != nil {
			t.Fatal(err)
		}
		if err := l.Append(evs[3:]); err != nil {
			t.Fatal(err)
		}
		if err := l.Append([]queue.Event{{Seq: 12, Type: queue.EvIssued}}); err == nil {
			t.Error("Append with a gap in sequence numbers succeeded")
		}
		if reopen != nil {
			l = reopen(t, l)
		}
		var got []string
		if err := l.Replay(4, func(ev queue.Event) error { got = append(got, ev.Number); return nil }); err != nil {
			t.Fatal(err)
		}
		if len(got) != 6 || got[0] != "B005" || got[5] != "B010" {
			t.Errorf("Replay(4) = %v, want B005..B010", got)
		}
		stop := errors.New("stop")
		n := 0
		err := l.Replay(0, func(queue.Event) error { n++; return stop })
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("Replay did not stop at the callback's error: n=%d err=%v", n, err)
		}
	})
	t.Run("snapshot", func(t *testing.T) {
		l := open(t)
		if err := l.SaveSnapshot(5, []byte(`{"a":1}`)); err != nil {
			t.Fatal(err)
		}
		if err := l.SaveSnapshot(9, []byte(`{"a":2}`)); err != nil {
			t.Fatal(err)
		}
		if reopen != nil {
			l = reopen(t, l)
		}
		seq, data, err := l.LoadSnapshot()
		if err != nil || seq != 9 || string(data) != `{"a":2}` {
			t.Errorf("LoadSnapshot = %d, %s, %v; want the last one (9)", seq, data, err)
		}
	})
}

// Package queuetest holds the queue package's test doubles: an in-memory
// event log and the conformance suite every queue.Log must pass.
package queuetest

import (
	"encoding/json"
	"fmt"
	"sync"

	"github.com/yimen-hall/yimen/queue"
)

// MemLog is an in-memory queue.Log. FailAppend, when set, makes Append fail
// (a full disk, a yanked USB stick).
type MemLog struct {
	mu         sync.Mutex
	events     []queue.Event
	snapSeq    uint64
	snap       []byte
	FailAppend error
	Appends    int // number of Append calls, to observe group commit
}

var _ queue.Log = (*MemLog)(nil)

// Append implements queue.Log.
func (l *MemLog) Append(evs []queue.Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.FailAppend != nil {
		return l.FailAppend
	}
	for _, ev := range evs {
		if want := uint64(len(l.events)) + 1; ev.Seq != want {
			return fmt.Errorf("memlog: append %d, want %d", ev.Seq, want)
		}
		// Stored as a file stores it: what is not in the JSON is lost.
		data, err := json.Marshal(ev)
		if err != nil {
			return fmt.Errorf("memlog: encode: %w", err)
		}
		var stored queue.Event
		if err := json.Unmarshal(data, &stored); err != nil {
			return fmt.Errorf("memlog: decode: %w", err)
		}
		l.events = append(l.events, stored)
	}
	l.Appends++
	return nil
}

// Replay implements queue.Log.
func (l *MemLog) Replay(after uint64, fn func(queue.Event) error) error {
	// Append checks that event i has Seq i+1 and never changes a stored
	// event, so the tail as of now can be read without the lock and
	// without a copy, however long the log.
	l.mu.Lock()
	evs := l.events[min(after, uint64(len(l.events))):]
	l.mu.Unlock()
	for _, ev := range evs {
		if ev.Seq <= after {
			continue
		}
		if err := fn(ev); err != nil {
			return err
		}
	}
	return nil
}

// SaveSnapshot implements queue.Log.
func (l *MemLog) SaveSnapshot(seq uint64, data []byte) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.snapSeq, l.snap = seq, append([]byte(nil), data...)
	return nil
}

// LoadSnapshot implements queue.Log.
func (l *MemLog) LoadSnapshot() (uint64, []byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.snapSeq, append([]byte(nil), l.snap...), nil
}

// Events returns a copy of every stored event.
func (l *MemLog) Events() []queue.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]queue.Event(nil), l.events...)
}

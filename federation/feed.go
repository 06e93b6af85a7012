package federation

import (
	"sync"

	"github.com/yimen-hall/yimen/queue"
)

// feed hands the events the engine commits to the publisher as they are
// committed, so that at full speed it need not read each one back from
// the log (a read transaction and a decode per event). It holds at most
// feedMax: a publisher that falls further behind reads the log instead,
// which stays the whole truth; the feed is only a shortcut to its tail.
type feed struct {
	mu  sync.Mutex
	evs []queue.Event
	// seen is the seq of the last event the committer handed over, held
	// or dropped; 0 before the first.
	seen uint64
	// kick wakes the publisher; one word stands for any number of
	// commits, so that a burst of issuing wakes it once.
	kick chan struct{}
}

// feedMax bounds the events the feed holds for a publisher that lags.
const feedMax = 2 * window

func newFeed() *feed { return &feed{kick: make(chan struct{}, 1)} }

// add takes one committed event; it runs on the engine's committer, so
// it only appends and never blocks. Past feedMax it drops the event: the
// publisher finds the hole and reads the log across it.
func (f *feed) add(ev queue.Event) {
	f.mu.Lock()
	if len(f.evs) < feedMax {
		f.evs = append(f.evs, ev)
	}
	f.seen = ev.Seq
	f.mu.Unlock()
	select {
	case f.kick <- struct{}{}:
	default:
	}
}

// take moves into buf (emptied first) up to max events that follow seq
// after without a hole, and forgets those at or before it. With buf
// empty, fromLog says whether the log may hold events after seq after
// that the feed does not (those committed before the link started, or
// dropped): otherwise there is nothing more to send until the next kick.
func (f *feed) take(after uint64, max int, buf []queue.Event) (_ []queue.Event, fromLog bool) {
	buf = buf[:0]
	f.mu.Lock()
	defer f.mu.Unlock()
	i := 0
	for i < len(f.evs) && f.evs[i].Seq <= after {
		i++
	}
	next := after + 1
	for i < len(f.evs) && len(buf) < max && f.evs[i].Seq == next {
		buf = append(buf, f.evs[i])
		i, next = i+1, next+1
	}
	if i > 0 {
		// Shift the rest down rather than reslice, so that the array
		// does not creep forward and grow for ever.
		n := copy(f.evs, f.evs[i:])
		clear(f.evs[n:])
		f.evs = f.evs[:n]
	}
	return buf, len(buf) == 0 && (f.seen == 0 || f.seen > after)
}

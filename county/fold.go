package county

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/yimen-hall/yimen/federation"
	"github.com/yimen-hall/yimen/queue"
)

// hallRecord is what the county knows of a hall besides its events.
type hallRecord struct {
	ID       string    `json:"id"`
	Name     string    `json:"name,omitempty"`    // from its hello, before any event
	Version  string    `json:"version,omitempty"` // of yimen, from its hello
	Added    time.Time `json:"added"`
	LastSeen time.Time `json:"last_seen,omitzero"`
	HelloSeq uint64    `json:"hello_seq,omitempty"` // the hall's last committed event, per its hello
}

// stateRecord is a hall's fold as stored: its state and its running day.
type stateRecord struct {
	State []byte          `json:"state"` // queue.State.Marshal, binary
	Day   json.RawMessage `json:"day,omitempty"`
}

// hall is one hall as the county folds it: the same State the hall keeps,
// built by the same reducer, and the fold of its running day for the
// ledger.
type hall struct {
	rec   hallRecord
	st    *queue.State
	day   *queue.DayFold
	dirty bool // state changed since the last save
}

func newHall(id string, added time.Time) *hall {
	return &hall{rec: hallRecord{ID: id, Added: added}, st: queue.NewState(&queue.Hall{Name: id}), dirty: true}
}

// name is the hall's name as its configuration says, else as its hello.
func (h *hall) name() string {
	if n := h.st.Hall().Name; n != "" && n != h.rec.ID {
		return n
	}
	if h.rec.Name != "" {
		return h.rec.Name
	}
	return h.rec.ID
}

// closedDay is a day summary waiting for the next save.
type closedDay struct {
	hall string
	sum  queue.DaySummary
}

// hallDoc is a logged configuration waiting for the next save.
type hallDoc struct {
	hall string
	seq  uint64
	doc  []byte
}

// fold is every hall's state, what the county stream has given so far.
// One goroutine (the consumer) applies; the pages read under mu.
type fold struct {
	mu    sync.RWMutex
	halls map[string]*hall
	pos   uint64 // last YIMEN_COUNTY sequence applied
	days  []closedDay
	docs  []hallDoc
	meta  bool // hall records changed since the last save

	store  *store
	now    func() time.Time
	logger *slog.Logger
}

// load reads the halls, their states and the position from the store.
func (f *fold) load() error {
	f.halls = map[string]*hall{}
	if v, err := f.store.meta(keyPosition); err != nil {
		return fmt.Errorf("county: read position: %w", err)
	} else if len(v) > 0 {
		if _, err := fmt.Sscan(string(v), &f.pos); err != nil {
			return fmt.Errorf("county: position %q: %w", v, err)
		}
	}
	err := eachJSON(f.store, bucketHalls, func(id string, r *hallRecord) error {
		f.halls[id] = &hall{rec: *r, st: queue.NewState(&queue.Hall{Name: id})}
		return nil
	})
	if err != nil {
		return err
	}
	return eachJSON(f.store, bucketStates, func(id string, r *stateRecord) error {
		h := f.halls[id]
		if h == nil {
			return nil
		}
		st, err := queue.UnmarshalState(&queue.Hall{Name: id}, r.State)
		if err != nil {
			return fmt.Errorf("county: state of %s: %w", id, err)
		}
		h.st = st
		if len(r.Day) > 0 {
			if h.day, err = queue.UnmarshalDayFold(st.Hall(), r.Day); err != nil {
				return fmt.Errorf("county: day of %s: %w", id, err)
			}
		}
		return nil
	})
}

// known adds a hall the county did not know; it reports whether it was
// new. The caller holds mu.
func (f *fold) known(id string) (*hall, bool) {
	if h := f.halls[id]; h != nil {
		return h, false
	}
	h := newHall(id, f.now())
	f.halls[id] = h
	f.meta = true
	return h, true
}

// hello notes a hall's presence.
func (f *fold) hello(id string, hi federation.Hello) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	h, added := f.known(id)
	h.rec.LastSeen = f.now()
	h.rec.Name, h.rec.Version, h.rec.HelloSeq = hi.Name, hi.Version, hi.Seq
	f.meta = true
	return added
}

// hallOfSubject reads the hall id out of yimen.<hall>.events (or .hello).
func hallOfSubject(subject, kind string) (string, bool) {
	rest, ok := strings.CutPrefix(subject, "yimen.")
	if !ok {
		return "", false
	}
	id, ok := strings.CutSuffix(rest, "."+kind)
	if !ok || federation.CheckHallID(id) != nil {
		return "", false
	}
	return id, true
}

// apply folds one message of the county stream: the hall's event, once.
// A message seen before (a redelivery after a crash between saving and
// the hub learning it) is recognised by the hall's seq and skipped.
func (f *fold) apply(subject string, data []byte, streamSeq uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if streamSeq > f.pos {
		f.pos = streamSeq
	}
	id, ok := hallOfSubject(subject, "events")
	if !ok {
		f.logger.Warn("county: message on a foreign subject ignored", "subject", subject)
		return
	}
	var ev queue.Event
	if err := json.Unmarshal(data, &ev); err != nil {
		f.logger.Warn("county: event not understood", "hall", id, "stream_seq", streamSeq, "err", err)
		return
	}
	h, _ := f.known(id)
	if ev.Seq <= h.st.Seq {
		return
	}
	if ev.Seq != h.st.Seq+1 {
		f.logger.Warn("county: a hall's events skip", "hall", id, "after", h.st.Seq, "got", ev.Seq)
	}
	if ev.Type == queue.EvDay {
		if h.day != nil {
			f.days = append(f.days, closedDay{hall: id, sum: h.day.Summary(f.now(), true)})
		}
		var err error
		if h.day, err = queue.NewDayFold(h.st.Hall(), ev.Day, ev.Seq); err != nil {
			f.logger.Warn("county: day not folded", "hall", id, "day", ev.Day, "err", err)
		}
	}
	h.st.Apply(ev)
	if h.day != nil {
		h.day.Apply(ev)
	}
	if ev.Type == queue.EvHall {
		f.docs = append(f.docs, hallDoc{hall: id, seq: ev.Seq, doc: ev.Hall})
	}
	h.dirty = true
}

// save writes what changed since the last save in one transaction: the
// halls' states and running days, the days closed, the configurations
// logged, and the position they reach, so that the file is always one
// consistent point of the county stream.
func (f *fold) save() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	type put struct {
		id  string
		rec stateRecord
	}
	var states []put
	for id, h := range f.halls {
		if !h.dirty {
			continue
		}
		st, err := h.st.Marshal()
		if err != nil {
			return fmt.Errorf("county: state of %s: %w", id, err)
		}
		p := put{id: id, rec: stateRecord{State: st}}
		if h.day != nil {
			if p.rec.Day, err = json.Marshal(h.day); err != nil {
				return fmt.Errorf("county: day of %s: %w", id, err)
			}
		}
		states = append(states, p)
	}
	if len(states) == 0 && len(f.days) == 0 && !f.meta {
		return nil
	}
	err := f.store.db.Update(func(tx *bolt.Tx) error {
		for _, p := range states {
			if err := putJSON(tx, bucketStates, p.id, p.rec); err != nil {
				return err
			}
		}
		for _, d := range f.days {
			if err := putJSON(tx, bucketDays, dayKey(d.hall, d.sum.Day), d.sum); err != nil {
				return err
			}
		}
		for _, d := range f.docs {
			if err := tx.Bucket(bucketDocs).Put(docKey(d.hall, d.seq), d.doc); err != nil {
				return err
			}
		}
		for id, h := range f.halls {
			if err := putJSON(tx, bucketHalls, id, h.rec); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keyPosition, fmt.Appendf(nil, "%d", f.pos))
	})
	if err != nil {
		return fmt.Errorf("county: save: %w", err)
	}
	for _, h := range f.halls {
		h.dirty = false
	}
	f.days, f.docs, f.meta = nil, nil, false
	return nil
}

// ids lists the known halls, sorted.
func (f *fold) ids() []string {
	f.mu.RLock()
	defer f.mu.RUnlock()
	ids := make([]string, 0, len(f.halls))
	for id := range f.halls {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// position is the last county stream sequence applied.
func (f *fold) position() uint64 {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.pos
}

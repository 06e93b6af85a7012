// Package bolt keeps the hall's event log in a bbolt file: an append-only
// bucket of JSON events keyed by big-endian sequence number, and a bucket
// with the latest state snapshot. Every Append is one fsync'd transaction;
// the engine groups concurrent commands into one Append.
package bolt

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/yimen-hall/yimen/queue"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

var (
	bucketEvents   = []byte("events")
	bucketSnapshot = []byte("snapshot")
	// The snapshot is two values (snapshot.go): its head and the state as
	// the engine encoded it. Files written before hold one, keySnapshot.
	keySnapshotHead = []byte("head")
	keySnapshotBody = []byte("body")
	keySnapshot     = []byte("state")
)

// FileName is the bbolt file inside the data directory.
const FileName = "yimen.db"

// ErrLocked means another process holds the data directory.
var ErrLocked = errors.New("the data directory is in use by another yimen (bbolt lock)")

// Store is the bbolt-backed event log. It implements queue.Log.
type Store struct {
	db *bolt.DB
}

var _ queue.Log = (*Store)(nil)

// Open opens (creating when missing) the store in dir. When another process
// holds the file it fails after lockWait with ErrLocked. A file that is
// there but empty or cut short is damaged (queue.ErrDamaged), never taken
// for a new hall: see OpenInit.
func Open(dir string, lockWait time.Duration) (*Store, error) {
	return open(dir, lockWait, false)
}

// OpenInit is Open for a hall the manager says is new (--init): an empty
// file left where a hall was is started afresh.
func OpenInit(dir string, lockWait time.Duration) (*Store, error) {
	return open(dir, lockWait, true)
}

func open(dir string, lockWait time.Duration, init bool) (_ *Store, err error) {
	// bbolt reads every page at open (it rebuilds its freelist) and
	// panics, or faults, on a damaged one: that is a damaged hall too.
	defer faultsAreDamage(&err)
	defer readGuard()()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("bolt: data directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	if fi, err := os.Stat(path); err == nil && fi.Size() == 0 && !init {
		return nil, fmt.Errorf("%w: %s is empty (0 bytes): the hall's log is gone. Restore a backup (yimen restore), or start a new hall with --init", queue.ErrDamaged, path)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockWait, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("bolt: %s: %w", path, ErrLocked)
	}
	if errors.Is(err, bolterrors.ErrInvalid) || errors.Is(err, bolterrors.ErrChecksum) || errors.Is(err, bolterrors.ErrVersionMismatch) {
		return nil, fmt.Errorf("%w: %s is not a readable hall file: %v", queue.ErrDamaged, path, err)
	}
	if err != nil {
		return nil, fmt.Errorf("bolt: open %s: %w", path, err)
	}
	if err := checkLength(db, path); err != nil {
		db.Close()
		return nil, err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketEvents, bucketSnapshot} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("bolt: create buckets: %w", err)
	}
	return &Store{db: db}, nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

func seqKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, seq)
}

// Append writes events in one transaction, fsync'd before it returns.
func (s *Store) Append(events []queue.Event) error {
	// Encoded before the write transaction, into one buffer for the
	// batch: bbolt holds the values until the commit, and a busy morning's
	// batches would otherwise cost two buffers per event.
	values, err := sealEvents(events)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEvents)
		// Keys only grow: full pages waste no space.
		b.FillPercent = 1.0
		if k, _ := b.Cursor().Last(); k != nil && len(events) > 0 {
			if last := binary.BigEndian.Uint64(k); events[0].Seq != last+1 {
				return fmt.Errorf("bolt: append %d after %d", events[0].Seq, last)
			}
		}
		for i, ev := range events {
			if err := b.Put(seqKey(ev.Seq), values[i]); err != nil {
				return fmt.Errorf("bolt: put event %d: %w", ev.Seq, err)
			}
		}
		return nil
	})
}

// sealEvents encodes each event as JSON and seals it (seal.go), the
// values sharing one buffer.
func sealEvents(events []queue.Event) ([][]byte, error) {
	var buf bytes.Buffer
	buf.Grow(320 * len(events))
	enc := json.NewEncoder(&buf)
	ends := make([]int, len(events))
	var room [sealHeader]byte
	for i, ev := range events {
		buf.Write(room[:])
		if err := enc.Encode(ev); err != nil {
			return nil, fmt.Errorf("bolt: encode event %d: %w", ev.Seq, err)
		}
		buf.Truncate(buf.Len() - 1) // Encode ends each value with a newline
		ends[i] = buf.Len()
	}
	data := buf.Bytes()
	values := make([][]byte, len(events))
	start := 0
	for i, end := range ends {
		values[i] = sealHeaderAt(data[start:end:end])
		start = end
	}
	return values, nil
}

// Replay calls fn for each event after the given sequence, in order.
func (s *Store) Replay(after uint64, fn func(queue.Event) error) (err error) {
	defer faultsAreDamage(&err)
	defer readGuard()()
	return s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketEvents).Cursor()
		for k, v := c.Seek(seqKey(after + 1)); k != nil; k, v = c.Next() {
			ev, err := decodeEvent(k, v)
			if err != nil {
				return err
			}
			if err := fn(ev); err != nil {
				return err
			}
		}
		return nil
	})
}

// SaveSnapshot stores the state as of seq.
func (s *Store) SaveSnapshot(seq uint64, data []byte) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSnapshot)
		// The state goes in as the engine encoded it, not copied behind
		// its seq: a busy day's snapshot is tens of megabytes, and each
		// copy of it is held until the write ends.
		if err := b.Put(keySnapshotHead, snapshotHead(seq, data)); err != nil {
			return err
		}
		if err := b.Put(keySnapshotBody, data); err != nil {
			return err
		}
		return b.Delete(keySnapshot)
	})
}

// LoadSnapshot returns the last snapshot, or 0 and nil.
func (s *Store) LoadSnapshot() (seq uint64, data []byte, err error) {
	defer faultsAreDamage(&err)
	defer readGuard()()
	err = s.db.View(func(tx *bolt.Tx) error {
		var body []byte
		seq, body, err = readSnapshot(tx.Bucket(bucketSnapshot))
		if err == nil && body != nil {
			data = append([]byte(nil), body...) // copy: body dies with the tx
		}
		return err
	})
	return seq, data, err
}

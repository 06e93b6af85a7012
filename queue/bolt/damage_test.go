package bolt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
	bolt "go.etcd.io/bbolt"
)

// writeLog stores n issued events in a new data directory.
func writeLog(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	var evs []queue.Event
	at := time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		num := queue.FormatNumber("A", i)
		evs = append(evs, queue.Event{Seq: uint64(i), At: at, Type: queue.EvIssued, Ticket: "20261121-" + num, Number: num, Category: "c", Service: "s", Token: fmt.Sprint("t", i)})
	}
	if err := s.Append(evs); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSnapshot(0, []byte(`{"seq":0}`)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return dir
}

func replayAll(dir string) error {
	s, err := Open(dir, time.Second)
	if err != nil {
		return err
	}
	defer s.Close()
	if _, _, err := s.LoadSnapshot(); err != nil {
		return err
	}
	return s.Replay(0, func(queue.Event) error { return nil })
}

// An empty yimen.db where a hall was is damage, not a new hall: only
// --init (OpenInit) starts afresh on it.
func TestEmptyFileIsNotANewHall(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FileName), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, time.Second); !errors.Is(err, queue.ErrDamaged) || !strings.Contains(err.Error(), "--init") {
		t.Fatalf("Open on a 0-byte yimen.db = %v, want ErrDamaged naming --init", err)
	}
	s, err := OpenInit(dir, time.Second)
	if err != nil {
		t.Fatalf("OpenInit: %v", err)
	}
	s.Close()
	if _, err := Open(dir, time.Second); err != nil {
		t.Errorf("after --init the hall opens: %v", err)
	}
}

// A file cut short is refused with a message, never a crash.
func TestTruncatedFileIsRefused(t *testing.T) {
	dir := writeLog(t, 3000)
	path := filepath.Join(dir, FileName)
	fi, _ := os.Stat(path)
	if err := os.Truncate(path, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
	err := replayAll(dir)
	if !errors.Is(err, queue.ErrDamaged) {
		t.Fatalf("a half-truncated file: %v, want ErrDamaged", err)
	}
	t.Log(err)
}

// One changed digit in a stored event is caught by its checksum, with the
// event's number.
func TestChangedEventIsCaught(t *testing.T) {
	dir := writeLog(t, 10)
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEvents)
		k := seqKey(7)
		v := bytes.Replace(b.Get(k), []byte("A007"), []byte("A006"), 1)
		return b.Put(k, v)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	err = replayAll(dir)
	if !errors.Is(err, queue.ErrDamaged) || !strings.Contains(err.Error(), "event 7") {
		t.Fatalf("a changed event: %v, want ErrDamaged at event 7", err)
	}
}

// The check that runs while the hall works reads the whole log in short
// transactions and finds a changed event far behind the snapshot, by its
// number; a good log passes, and it stops when told to.
func TestVerifyFindsOldDamage(t *testing.T) {
	const n = 3*verifyChunk + 5
	dir := writeLog(t, n)
	s, err := Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(context.Background(), n); err != nil {
		t.Fatalf("a good log: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Verify(ctx, n); !errors.Is(err, context.Canceled) {
		t.Errorf("told to stop: %v, want context.Canceled", err)
	}
	s.Close()

	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	const damaged = 2*verifyChunk + 7
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEvents)
		k := seqKey(damaged)
		num := []byte(queue.FormatNumber("A", damaged))
		v := bytes.Replace(b.Get(k), num, []byte(queue.FormatNumber("A", damaged+1)), 1)
		return b.Put(k, v)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Verify(context.Background(), n)
	if !errors.Is(err, queue.ErrDamaged) || !strings.Contains(err.Error(), fmt.Sprintf("event %d:", damaged)) {
		t.Fatalf("a changed old event: %v, want ErrDamaged at event %d", err, damaged)
	}
}

// yimen check reads the snapshot through: one whose checksum holds but
// whose state does not read (cut when it was made) is named, and so is
// one with a changed byte.
func TestCheckReadsTheSnapshot(t *testing.T) {
	dir := writeLog(t, 10)
	st := queue.NewState(queue.DemoHall())
	st.Apply(queue.Event{Seq: 1, At: time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC), Type: queue.EvDay, Day: "2026-11-21"})
	st.Apply(queue.Event{Seq: 2, At: time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC), Type: queue.EvIssued, Ticket: "20261121-A001", Number: "A001", Category: "consult", Service: "guide", Token: "t1"})
	good, err := st.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	save := func(data []byte) {
		s, err := Open(dir, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.SaveSnapshot(2, data); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, FileName)
	save(good)
	if _, err := CheckFile(path); err != nil {
		t.Fatalf("a good binary snapshot: %v", err)
	}
	save(good[:len(good)-3])
	if _, err := CheckFile(path); !errors.Is(err, queue.ErrDamaged) || !strings.Contains(err.Error(), "snapshot at event 2") || !strings.Contains(err.Error(), "cut short") {
		t.Fatalf("a cut snapshot: %v, want ErrDamaged naming the snapshot at event 2, cut short", err)
	}
	save(good)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSnapshot)
		v := bytes.Clone(b.Get(keySnapshotBody))
		v[len(v)-5] ^= 1
		return b.Put(keySnapshotBody, v)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := CheckFile(path); !errors.Is(err, queue.ErrDamaged) || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("a changed byte in the snapshot: %v, want a checksum mismatch", err)
	}
}

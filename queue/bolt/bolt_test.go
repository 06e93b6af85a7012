package bolt

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
	bolt "go.etcd.io/bbolt"
)

func TestStoreConforms(t *testing.T) {
	dirs := map[queue.Log]string{}
	queuetest.TestLog(t,
		func(t *testing.T) queue.Log {
			dir := t.TempDir()
			s, err := Open(dir, time.Second)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			dirs[s] = dir
			return s
		},
		func(t *testing.T, l queue.Log) queue.Log {
			l.(*Store).Close()
			s, err := Open(dirs[l], time.Second)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		})
}

func TestSecondOpenFailsFast(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	_, err = Open(dir, 200*time.Millisecond)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second Open took %v; it must fail fast", d)
	}
}

func TestMeta(t *testing.T) {
	s, err := Open(t.TempDir(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := s.GetMeta("k"); v != nil || err != nil {
		t.Fatalf("GetMeta of unset key = %q, %v", v, err)
	}
	if err := s.PutMeta("k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.GetMeta("k"); string(v) != "v" {
		t.Errorf("GetMeta = %q, want v", v)
	}
}

// Events sealed together in one buffer are stored byte for byte as each
// sealed on its own: files written before read the same, and so do the
// files written now by an older build.
func TestBatchSealsAsOne(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	evs := []queue.Event{
		{Seq: 1, At: at, Type: queue.EvDay, Day: "2026-11-23"},
		{Seq: 2, At: at, Type: queue.EvIssued, Ticket: "20261123-B001", Number: "B001", Category: "civil", Service: "pension", Token: "tok<&>"},
		{Seq: 3, At: at, Type: queue.EvIssued, Ticket: "20261123-A001", Number: "A001", Category: "consult", Service: "guide", Priority: true, Kind: "elder", Token: "t2"},
	}
	if err := s.Append(evs); err != nil {
		t.Fatal(err)
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEvents)
		for _, ev := range evs {
			data, _ := json.Marshal(ev)
			if got, want := b.Get(seqKey(ev.Seq)), seal(data); !bytes.Equal(got, want) {
				t.Errorf("event %d stored as %q, want %q", ev.Seq, got, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A file written before snapshots were kept as head and body holds its
// snapshot behind its seq in one value: it still loads, and the next
// snapshot saved replaces it.
func TestSnapshotOfAnEarlierVersionLoads(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	old := []byte(`{"seq":7}`)
	err = s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSnapshot).Put(keySnapshot, append(seqKey(7), seal(old)...))
	})
	if err != nil {
		t.Fatal(err)
	}
	if seq, data, err := s.LoadSnapshot(); err != nil || seq != 7 || !bytes.Equal(data, old) {
		t.Fatalf("the earlier snapshot loads as %d %q %v; want 7 %q", seq, data, err, old)
	}
	if err := s.SaveSnapshot(9, []byte(`{"seq":9}`)); err != nil {
		t.Fatal(err)
	}
	if seq, data, err := s.LoadSnapshot(); err != nil || seq != 9 || string(data) != `{"seq":9}` {
		t.Fatalf("after saving, the snapshot loads as %d %q %v; want 9", seq, data, err)
	}
	s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketSnapshot).Get(keySnapshot) != nil {
			t.Errorf("the earlier snapshot is still kept beside the new one")
		}
		return nil
	})
	s.Close()
}

func seal(data []byte) []byte {
	out := make([]byte, sealHeader+len(data))
	copy(out[sealHeader:], data)
	return sealHeaderAt(out)
}

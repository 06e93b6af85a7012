package bolt

import (
	"errors"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
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

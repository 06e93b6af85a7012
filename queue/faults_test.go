package queue_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

// within fails the test when fn does not return in time (it used to hang).
func within(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s never returned", what)
	}
}

// A command after Close is refused at once, never left waiting for a
// committer that has stopped.
func TestCommandAfterCloseFails(t *testing.T) {
	f := newFixture(t, smallHall)
	f.issue("pension", false)
	f.e.Close()
	within(t, "Issue after Close", func() {
		_, err := f.e.Issue(ctx, "pension", false)
		if !errors.Is(err, queue.ErrClosed) || queue.ErrorKind(err) != queue.Unavailable {
			t.Errorf("Issue after Close = %v, want Unavailable (closed)", err)
		}
	})
}

// slowLog holds every append until released: a disk that stalls.
type slowLog struct {
	*queuetest.MemLog
	release chan struct{}
	once    sync.Once
}

func (l *slowLog) Append(evs []queue.Event) error {
	<-l.release
	return l.MemLog.Append(evs)
}

func (l *slowLog) free() { l.once.Do(func() { close(l.release) }) }

// A caller that gives up (its request is cancelled) is not held until the
// disk answers.
func TestCommandWatchesContext(t *testing.T) {
	log := &slowLog{MemLog: new(queuetest.MemLog), release: make(chan struct{})}
	e, err := queue.NewEngine(parseHall(t, smallHall), log, queue.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	defer log.free()
	c, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	within(t, "Issue with a cancelled context", func() {
		if _, err := e.Issue(c, "pension", false); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Issue on a stalled disk = %v, want the context's deadline", err)
		}
	})
	// Nothing is shown before it is written.
	e.Read(func(s *queue.State) {
		if len(s.Tickets) != 0 {
			t.Errorf("reads show %d tickets the log has not taken yet", len(s.Tickets))
		}
	})
	log.free()
}

// When an append fails, what the hall shows (ticket pages, clerk views,
// the screens) stays what the log holds: the failed ticket appears nowhere.
func TestAppendFailureShowsCommittedOnly(t *testing.T) {
	f := newFixture(t, smallHall)
	var hub *queue.State
	var mu sync.Mutex
	st, err := f.e.Subscribe(func(evs []queue.Event) {
		mu.Lock()
		defer mu.Unlock()
		for _, ev := range evs {
			hub.Apply(ev)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	hub = st
	f.issue("pension", false) // B001, written
	f.log.FailAppend = errDisk
	if _, err := f.e.Issue(ctx, "pension", false); queue.ErrorKind(err) != queue.Unavailable {
		t.Fatalf("Issue with a failing log = %v", err)
	}
	var numbers []string
	f.e.Read(func(s *queue.State) {
		for _, tk := range s.Tickets {
			numbers = append(numbers, tk.Number)
		}
		if all, _ := s.WaitingCounts("civil"); all != 1 {
			t.Errorf("waiting in civil = %d, want 1", all)
		}
	})
	if len(numbers) != 1 || numbers[0] != "B001" {
		t.Errorf("after a failed append the engine shows tickets %v, want [B001]", numbers)
	}
	mu.Lock()
	if len(hub.Tickets) != 1 {
		t.Errorf("the screens' state has %d tickets, want 1", len(hub.Tickets))
	}
	mu.Unlock()
}

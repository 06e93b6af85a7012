package queue

import (
	"context"
	"sync"
	"testing"
	"time"
)

// Commands that arrive while a batch is being written share the next
// append: one fsync for the lot, however many kiosks press at once.
func TestCommandsShareOneAppend(t *testing.T) {
	log := &gateLog{}
	e := newShareEngine(t, log)
	ctx := context.Background()
	if _, err := e.Issue(ctx, "pension", false); err != nil { // opens the day
		t.Fatal(err)
	}
	log.gate()
	var wg sync.WaitGroup
	issue := func() {
		if _, err := e.Issue(ctx, "pension", false); err != nil {
			t.Error(err)
		}
	}
	wg.Go(issue)
	<-log.arrived // the first number is being written
	const more = 15
	for range more {
		wg.Go(issue)
	}
	// Wait until all of them have been decided and wait for the disk.
	for deadline := time.Now().Add(30 * time.Second); ; {
		e.mu.Lock()
		n := 0
		if e.pending != nil {
			n = len(e.pending.events)
		}
		e.mu.Unlock()
		if n == more {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d numbers gathered for the next append", n, more)
		}
		time.Sleep(time.Millisecond)
	}
	log.mu.Lock()
	before := len(log.events)
	log.mu.Unlock()
	log.ungate()
	close(log.proceed)
	wg.Wait()
	var appends int
	e.Read(func(s *State) {
		if s.Seq != uint64(before)+1+more {
			t.Errorf("committed up to %d, want %d", s.Seq, before+1+more)
		}
	})
	log.mu.Lock()
	appends = log.appends
	log.mu.Unlock()
	if appends != 3 { // the day's first number, the held one, the other 15
		t.Errorf("%d appends, want 3: the 15 numbers decided while one was written share one", appends)
	}
}

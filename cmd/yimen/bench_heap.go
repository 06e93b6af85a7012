package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/bolt"
)

// floorHeap issues n tickets into empty lines through the engine alone
// (a bbolt log, no HTTP, no link), in this process, and reads the live
// heap they hold once collected: what the engine itself keeps per open
// ticket, apart from the garbage collector's headroom and the daemon's
// other parts that the RSS figure includes.
func floorHeap(ctx context.Context, out io.Writer, kiosks, n int, dir string) error {
	store, err := bolt.Open(dir, time.Second)
	if err != nil {
		return err
	}
	defer store.Close()
	e, err := queue.NewEngine(queue.DemoHall(), store, queue.Options{})
	if err != nil {
		return err
	}
	// The daemon logs its hall at start (hall.go): so does this, so that
	// what a change of hall builds is counted as the daemon holds it.
	h := queue.DemoHall()
	if err := hashPINs(h, 0, true); err != nil {
		e.Close()
		return err
	}
	if _, err := e.ImportHall(ctx, h, "bench"); err != nil {
		e.Close()
		return err
	}
	live := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := live()
	services := []string{"medicare", "pension", "housing", "birth", "subsidy", "guide", "dispute", "land"}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		fail error
	)
	per := n / kiosks
	for k := range kiosks {
		wg.Go(func() {
			for i := range per {
				if _, err := e.Issue(ctx, services[(k+i)%len(services)], i%10 == 0); err != nil {
					mu.Lock()
					fail = err
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	if fail != nil {
		e.Close()
		return fail
	}
	after := live()
	var waiting int
	e.Read(func(s *queue.State) { waiting = len(s.Tickets) })
	fmt.Fprintf(out, "  engine's live heap: %.0f bytes per open ticket (%.1f → %.1f MB over %d waiting; the daemon's RSS adds the collector's headroom)\n",
		float64(after-before)/float64(waiting), float64(before)/(1<<20), float64(after)/(1<<20), waiting)
	runtime.KeepAlive(e)
	return e.Close()
}

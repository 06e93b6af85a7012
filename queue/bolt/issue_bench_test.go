package bolt

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// BenchmarkEngineIssue has kiosks issue tickets at once, each waiting for
// its ticket before the next, into the engine over a real bbolt file: the
// commit path alone, without HTTP. It reports tickets per second.
func BenchmarkEngineIssue(b *testing.B) {
	const kiosks = 16
	s, err := Open(b.TempDir(), time.Second)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	// A clock that moves on, as a hall's does, a millisecond a look.
	var ms atomic.Int64
	morning := time.Date(2026, 11, 21, 1, 0, 0, 0, time.UTC)
	e, err := queue.NewEngine(queue.DemoHall(), s, queue.Options{
		Now: func() time.Time { return morning.Add(time.Duration(ms.Add(1)) * time.Millisecond) },
	})
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	var left atomic.Int64
	left.Store(int64(b.N))
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range kiosks {
		wg.Go(func() {
			for left.Add(-1) >= 0 {
				if _, err := e.Issue(ctx, "medicare", false); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "tickets/s")
}

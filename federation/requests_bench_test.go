package federation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/yimen-hall/yimen/federation"
	"github.com/yimen-hall/yimen/federation/federationtest"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

// BenchmarkRequestsCatchUp: a hall cut off while its village stations file
// 500 代办 requests; the link comes back; how long until the hall has taken
// every one (each a committed event, then acked on the hub).
//
//	go test -run '^$' -bench RequestsCatchUp -benchtime 1x ./federation/
func BenchmarkRequestsCatchUp(b *testing.B) {
	const n = 500
	for range b.N {
		b.StopTimer()
		hub := startRequestsHub(b)
		js, ctx := hub.js, context.Background()
		proxy := federationtest.StartProxy(b, strings.TrimPrefix(hub.LeafURL(), "nats://"))
		clock := queuetest.NewClock(testStart)
		h := federationtest.StartHall(b, "lechang", clock.Now, []string{proxy.URL()}, nil)
		h.WaitLinked(b)
		proxy.Cut()
		for i := range n {
			r := booking(fmt.Sprintf("bench%04d", i))
			r.Kind, r.Documents = "proxy", []string{"身份证"}
			data, _ := json.Marshal(r)
			if _, err := js.Publish(ctx, federation.RequestsSubject("lechang"), data, jetstream.WithMsgID(r.ID)); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start := time.Now()
		proxy.Restore()
		federationtest.WaitFor(b, 10*time.Minute, func() string {
			if got := len(federationtest.Taken(b, h.Store)); got != n {
				return fmt.Sprintf("%d of %d taken", got, n)
			}
			return ""
		})
		took := time.Since(start)
		b.StopTimer()
		b.ReportMetric(took.Seconds(), "s/500-requests")
		b.ReportMetric(float64(n)/took.Seconds(), "requests/s")
	}
}

package bridge

import (
	"context"
	"fmt"
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"github.com/yimen-hall/yimen/firmware-bridge/sim"
	"net"
	"slices"
	"sync"
	"testing"
	"time"
)

// benchKeyToBoard measures, on the device side of the link, the time from
// the call pad's KEY frame being handed to the link to the LED board
// receiving its new SHOW_BITMAP: decode, engine call, event, host-side
// rendering, encode, write. Polling wait is excluded (the clock starts when
// the pad answers its poll); on a pty there is no wire time.
func benchKeyToBoard(b *testing.B, l link) {
	r := newRig(&testing.T{}, l)
	_ = r
	b.Cleanup(r.cancel)
	t := &testing.T{}
	r.t = t
	eventually(t, "devices", func() bool { return len(r.br.Devices()) == 3 })
	for _, d := range []*sim.Device{r.pad, r.board, r.rater} {
		if err := r.br.Assign(d.HWID(), "w1"); err != nil {
			b.Fatal(err)
		}
	}
	nums := make([]string, 0, b.N+1)
	for i := range b.N + 1 {
		nums = append(nums, fmt.Sprintf("A%04d", i+1))
	}
	r.eng.issue(nums...)
	var mu sync.Mutex
	var sentAt time.Time
	shown := make(chan time.Time, 16)
	r.pad.OnSend(func(f proto.Frame) {
		if f.Type == proto.MsgKey {
			mu.Lock()
			if sentAt.IsZero() {
				sentAt = time.Now()
			}
			mu.Unlock()
		}
	})
	r.board.OnShow(func(f proto.Frame) {
		if f.Type == proto.MsgShowBitmap && f.Payload[0]&proto.ShowBlink != 0 {
			shown <- time.Now()
		}
	})
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		mu.Lock()
		sentAt = time.Time{}
		mu.Unlock()
		r.pad.Press(proto.KeyNext, 0)
		select {
		case at := <-shown:
			mu.Lock()
			lat = append(lat, at.Sub(sentAt))
			mu.Unlock()
		case <-time.After(5 * time.Second):
			b.Fatal("no board update")
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(float64(len(lat)-1)*p)].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50_ms")
	b.ReportMetric(pct(0.99), "p99_ms")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max_ms")
}

// BenchmarkKeyToBoardPTY: pty through go.bug.st/serial at 115200.
// go test -run '^$' -bench KeyToBoard -benchtime 300x ./firmware-bridge
func BenchmarkKeyToBoardPTY(b *testing.B) {
	benchKeyToBoard(b, newPTYLink(&testing.T{}).link())
}

// BenchmarkKeyToBoardFake: the in-process fake transport.
func BenchmarkKeyToBoardFake(b *testing.B) { benchKeyToBoard(b, pipeLink()) }

// throttled delays each write by its wire time at baud (10 bits a byte),
// like a UART: the writer is busy until the last stop bit.
type throttled struct {
	net.Conn
	baud int
}

func (t throttled) Write(p []byte) (int, error) {
	time.Sleep(time.Duration(len(p)) * 10 * time.Second / time.Duration(t.baud))
	return t.Conn.Write(p)
}

// wireMS is the wire time of n bytes at baud, in milliseconds.
func wireMS(n, baud int) float64 { return float64(n) * 10 * 1000 / float64(baud) }

// BenchmarkPollCycle32x9600 measures polling cycles over 32 devices on a
// simulated 9600-baud bus (writes throttled to wire time, devices answer
// at once) and reports the computed figures from real frame sizes too.
// go test -run '^$' -bench PollCycle -benchtime 20x ./firmware-bridge
func BenchmarkPollCycle32x9600(b *testing.B) {
	const baud, n = 9600, 32
	o := Options{}
	o.defaults()
	conns := make(chan net.Conn, 1)
	eng := newFakeEngine("w1")
	br, err := New(Options{Engine: eng, Registry: NewMemRegistry(), CycleInterval: time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	br.AddBus("bus9600", baud, func(ctx context.Context) (Transport, error) {
		h, d := net.Pipe()
		conns <- throttled{d, baud}
		return throttled{h, baud}, nil
	})
	var devs []*sim.Device
	for i := range n {
		devs = append(devs, sim.NewDevice(proto.KindCallPad, uint64(0x1000+i), uint8(i+1), proto.CapNumber, 0, 0))
	}
	bus := sim.NewBus(devs...)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	b.Cleanup(func() { cancel(); wg.Wait() })
	wg.Go(func() { br.Serve(ctx) })
	wg.Go(func() {
		d := <-conns
		go func() { <-ctx.Done(); d.Close() }()
		bus.Serve(ctx, d)
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		online := 0
		for _, d := range br.Devices() {
			if d.Online {
				online++
			}
		}
		pending := 0
		for _, d := range devs {
			pending += d.Pending()
		}
		if online == n && pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("only %d devices online", online)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// every pad shows "" with 0 waiting; displays are now in sync
	time.Sleep(500 * time.Millisecond)
	b.ResetTimer()
	var total time.Duration
	for range b.N {
		prev := br.Stats()[0].LastCycle
		for br.Stats()[0].LastCycle == prev {
			time.Sleep(time.Millisecond)
		}
		total += br.Stats()[0].LastCycle
	}
	b.StopTimer()
	b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "measured_cycle_ms")

	// computed from the real frame sizes
	size := func(f proto.Frame) int { w, _ := f.Encode(); return len(w) }
	pollAny := size(proto.Frame{Dst: proto.AddrBroadcast, Type: proto.MsgPollAny, Payload: proto.PollAny{Lo: 1, Hi: 0xF7}.Marshal()})
	poll := size(proto.Frame{Dst: 1, Type: proto.MsgPoll})
	beat := size(proto.Frame{Src: 1, Type: proto.MsgHeartbeat})
	const turnMS = 2.0 // device turnaround required by PROTOCOL.md
	respMS := float64(o.ResponseTimeout.Microseconds()) / 1000
	quietGroup := wireMS(pollAny, baud) + respMS
	perDevice := wireMS(poll, baud) + turnMS + wireMS(beat, baud)
	b.ReportMetric(quietGroup+float64(o.LivenessPerCycle)*perDevice, "computed_cycle_ms")
	b.ReportMetric(n*perDevice, "computed_roundrobin_ms")
	b.ReportMetric(perDevice, "computed_per_device_ms")
}

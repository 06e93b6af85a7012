package bridge

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkHelloFlood sends 12,000 HELLOs with fake hwids, one connection
// each, to /ws/device with learn mode open (the worst case: every one may
// propose) and reports the process's RSS before and after, the proposals
// held, the connections refused and how often the one alarm that counts
// proposals changed. Run:
//
//	go test -run '^$' -bench HelloFlood -benchtime 1x ./firmware-bridge
func BenchmarkHelloFlood(b *testing.B) {
	for range b.N {
		r := newWSRig(b)
		r.br.Learn(time.Hour)
		before := rssKB(b)
		refused := helloFlood(b, r.url, 12000, 1<<40)
		runtime.GC()
		after := rssKB(b)
		b.ReportMetric(float64(before)/1024, "rss_before_MB")
		b.ReportMetric(float64(after)/1024, "rss_after_MB")
		b.ReportMetric(float64(len(r.br.Devices())), "proposals_held")
		b.ReportMetric(float64(refused), "refused")
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		b.ReportMetric(float64(m.HeapInuse)/(1<<20), "heap_inuse_MB")
		r.alarms.mu.Lock()
		b.ReportMetric(float64(len(r.alarms.l)), "alarm_updates")
		r.alarms.mu.Unlock()
	}
}

// rssKB is this process's resident set size from /proc (Linux).
func rssKB(b *testing.B) int {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		b.Skip("no /proc/self/status")
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	return 0
}

package display

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yimen-hall/yimen/queue"
)

// The replay ring is bounded by bytes as well as by count: a flood of big
// messages (alarms with long texts) must not grow the daemon's memory
// without end. A screen whose messages fell out of it gets a snapshot.
func TestRingBoundedByBytes(t *testing.T) {
	h := NewHub(queue.NewState(queue.DemoHall()), Options{})
	boot := h.Boot()
	big := strings.Repeat("打印机缺纸", 7000) // ~100 KB a message
	for i := range 200 {
		h.SetAlarm(Alarm{Source: "printer", Level: "error", Text: fmt.Sprint(i, big)})
	}
	h.mu.RLock()
	n, bytes := len(h.ring), h.ringBytes
	h.mu.RUnlock()
	if bytes > maxRingBytes || n >= 200 {
		t.Errorf("ring holds %d messages, %d bytes; want at most %d bytes", n, bytes, maxRingBytes)
	}
	frames, _ := h.Catchup(h.Seq()-uint64(n)-1, boot)
	if len(frames) != 1 || !strings.HasPrefix(string(frames[0].Data), `{"type":"snapshot"`) {
		t.Errorf("a screen behind the ring got %d frames, want one snapshot", len(frames))
	}
	frames, _ = h.Catchup(h.Seq()-3, boot)
	if len(frames) != 3 {
		t.Errorf("a screen 3 behind got %d frames, want those 3", len(frames))
	}
}

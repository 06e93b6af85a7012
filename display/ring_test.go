package display

import (
	"fmt"
	"strings"
	"testing"

	"github.com/yimen-hall/yimen/queue"
)

// The replay ring is bounded by bytes as well as by count: a flood of big
// messages (a hall's long notices) must not grow the daemon's memory
// without end. A screen whose messages fell out of it gets a snapshot.
func TestRingBoundedByBytes(t *testing.T) {
	h := NewHub(queue.NewState(queue.DemoHall()), Options{})
	boot := h.Boot()
	big := strings.Repeat("服务承诺通知", 6000) // ~100 KB a message
	for i := range 200 {
		// Long notices: alarms no longer are (their text stays off the
		// public push).
		h.mu.Lock()
		h.publish(Message{Type: "hall", Hall: &HallView{Name: "测试", Notices: []string{fmt.Sprint(i, big)}}})
		h.mu.Unlock()
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

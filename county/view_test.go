package county

import (
	"testing"
	"time"
)

// TestAlarms: what the wall flags for a hall, from its view alone.
func TestAlarms(t *testing.T) {
	now := time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)
	codes := func(v HallView) map[string]string {
		m := map[string]string{}
		for _, a := range alarms(v, 15*time.Minute, now) {
			m[a.Code] = a.Message
		}
		return m
	}
	quiet := HallView{Online: true, LastSeen: now.Add(-5 * time.Second), Seq: 10, HallSeq: 10,
		Categories: []CategoryView{{Name: "民生事业", Waiting: 2, OpenWindows: 1, LongestWaitMinutes: 5}}}
	if got := codes(quiet); len(got) != 0 {
		t.Errorf("a hall at work: %v", got)
	}
	v := quiet
	v.HallSeq = 12 // a hello a moment ahead of its events
	if got := codes(v); got["behind"] != "" {
		t.Errorf("behind 5 s after a hello: %v", got)
	}
	v.LastSeen = now.Add(-20 * time.Second)
	if got := codes(v); got["behind"] == "" {
		t.Errorf("still behind 20 s after the hello: %v", got)
	}
	v = quiet
	v.Online = false
	v.Categories = []CategoryView{{Name: "民生事业", Waiting: 3, OpenWindows: 0, LongestWaitMinutes: 40}}
	got := codes(v)
	if got["offline"] != "离线" || got["unstaffed"] != "民生事业无人办理" || got["long_wait"] != "民生事业等候超时" {
		t.Errorf("offline, unstaffed, long wait: %v", got)
	}
}

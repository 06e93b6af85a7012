package bridge

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"github.com/yimen-hall/yimen/firmware-bridge/sim"
)

// After a restart, the devices assigned to a window that do not come back
// within the grace period are named in one alarm, without their hwid; it
// shrinks as they come back and clears when the last one did. An
// unassigned device is not named.
func TestMissingAfterRestartAlarm(t *testing.T) {
	reg := NewMemRegistry()
	lastWeek := time.Now().Add(-7 * 24 * time.Hour)
	secret := func(b byte) []byte { return slices.Repeat([]byte{b}, proto.SecretLen) }
	board := sim.NewDevice(proto.KindLEDBoard, 0xE5320000000000A1, 0, proto.CapText, 0, 0)
	rater := sim.NewDevice(proto.KindRatingPad, 0xE5320000000000A2, 0, proto.CapText, 0, 0)
	spare := sim.NewDevice(proto.KindLEDBoard, 0xE5320000000000A3, 0, proto.CapText, 0, 0)
	for i, d := range []*sim.Device{board, rater, spare} {
		d.SetSecret(secret(byte(i + 1)))
		kind := proto.KindLEDBoard
		if d == rater {
			kind = proto.KindRatingPad
		}
		window := "w1"
		if d == spare {
			window = ""
		}
		reg.Save(DeviceInfo{HWID: d.HWID(), State: StateApproved, No: i + 1, Kind: kind, Window: window, Bus: "ws", LastSeen: lastWeek, Secret: secret(byte(i + 1))})
	}
	r := newWSRig(t, func(o *Options) { o.Registry = reg; o.MissingGrace = 300 * time.Millisecond })

	last := func() (Alarm, bool) {
		r.alarms.mu.Lock()
		defer r.alarms.mu.Unlock()
		for i := len(r.alarms.l) - 1; i >= 0; i-- {
			if a := r.alarms.l[i]; a.Code == AlarmMissing {
				return a, true
			}
		}
		return Alarm{}, false
	}
	eventually(t, "the missing devices alarm", func() bool { _, ok := last(); return ok })
	a, _ := last()
	want := "2 台已分配的设备重启后未连接：窗口屏（编号 1，窗口 w1）、评价器（编号 2，窗口 w1）"
	if a.Count != 2 || a.Message != want {
		t.Errorf("alarm = %d %q, want 2 %q", a.Count, a.Message, want)
	}
	for _, d := range []*sim.Device{board, rater, spare} {
		if strings.Contains(strings.ToLower(a.Message), strings.ToLower(d.HWID())) {
			t.Errorf("the alarm names hwid %s: %q", d.HWID(), a.Message)
		}
	}

	r.run(board)
	eventually(t, "the board leaves the alarm", func() bool { a, _ := last(); return a.Count == 1 })
	if a, _ := last(); a.Message != "1 台已分配的设备重启后未连接：评价器（编号 2，窗口 w1）" {
		t.Errorf("alarm = %q, want the rating pad alone", a.Message)
	}
	r.run(rater)
	eventually(t, "the alarm cleared", func() bool { a, _ := last(); return a.Count == 0 })
	if a, _ := last(); a.Message != "已分配的设备均已连接" {
		t.Errorf("clearing alarm = %q", a.Message)
	}
}

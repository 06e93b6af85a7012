package bridge

import (
	"fmt"
	"slices"
	"strings"
)

// A device assigned to a window that does not come back after a restart
// (unplugged while the daemon was down, a dead power supply) never misses
// a poll the bridge knows to make, so it would raise no offline alarm:
// MissingGrace after start, the assigned devices not seen since are named
// in one alarm, which shrinks as they come back and clears when all did.

// missingNames is how many devices the alarm names before "等".
const missingNames = 5

// checkMissing raises AlarmMissing once the grace period is over.
func (b *Bridge) checkMissing() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.missing = map[string]bool{}
	for id, d := range b.devs {
		if b.missingLocked(d) {
			b.missing[id] = true
		}
	}
	b.missingAlarmLocked()
}

// missingLocked says d is assigned and has not been seen since start.
func (b *Bridge) missingLocked(d *device) bool {
	return d != nil && d.info.State == StateApproved && d.info.Window != "" && d.info.LastSeen.Before(b.started)
}

// missingAlarmLocked reports the devices still missing when their number
// changed: seen, unassigned or forgotten ones leave the alarm. Caller
// holds b.mu.
func (b *Bridge) missingAlarmLocked() {
	if b.missing == nil {
		return
	}
	var ds []*device
	for id := range b.missing {
		if d := b.devs[id]; b.missingLocked(d) {
			ds = append(ds, d)
		} else {
			delete(b.missing, id)
		}
	}
	n := len(ds)
	if n == 0 {
		b.missing = nil // nothing more to watch
	}
	if n == b.missingReported {
		return
	}
	b.missingReported = n
	if n == 0 {
		b.alarmLocked(Alarm{Code: AlarmMissing, Message: "已分配的设备均已连接"})
		return
	}
	slices.SortFunc(ds, func(a, c *device) int { return a.info.No - c.info.No })
	names := make([]string, 0, missingNames)
	for _, d := range ds[:min(n, missingNames)] {
		names = append(names, d.name())
	}
	msg := fmt.Sprintf("%d 台已分配的设备重启后未连接：%s", n, strings.Join(names, "、"))
	if n > missingNames {
		msg += " 等"
	}
	b.alarmLocked(Alarm{Code: AlarmMissing, Count: n, Message: msg})
}

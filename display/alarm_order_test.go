package display

import (
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// A pile of notices (new devices waiting, a printer low on paper) must not
// hide a real fault: errors come first in every alarm list, then by time.
func TestAlarmsRealFaultsFirst(t *testing.T) {
	h := NewHub(queue.NewState(queue.DemoHall()), Options{})
	t0 := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	h.SetAlarm(Alarm{Source: "devices:pending", Level: "warn", Text: "30 台新设备待确认", At: t0})
	h.SetAlarm(Alarm{Source: "printer", Level: "warn", Text: "纸将用完", At: t0.Add(time.Minute)})
	h.SetAlarm(Alarm{Source: "device:3", Level: "error", Text: "呼叫器（编号 3，窗口 2）无响应", At: t0.Add(2 * time.Minute)})
	got := h.Alarms()
	if len(got) != 3 || got[0].Source != "device:3" || got[1].Source != "devices:pending" || got[2].Source != "printer" {
		t.Errorf("alarm order %+v: want the fault first, then notices by time", got)
	}
}

package main

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue/queuetest"
)

// The manager sees a clock that jumped a year ahead, and confirms the date
// when it really is so; until then no number is issued on the wrong day.
func TestClockJumpAlarmAndConfirm(t *testing.T) {
	var offset atomic.Int64
	m := startMain(t, func(m *Main) {
		m.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	})
	k := kioskClient(t, m)
	if code, _ := k.do("POST", "/api/tickets", map[string]any{"service": "medicare"}); code != 201 {
		t.Fatalf("issue: %d", code)
	}
	offset.Store(int64(365 * 24 * time.Hour))
	if code, ans := k.do("POST", "/api/tickets", map[string]any{"service": "medicare"}); code != 503 || ans["code"] != "clock_jump" {
		t.Fatalf("issue after the jump: %d %v", code, ans)
	}
	alarmed := false
	for _, a := range m.hub.Alarms() {
		alarmed = alarmed || a.Source == "clock"
	}
	if !alarmed {
		t.Errorf("no clock alarm: %+v", m.hub.Alarms())
	}
	admin := adminClient(t, m.URL, testAdminPassword)
	day := m.Now().In(m.engine.Hall().Location()).Format(time.DateOnly)
	if code, ans := admin.do("POST", "/api/admin/day/confirm", map[string]string{"day": day}); code != 200 {
		t.Fatalf("confirm: %d %v", code, ans)
	}
	if code, ans := k.do("POST", "/api/tickets", map[string]any{"service": "medicare"}); code != 201 || ans["number"] != "B001" {
		t.Errorf("issue after the confirmation: %d %v", code, ans)
	}
	for _, a := range m.hub.Alarms() {
		if a.Source == "clock" {
			t.Errorf("the clock alarm stays after the confirmation")
		}
	}
}

// floorAlarm is the text of the alarm of source on the manager's floor
// view, "" when there is none.
func floorAlarm(t *testing.T, admin *client, source string) string {
	t.Helper()
	code, floor := admin.do("GET", "/api/admin/floor", nil)
	if code != 200 {
		t.Fatalf("floor: %d %v", code, floor)
	}
	alarms, _ := floor["alarms"].([]any)
	for _, a := range alarms {
		if a, _ := a.(map[string]any); a["source"] == source {
			text, _ := a["text"].(string)
			return text
		}
	}
	return ""
}

// The manager is told of a clock set back, and the alarm goes away by
// itself once the clock is ahead of the log's last event again.
func TestClockStepBackAlarmClears(t *testing.T) {
	clk := queuetest.NewClock(time.Now())
	m := startMain(t, func(m *Main) { m.Now = clk.Now })
	k := kioskClient(t, m)
	admin := adminClient(t, m.URL, testAdminPassword)
	issue := func() {
		t.Helper()
		if code, ans := k.do("POST", "/api/tickets", map[string]any{"service": "medicare"}); code != 201 {
			t.Fatalf("issue: %d %v", code, ans)
		}
	}
	issue()
	clk.Add(-30 * time.Minute)
	issue()
	if text := floorAlarm(t, admin, "clock"); text == "" {
		t.Fatalf("no clock alarm on the floor after the clock was set back half an hour")
	}
	clk.Add(20 * time.Minute)
	issue()
	if floorAlarm(t, admin, "clock") == "" {
		t.Fatalf("the clock alarm went away while the clock is still behind the log")
	}
	clk.Add(11 * time.Minute)
	issue()
	if text := floorAlarm(t, admin, "clock"); text != "" {
		t.Errorf("the clock is ahead of the log again, the floor still shows %q", text)
	}
}

package main

import (
	"sync/atomic"
	"testing"
	"time"
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

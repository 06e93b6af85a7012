package main

import (
	"context"
	"fmt"
	"time"

	"github.com/yimen-hall/yimen/display"
	"github.com/yimen-hall/yimen/queue"
)

// complaintsAlarm is the alarm source of low ratings past their deadline.
const complaintsAlarm = "ratings"

// watchComplaints raises an alarm on the manager's floor view while any
// low rating is past its follow-up deadline, and drops it once none is.
// Deadlines pass with the clock, not with an event, so it looks every
// interval until ctx ends; done is closed when it returns.
func (m *Main) watchComplaints(ctx context.Context, every time.Duration, done chan<- struct{}) {
	watchAlarm(ctx, every, nil, done, func() {
		now := m.Now()
		n := 0
		m.engine.Read(func(s *queue.State) { n = s.OverdueComplaints(now) })
		if n == 0 {
			m.hub.ClearAlarm(complaintsAlarm)
			return
		}
		m.hub.SetAlarm(display.Alarm{Source: complaintsAlarm, Level: "warn",
			Text: fmt.Sprintf("有 %d 条差评超过处理期限仍未回访或整改，请在“差评处理”中处理", n)})
	})
}

package main

import (
	"context"
	"fmt"
	"time"

	"github.com/yimen-hall/yimen/display"
	"github.com/yimen-hall/yimen/queue"
)

// caseAlarm is the alarm source of 承诺件 past their due date.
const caseAlarm = "cases"

// watchCases keeps the alarm of overdue 承诺件 (超期, or done late and not
// yet closed) in the hall's alarm list, which the hub pushes to the
// manager at once: it looks again after every case event, at each new
// day and hall change, and every interval besides (a case falls due with
// the clock, not with an event), until ctx ends; done is closed when it
// returns.
func (m *Main) watchCases(ctx context.Context, every time.Duration, done chan<- struct{}) {
	wake := make(chan struct{}, 1)
	m.engine.Follow(func(ev queue.Event, _ *queue.State) {
		switch ev.Type {
		case queue.EvCaseOpened, queue.EvCaseForwarded, queue.EvCaseSuspended, queue.EvCaseResumed,
			queue.EvCaseReady, queue.EvCasePickedUp, queue.EvCaseClosed, queue.EvDay, queue.EvHall:
			select {
			case wake <- struct{}{}:
			default: // a look is already due; it sees this event too
			}
		}
	})
	watchAlarm(ctx, every, wake, done, func() {
		now := m.Now()
		var late, done int
		m.engine.Read(func(s *queue.State) {
			for _, c := range s.ListCases(queue.CaseFilter{State: "overdue"}, now) {
				late++
				if c.Done() {
					done++
				}
			}
		})
		if late == 0 {
			m.hub.ClearAlarm(caseAlarm)
			return
		}
		text := fmt.Sprintf("有 %d 件承诺件超期未结案", late)
		if done > 0 {
			text += fmt.Sprintf("（其中 %d 件已逾期办结，待结案）", done)
		}
		m.hub.SetAlarm(display.Alarm{Source: caseAlarm, Level: "warn", Text: text + "，请在“承诺件”中处理"})
	})
}

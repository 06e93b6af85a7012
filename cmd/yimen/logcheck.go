package main

import (
	"context"
	"errors"

	"github.com/yimen-hall/yimen/display"
	"github.com/yimen-hall/yimen/queue"
)

// Start-up checks only the snapshot and the events after it, so that a
// hall with a year of history opens at once; the events behind the
// snapshot are checked here, after the start, while the hall works: a
// damaged old event (a failing disk) raises an alarm on the manager's
// floor view the same day, not when the next copy is restored.

// logCheckAlarm is the alarm source of a damaged log found while working.
const logCheckAlarm = "log"

// startLogCheck checks the whole log as it stood at the start, in the
// background and at low priority; Close ends it and waits for it.
func (m *Main) startLogCheck(ctx context.Context) {
	var upTo uint64
	m.engine.Read(func(st *queue.State) { upTo = st.Seq })
	m.logCheckDone = make(chan struct{})
	go func() {
		defer close(m.logCheckDone)
		err := m.store.Verify(ctx, upTo)
		switch {
		case err == nil:
			m.logger.Info("whole log checked", "events", upTo)
		case errors.Is(err, context.Canceled):
		case errors.Is(err, queue.ErrDamaged):
			m.logger.Error("the log is damaged", "err", err)
			m.hub.SetAlarm(display.Alarm{Source: logCheckAlarm, Level: "error",
				Text: "记录文件中的旧记录已损坏（硬盘可能有故障）：今天的排队照常，请尽快联系技术人员检查硬盘（yimen check）并保留备份：" + err.Error()})
		default:
			m.logger.Error("the log could not be checked", "err", err)
		}
	}()
}

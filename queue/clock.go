package queue

import (
	"fmt"
	"time"
)

// A PC's clock is not to be trusted: a dead CMOS battery, a time server
// that answers a year off, a technician setting it by hand. Event times
// never go back (a clock behind the log is held at the log's last time,
// and the manager is told once), and the day never moves on by more than
// MaxRollDays at once without the manager's confirmation: a clock that
// jumps a year ahead must not cancel every open ticket and leave the
// wrong day behind when it is corrected. At start-up the day moves on
// however far (the PC may have been off for a long closure, or a backup
// restored), and the manager is told when it is more than MaxRollDays.

// clock gives the time for the next events, or refuses a jump. e.mu is held.
func (e *Engine) clock() (time.Time, error) {
	now := e.now()
	last := e.st.Last
	if now.Before(last) {
		if !e.stepped && last.Sub(now) > time.Minute {
			e.stepped = true
			e.logger.Warn("clock is behind the log", "now", now, "log", last)
			e.onClock(fmt.Sprintf("系统时钟比记录早 %s（被调回？），请核对电脑时间；在此之前事件时间按 %s 记", last.Sub(now).Round(time.Second), last.In(e.st.hall.Location()).Format(time.DateTime)))
		}
		return last, nil // the log stays in order
	}
	if e.stepped {
		// Ahead of the log again (corrected, or the hours it was set
		// back have passed): times are the clock's once more.
		e.stepped = false
		e.clockRight()
	}
	started := e.running
	e.running = true
	if e.st.Day == "" {
		return now, nil
	}
	loc := e.st.hall.Location()
	day := e.localDay(now)
	if day == e.st.Day || day == e.rollTo {
		return now, e.jumpOver()
	}
	from, err1 := time.ParseInLocation(time.DateOnly, e.st.Day, loc)
	to, err2 := time.ParseInLocation(time.DateOnly, day, loc)
	if err1 != nil || err2 != nil {
		return now, nil
	}
	days := int(to.Sub(from).Hours()/24 + 0.5)
	switch {
	case days <= e.maxRollDays:
	case !started:
		e.onClock(fmt.Sprintf("启动时日期从 %s 到了 %s（%d 天），请核对电脑时间", e.st.Day, day, days))
	default:
		msg := fmt.Sprintf("系统时钟从 %s 跳到了 %s（%d 天），已暂停取号叫号：请核对电脑时间；日期确实如此时，请在管理页确认", e.st.Day, day, days)
		e.onClock(msg)
		e.running = started
		e.jumped = true
		return now, &Error{Kind: Unavailable, Code: "clock_jump", Message: msg}
	}
	return now, e.jumpOver()
}

// jumpOver tells, once, that a refused jump is over: the clock was put
// right, or the manager confirmed the day. It returns nil, for clock's
// returns. e.mu is held.
func (e *Engine) jumpOver() error {
	if e.jumped {
		e.jumped = false
		e.clockRight()
	}
	return nil
}

// clockRight tells that the clock is right again, unless it is still
// behind the log or refused as a jump. e.mu is held.
func (e *Engine) clockRight() {
	if !e.stepped && !e.jumped {
		e.onClockRight()
	}
}

// ConfirmDay lets the day move on to day (the local date, 2006-01-02) at
// the next command, however far that is: the manager has checked the
// clock.
func (e *Engine) ConfirmDay(day string) error {
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		return errorf(Invalid, "bad_day", "日期格式应为 2006-01-02：%q", day)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.rollTo = day
	return nil
}

// dayMemo is the last answer of localDay.
type dayMemo struct {
	sec int64
	loc *time.Location
	day string
}

// localDay is now's date where the hall is (2006-01-02). Every command
// asks, twice, hundreds of times a second on a busy morning; the answer
// holds for the rest of its second. e.mu is held.
func (e *Engine) localDay(now time.Time) string {
	loc := e.st.hall.Location()
	if sec := now.Unix(); sec != e.day.sec || loc != e.day.loc || e.day.day == "" {
		e.day = dayMemo{sec, loc, now.In(loc).Format(time.DateOnly)}
	}
	return e.day.day
}

package queue

import (
	"context"
	"time"
)

// dayCheck bounds how long the day loop sleeps, so that a clock stepped
// forward (NTP at boot, a manual fix) still rolls the day within a minute.
const dayCheck = time.Minute

// dayLoop rolls the day at the hall's local midnight without waiting for a
// command: the screens get the new day, and what was left open is
// cancelled, while the hall is empty. Its minute tick also releases the
// appointments whose check-in window has closed (爽约) when no command
// comes. Close ends it.
func (e *Engine) dayLoop(first time.Duration) {
	defer close(e.dayDone)
	for wait := first; ; wait = e.untilNextRoll() {
		t := time.NewTimer(wait)
		select {
		case <-e.dayStop:
			t.Stop()
			return
		case <-t.C:
		}
		if err := e.RollDay(context.Background()); err != nil {
			e.logger.Warn("day roll failed", "err", err)
		}
	}
}

// untilNextRoll is how long the day loop sleeps. NewEngine asks first, so
// that the loop reads the clock only when its timer fires.
func (e *Engine) untilNextRoll() time.Duration {
	return min(untilMidnight(e.now(), e.Hall().Location()), dayCheck)
}

// RollDay starts the new local day if the clock has passed midnight since
// the last event; otherwise it does nothing. Every command does the same
// first, so the day loop only matters while nothing happens.
func (e *Engine) RollDay(ctx context.Context) error {
	_, err := exec(ctx, e, func(*State, func(Event)) (struct{}, error) { return struct{}{}, nil })
	return err
}

// untilMidnight is the time from now to the next local midnight, plus a
// little so that the clock reads the new day on waking.
func untilMidnight(now time.Time, loc *time.Location) time.Duration {
	l := now.In(loc)
	next := time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc)
	return next.Sub(now) + 50*time.Millisecond
}

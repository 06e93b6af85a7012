package main

import (
	"context"
	"time"
)

// watchAlarm runs check (which raises or clears an alarm) at once, then
// after each wake and every interval besides, until ctx ends: what the
// alarm is about may change with the clock, not only with an event. A nil
// wake leaves the interval only. done is closed when it returns.
func watchAlarm(ctx context.Context, every time.Duration, wake <-chan struct{}, done chan<- struct{}, check func()) {
	defer close(done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		check()
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-t.C:
		}
	}
}

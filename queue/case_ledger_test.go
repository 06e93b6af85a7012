package queue_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// A generated month of promised jobs: the ledger's 按时办结率 and its
// splits equal a count made by hand from the plan.
func TestCaseLedgerGeneratedMonth(t *testing.T) {
	f := newFixture(t, withCaseHall(""))
	rng := rand.New(rand.NewPCG(16, 2026))
	cal := f.hall.Calendar()
	type plan struct {
		id, service, clerk string
		opened             time.Time
		ready              time.Time // zero: never ready
		suspend, resume    time.Time // zero: never suspended
	}
	desks := []struct{ service, window, staff string }{
		{"pension", "2", "A2"}, {"birth", "6", "A6"}, {"subsidy", "7", "A7"},
	}
	at := func(d time.Time) time.Time { return time.Date(d.Year(), d.Month(), d.Day(), 1, 0, 0, 0, time.UTC) }
	first, end := date(t, "2026-10-19"), date(t, "2026-12-15")
	// actions[day] are done on that day, in order.
	actions := map[string][]func(){}
	on := func(d time.Time, fn func()) {
		actions[d.Format(time.DateOnly)] = append(actions[d.Format(time.DateOnly)], fn)
	}
	var plans []*plan
	for d := first; d.Before(date(t, "2026-12-01")); d = d.AddDate(0, 0, 1) {
		if !cal.Works(d) {
			continue
		}
		for range 1 + rng.IntN(3) {
			desk := desks[rng.IntN(len(desks))]
			p := &plan{service: desk.service, clerk: desk.staff, opened: d}
			plans = append(plans, p)
			on(d, func() {
				f.open(desk.window, desk.staff)
				f.issue(desk.service, false)
				f.next(desk.window, desk.staff)
				tk, err := f.e.FinishCase(ctx, desk.window, desk.staff, queue.CaseIntake{})
				if err != nil {
					t.Fatal(err)
				}
				p.id = tk.ID
			})
			if rng.IntN(4) == 0 {
				p.suspend = cal.AddWorkingDays(d, 1)
				p.resume = cal.AddWorkingDays(p.suspend, rng.IntN(4))
				on(p.suspend, func() { f.act(p.id, p.clerk, "suspend", "补正材料") })
				on(p.resume, func() { f.act(p.id, p.clerk, "resume", "") })
			}
			if rng.IntN(10) > 0 {
				after := p.resume
				if after.IsZero() {
					after = d
				}
				p.ready = cal.AddWorkingDays(after, rng.IntN(8))
				on(p.ready, func() { f.act(p.id, p.clerk, "ready", "") })
			}
		}
	}
	for d := first; !d.After(end); d = d.AddDate(0, 0, 1) {
		f.clock.Set(at(d))
		for _, fn := range actions[d.Format(time.DateOnly)] {
			fn()
		}
	}

	from, to := date(t, "2026-11-01"), date(t, "2026-11-30")
	var l queue.CaseLedger
	due := map[string]string{}
	f.e.Read(func(s *queue.State) {
		l = s.CaseReport(from, to, at(end))
		for _, p := range plans {
			due[p.id] = s.Cases[p.id].Due
		}
	})
	// The hand count.
	var nDue, nOnTime, nOpen, nOverdue int
	clerkDue := map[string]int{}
	for _, p := range plans {
		d := date(t, due[p.id])
		if !d.Before(from) && !d.After(to) {
			nDue++
			clerkDue[p.clerk]++
			if !p.ready.IsZero() && !p.ready.After(d) {
				nOnTime++
			}
		}
		if !p.opened.After(to) && (p.ready.IsZero() || p.ready.After(to)) {
			nOpen++
			if d.Before(to) {
				nOverdue++
			}
		}
	}
	t.Logf("%d cases; November: %d due, %d on time, %d open and %d overdue at its end", len(plans), nDue, nOnTime, nOpen, nOverdue)
	if nDue < 20 || nOnTime == 0 || nOnTime == nDue {
		t.Fatalf("the generated month is too tame: %d due, %d on time", nDue, nOnTime)
	}
	if l.Due != nDue || l.OnTime != nOnTime || l.Open != nOpen || l.Overdue != nOverdue {
		t.Errorf("ledger due %d on time %d open %d overdue %d; by hand %d %d %d %d", l.Due, l.OnTime, l.Open, l.Overdue, nDue, nOnTime, nOpen, nOverdue)
	}
	want := float64(int(float64(nOnTime)*1000/float64(nDue)+0.5)) / 1000
	if l.Rate != want {
		t.Errorf("按时办结率 %v, by hand %v", l.Rate, want)
	}
	for _, g := range l.ByClerk {
		if g.Due != clerkDue[g.ID] {
			t.Errorf("clerk %s: %d due, by hand %d", g.ID, g.Due, clerkDue[g.ID])
		}
	}
}

func (f *fixture) act(id, staff, action, text string) {
	f.t.Helper()
	if _, err := f.e.CaseAction(ctx, id, queue.Actor{Staff: staff}, action, text); err != nil {
		f.t.Fatalf("%s %s: %v", action, id, err)
	}
}

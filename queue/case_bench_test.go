package queue_test

import (
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// A busy township's year of 承诺件: eight a working day, most of them done
// after a few days; what a ledger of the year and the manager's list of
// open cases cost.
func yearOfCases(b *testing.B) *fixture {
	f := newFixture(b, withCaseHall(""))
	cal := f.hall.Calendar()
	day := time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC)
	var ids []string
	for d := 0; d < 365; d++ {
		at := day.AddDate(0, 0, d)
		if !cal.Works(at) {
			continue
		}
		f.clock.Set(at)
		f.open("2", "A2")
		for range 8 {
			f.issue("pension", false)
			f.next("2", "A2")
			tk, err := f.e.FinishCase(ctx, "2", "A2", queue.CaseIntake{Name: "村民", Documents: []string{"身份证", "户口簿"}})
			if err != nil {
				b.Fatal(err)
			}
			ids = append(ids, tk.ID)
		}
		// The cases of three working days ago are done today; those of
		// six days ago are picked up and closed.
		if n := len(ids) - 24; n >= 8 {
			for _, id := range ids[n-8 : n] {
				f.act(id, "A2", "ready", "")
			}
		}
		if n := len(ids) - 48; n >= 8 {
			for _, id := range ids[n-8 : n] {
				f.act(id, "A2", "pickup", "")
				f.act(id, "A2", "close", "")
			}
		}
	}
	return f
}

func BenchmarkCaseReportYear(b *testing.B) {
	f := yearOfCases(b)
	now := f.clock.Now()
	var l queue.CaseLedger
	b.ResetTimer()
	for b.Loop() {
		f.e.Read(func(s *queue.State) { l = s.CaseReport(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), now, now) })
	}
	b.ReportMetric(float64(l.Due), "cases_due")
}

func BenchmarkListOpenCases(b *testing.B) {
	f := yearOfCases(b)
	now := f.clock.Now()
	n := 0
	b.ResetTimer()
	for b.Loop() {
		f.e.Read(func(s *queue.State) { n = len(s.ListCases(queue.CaseFilter{State: "open"}, now)) })
	}
	b.ReportMetric(float64(n), "open_cases")
}

package queue_test

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// memSummaries is an in-memory queue.SummaryStore.
type memSummaries struct {
	mu    sync.Mutex
	days  map[string][]byte
	saves int
}

func (m *memSummaries) LoadSummaries(from, to string) (map[string][]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string][]byte{}
	for d, v := range m.days {
		if d >= from && d <= to {
			out[d] = slices.Clone(v)
		}
	}
	return out, nil
}

func (m *memSummaries) SaveSummary(day string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.days == nil {
		m.days = map[string][]byte{}
	}
	m.days[day] = slices.Clone(data)
	m.saves++
	return nil
}

func (f *fixture) must(_ any, err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// workMorning plays a morning at windows 2 and 6 starting at the clock's
// time (09:00): five tickets, one no-show, a pause, three ratings.
func (f *fixture) workMorning() {
	f.t.Helper()
	at := func(hhmm string) {
		t0 := f.clock.Now().In(f.hall.Location())
		hm, _ := time.Parse("15:04", hhmm)
		f.clock.Set(time.Date(t0.Year(), t0.Month(), t0.Day(), hm.Hour(), hm.Minute(), 0, 0, f.hall.Location()))
	}
	at("09:00")
	f.open("2", "A2")
	f.open("6", "A6")
	for range 4 {
		is := f.issue("pension", false) // B001–B004, printed
		if err := f.e.MarkPrinted(ctx, is.Ticket.ID, true, ""); err != nil {
			f.t.Fatal(err)
		}
	}
	f.issue("birth", false) // D001, the printer jammed
	at("09:05")
	f.next("6", "A6")
	f.must(f.e.Start(ctx, "6", "A6"))
	at("09:07")
	f.must(f.e.Finish(ctx, "6", "A6", queue.OutcomeImmediate))
	f.must(f.e.Rate(ctx, "6", 3, ""))
	at("09:10")
	f.next("2", "A2") // B001 waited 10
	f.must(f.e.Start(ctx, "2", "A2"))
	at("09:16")
	f.must(f.e.Finish(ctx, "2", "A2", queue.OutcomeImmediate))
	f.must(f.e.Rate(ctx, "2", 5, ""))
	f.next("2", "A2") // B002 waited 16
	f.must(f.e.Start(ctx, "2", "A2"))
	at("09:20")
	f.must(f.e.Finish(ctx, "2", "A2", queue.OutcomePromised))
	f.must(f.e.Rate(ctx, "2", 1, "态度不好"))
	f.must(f.e.Pause(ctx, "2", "A2", "开会"))
	at("09:50")
	f.must(f.e.Resume(ctx, "2", "A2"))
	f.next("2", "A2") // B003 waited 50
	f.must(f.e.NoShow(ctx, "2", "A2"))
	at("09:51")
	f.next("2", "A2") // B004 waited 51
	f.must(f.e.Start(ctx, "2", "A2"))
	at("10:00")
	f.must(f.e.Finish(ctx, "2", "A2", queue.OutcomeConsult))
	if err := f.e.Leave(ctx, "2", "A2"); err != nil {
		f.t.Fatal(err)
	}
}

func TestReportOfADay(t *testing.T) {
	f := newFixture(t, smallHall)
	f.workMorning()
	f.clock.Add(30 * time.Minute) // 10:30, window 6 still open
	day := time.Date(2026, 11, 21, 0, 0, 0, 0, f.hall.Location())
	r, err := f.e.Report(day, day, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := queue.Figures{
		Issued: 5, Accepted: 4, Finished: 4, Immediate: 2, Promised: 1, Consult: 1,
		FinishRate: 1, NoShow: 1, NoShowRate: 0.2, Unprinted: 1,
		// waits 5, 10, 16, 50, 51 minutes; service 2, 6, 4, 9
		AvgWaitMinutes: 26.4, MedianWaitMinutes: 16, P90WaitMinutes: 51, MaxWaitMinutes: 51,
		AvgServiceMinutes: 5.3, WithinTarget: 0.4,
		Rated: 3, Ratings: [5]int{1, 0, 1, 0, 1}, Satisfaction: 0.667,
	}
	if r.Figures != want {
		t.Errorf("total\n got %+v\nwant %+v", r.Figures, want)
	}
	if len(r.Days) != 1 || r.Days[0].Figures != want || r.Day != "2026-11-21" {
		t.Errorf("days = %+v", r.Days)
	}
	w2 := r.Windows[0]
	if w2.ID != "2" || w2.Issued != 4 || w2.Finished != 3 || w2.NoShow != 1 || w2.MedianWaitMinutes != 16 {
		t.Errorf("window 2 = %+v", w2)
	}
	if len(r.Windows) != 4 || r.Windows[3].Issued != 0 {
		t.Errorf("every window listed, idle ones with zeros: %+v", r.Windows)
	}
	if c := r.Categories[0]; c.ID != "civil" || c.Issued != 4 || c.Finished != 3 {
		t.Errorf("category civil = %+v", c)
	}
	clerks := map[string]queue.ClerkLine{}
	for _, c := range r.Clerks {
		clerks[c.ID] = c
	}
	a2, a6 := clerks["A2"], clerks["A6"]
	if a2.SignedInHours != 1 || a2.PausedHours != 0.5 || a2.Finished != 3 || a2.TicketsPerHour != 3 ||
		!reflect.DeepEqual(a2.Pauses, []queue.PauseLine{{Reason: "开会", Count: 1, Minutes: 30}}) {
		t.Errorf("clerk A2 = %+v", a2)
	}
	if a6.SignedInHours != 1.5 || a6.Finished != 1 || a6.TicketsPerHour != 0.7 || a6.Name != "丁" {
		t.Errorf("clerk A6 (still signed in at 10:30) = %+v", a6)
	}
	if len(r.Hours) != 1 || r.Hours[0].Hour != 9 || r.Hours[0].Issued != 5 {
		t.Errorf("hours = %+v", r.Hours)
	}
	if len(r.LowRatings) != 1 {
		t.Fatalf("low ratings = %+v", r.LowRatings)
	}
	if lr := r.LowRatings[0]; lr.Number != "B002" || lr.Window != "2" || lr.Staff != "A2" || lr.Score != 1 || lr.Reason != "态度不好" {
		t.Errorf("low rating = %+v", lr)
	}
	bands := map[string]int{}
	for _, b := range r.WaitBands {
		bands[b.Label] = b.Count
	}
	if bands["5–10分钟"] != 1 || bands["10–15分钟"] != 1 || bands["15–20分钟"] != 1 || bands["45–60分钟"] != 2 {
		t.Errorf("wait bands = %+v", r.WaitBands)
	}
}

// TestStoredSummariesEqualTheLog plays three days, asks for the range
// (which stores the two closed days), and checks that each stored summary
// equals the one rebuilt from the log, that a second ask reads the store
// instead of the log, and that the range adds the days up.
func TestStoredSummariesEqualTheLog(t *testing.T) {
	f := newFixture(t, smallHall)
	f.workMorning() // 11-21
	f.clock.Set(f.clock.Now().AddDate(0, 0, 1))
	f.workMorning() // 11-22
	f.clock.Set(f.clock.Now().AddDate(0, 0, 2))
	f.workMorning() // 11-24; 11-23 the hall was closed
	store := &memSummaries{}
	loc := f.hall.Location()
	from, to := time.Date(2026, 11, 21, 0, 0, 0, 0, loc), time.Date(2026, 11, 30, 0, 0, 0, 0, loc)
	r, err := f.e.Report(from, to, store)
	if err != nil {
		t.Fatal(err)
	}
	days := []string{}
	for _, d := range r.Days {
		days = append(days, d.Day)
	}
	if want := []string{"2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24"}; !slices.Equal(days, want) {
		t.Errorf("days = %v, want %v (up to today, closed days with zeros)", days, want)
	}
	if got := slices.Sorted(maps.Keys(store.days)); !slices.Equal(got, []string{"2026-11-21", "2026-11-22"}) {
		t.Errorf("stored days = %v: the closed days with a log (not today, not the day the hall was shut)", got)
	}
	for day, data := range store.days {
		rebuilt, err := f.e.RebuildSummary(day)
		if err != nil {
			t.Fatal(err)
		}
		again, _ := json.Marshal(rebuilt)
		if string(again) != string(data) {
			t.Errorf("%s: stored summary differs from the log\nstored  %s\nrebuilt %s", day, data, again)
		}
	}
	if r.Issued != 15 || r.Finished != 12 || r.MedianWaitMinutes != 16 || r.Rated != 9 || len(r.LowRatings) != 3 {
		t.Errorf("range total = %+v, %d low ratings", r.Figures, len(r.LowRatings))
	}
	if r.Days[2].Issued != 0 || r.Days[3].Issued != 5 {
		t.Errorf("day rows = %+v", r.Days)
	}

	// A stored summary is what a later range reads: change it and the
	// report follows (the log is not replayed).
	var sum queue.DaySummary
	if err := json.Unmarshal(store.days["2026-11-21"], &sum); err != nil {
		t.Fatal(err)
	}
	sum.Total.Issued = 1000
	data, _ := json.Marshal(sum)
	store.days["2026-11-21"] = data
	saves := store.saves
	r2, err := f.e.Report(from, to, store)
	if err != nil {
		t.Fatal(err)
	}
	if r2.Days[0].Issued != 1000 || r2.Issued != 1010 {
		t.Errorf("second range: day 1 issued %d, total %d: the stored summary was not used", r2.Days[0].Issued, r2.Issued)
	}
	if store.saves != saves {
		t.Errorf("second range stored %d summaries again", store.saves-saves)
	}
}

// TestRunningDayFoldsOnlyNewEvents: the running day's summary, kept
// between reports and advanced by the events since, equals the day
// replayed afresh at every step.
func TestRunningDayFoldsOnlyNewEvents(t *testing.T) {
	f := newFixture(t, smallHall)
	day := time.Date(2026, 11, 21, 0, 0, 0, 0, f.hall.Location())
	check := func(step string) {
		t.Helper()
		days, err := f.e.Summaries(day, day, nil)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := f.e.RebuildSummary("2026-11-21")
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(days[0])
		b, _ := json.Marshal(fresh)
		if string(a) != string(b) {
			t.Errorf("%s: kept fold differs from a fresh replay\nkept  %s\nfresh %s", step, a, b)
		}
	}
	f.open("2", "A2")
	f.issue("pension", false)
	check("one ticket")
	f.clock.Add(7 * time.Minute)
	f.next("2", "A2")
	f.must(f.e.Start(ctx, "2", "A2"))
	check("called")
	f.clock.Add(5 * time.Minute)
	f.must(f.e.Finish(ctx, "2", "A2", queue.OutcomeImmediate))
	f.must(f.e.Rate(ctx, "2", 1, "态度不好"))
	f.must(f.e.Pause(ctx, "2", "A2", "开会"))
	f.clock.Add(20 * time.Minute)
	check("paused")
	r, err := f.e.Report(day, day, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Finished != 1 || r.Clerks[0].PausedHours != 0.3 || len(r.LowRatings) != 1 {
		t.Errorf("report after the pause: %+v %+v", r.Figures, r.Clerks)
	}
}

package queue_test

import (
	"github.com/yimen-hall/yimen/queue"
	"strings"
	"testing"
	"time"
)

func TestCallingOrder(t *testing.T) {
	interleave := strings.Replace(smallHall, `"name": "测试镇便民服务中心",`,
		`"name": "测试镇便民服务中心", "calling": {"mode": "interleave", "every": 2},`, 1)
	type tk struct {
		svc      string
		priority bool
	}
	tests := []struct {
		name    string
		hall    string
		tickets []tk
		window  string
		want    []string
	}{
		{"longest wait first, across the window's categories", smallHall,
			[]tk{{"pension", false}, {"birth", false}, {"pension", false}}, "3",
			[]string{"B001", "D001", "B002"}},
		{"only the window's categories", smallHall,
			[]tk{{"birth", false}, {"pension", false}}, "2",
			[]string{"B001", ""}},
		{"strict: priority first", smallHall,
			[]tk{{"pension", false}, {"pension", false}, {"birth", true}, {"pension", true}}, "3",
			[]string{"D001", "B003", "B001", "B002"}},
		{"interleave: one priority per two ordinary", interleave,
			[]tk{{"pension", false}, {"pension", false}, {"pension", false}, {"pension", false}, {"pension", true}, {"pension", true}, {"pension", true}},
			"2", []string{"B001", "B002", "B005", "B003", "B004", "B006", "B007"}},
		{"strict with the same tickets", smallHall,
			[]tk{{"pension", false}, {"pension", false}, {"pension", false}, {"pension", false}, {"pension", true}, {"pension", true}, {"pension", true}},
			"2", []string{"B005", "B006", "B007", "B001", "B002", "B003", "B004"}},
		{"interleave: a priority never waits behind a later ordinary", interleave,
			[]tk{{"pension", true}, {"pension", false}}, "2",
			[]string{"B001", "B002"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.hall)
			for _, k := range tt.tickets {
				f.issue(k.svc, k.priority)
				f.clock.Add(time.Minute)
			}
			staff := map[string]string{"2": "A2", "3": "A3"}[tt.window]
			var got []string
			for range tt.want {
				got = append(got, f.next(tt.window, staff))
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("calls = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWindowActions(t *testing.T) {
	f := newFixture(t, smallHall)
	f.issue("pension", false) // B001
	f.issue("pension", false) // B002
	if n := f.next("3", "A3"); n != "B001" {
		t.Fatalf("first call = %s", n)
	}
	r, err := f.e.Recall(ctx, "3", "A3")
	if err != nil || r.Recalls() != 1 || r.Status() != "called" {
		t.Fatalf("Recall = %+v, %v", r, err)
	}
	if _, err := f.e.Start(ctx, "3", "A3"); err != nil {
		t.Fatal(err)
	}
	// Transfer keeps the number and goes ahead of later tickets.
	tr, err := f.e.Transfer(ctx, "3", "A3", "health")
	if err != nil || tr.Number != "B001" || tr.Status() != "transferred" || tr.Category != "health" {
		t.Fatalf("Transfer = %+v, %v", tr, err)
	}
	f.issue("birth", false) // D001, later than B001
	if n := f.next("6", "A6"); n != "B001" {
		t.Errorf("window 6 called %s, want the transferred B001 first", n)
	}
	if _, err := f.e.Finish(ctx, "6", "A6", "promised"); err != nil {
		t.Fatal(err)
	}
	if n := f.next("3", "A3"); n != "B002" {
		t.Fatalf("next = %s, want B002", n)
	}
	ns, err := f.e.NoShow(ctx, "3", "A3")
	if err != nil || ns.Status() != "no_show" {
		t.Fatalf("NoShow = %+v, %v", ns, err)
	}
	if _, err := f.e.Recall(ctx, "3", "A3"); code(err) != "no_current_ticket" {
		t.Errorf("Recall with nothing called = %v, want no_current_ticket", err)
	}
	if _, err := f.e.Pause(ctx, "3", "A3", "整理材料"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.e.Next(ctx, "3", "A3"); code(err) != "window_paused" {
		t.Errorf("Next on a paused window = %v, want window_paused", err)
	}
	if _, err := f.e.Resume(ctx, "3", "A3"); err != nil {
		t.Fatal(err)
	}
	if n := f.next("3", "A3"); n != "D001" {
		t.Errorf("after resume next = %q, want D001", n)
	}
	// Next with a ticket being served finishes it as 即办件.
	if _, err := f.e.Start(ctx, "3", "A3"); err != nil {
		t.Fatal(err)
	}
	f.next("3", "A3")
	var out string
	f.e.Read(func(s *queue.State) { out = s.Tickets["20261121-D001"].Outcome() })
	if out != "immediate" {
		t.Errorf("D001 outcome after the next call = %q, want immediate", out)
	}
	if _, err := f.e.Rate(ctx, "3", 5, ""); err != nil {
		t.Errorf("Rate after finish: %v", err)
	}
	if _, err := f.e.Rate(ctx, "3", 4, ""); code(err) != "nothing_to_rate" {
		t.Errorf("second Rate = %v, want nothing_to_rate", err)
	}
	if _, err := f.e.Next(ctx, "6", "A3"); code(err) != "not_your_window" {
		t.Errorf("Next at someone else's window = %v, want not_your_window", err)
	}
}

// A ticket's "ahead" is where the calling policy puts it: under
// interleave a priority ticket goes after at most Every ordinary ones
// (not first, as a count of the line would say), and an ordinary one is
// not held back by every priority ticket. Checked against the order the
// window then really calls, before each call.
func TestAheadFollowsCallingPolicy(t *testing.T) {
	for _, c := range []struct{ name, hall string }{
		{"interleave", strings.Replace(smallHall, `"name": "测试镇便民服务中心",`,
			`"name": "测试镇便民服务中心", "calling": {"mode": "interleave", "every": 2},`, 1)},
		{"strict", smallHall},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, c.hall)
			kinds := []bool{false, false, false, false, true, false, true, true, false, false, false, true, false}
			for _, prio := range kinds {
				f.issue("pension", prio)
				f.clock.Add(time.Minute)
			}
			// Before each call: every waiting ticket's ahead.
			var predicted []map[string]int
			var order []string
			for range kinds {
				p := map[string]int{}
				f.e.Read(func(s *queue.State) {
					for _, tk := range s.Waiting("civil") {
						p[tk.Number] = s.Ahead(tk)
					}
				})
				predicted = append(predicted, p)
				order = append(order, f.next("2", "A2"))
			}
			for k, p := range predicted {
				for i, n := range order[k:] {
					if got, ok := p[n]; !ok || got != i {
						t.Errorf("after %d calls: %s ahead = %d (known %v), then called with %d before it; calls %v", k, n, got, ok, i, order)
					}
				}
			}
		})
	}
}

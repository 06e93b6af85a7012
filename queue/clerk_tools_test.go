package queue_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// calls returns the numbers a window calls with 下一位 until nobody waits.
func (f *fixture) calls(window, staff string) string {
	f.t.Helper()
	var got []string
	for n := f.next(window, staff); n != ""; n = f.next(window, staff) {
		got = append(got, n)
	}
	return strings.Join(got, ",")
}

// ledger21 is the ledger of the fixtures' day, 2026-11-21.
func (f *fixture) ledger21() queue.Figures {
	f.t.Helper()
	day := time.Date(2026, 11, 21, 0, 0, 0, 0, f.hall.Location())
	r, err := f.e.Report(day, day, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	return r.Figures
}

func TestCallNumber(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(f *fixture) // tickets B001…B004 and D001 wait; window 3 serves civil and health
		window string
		number string
		code   string // refusal, or "" when called
		after  string // what 下一位 calls afterwards, in order
	}{
		{"a later number goes first, the rest keep their order", nil, "3", "B003", "", "B001,B002,B004,D001"},
		{"lower case and spaces are read", nil, "3", " b004 ", "", "B001,B002,B003,D001"},
		{"a line the window does not serve", nil, "2", "D001", "not_this_window", "B001,B002,B003,B004,D001"},
		{"no such number today", nil, "3", "B099", "unknown_number", "B001,B002,B003,B004,D001"},
		{"empty", nil, "3", "", "bad_number", "B001,B002,B003,B004,D001"},
		{"a finished ticket", func(f *fixture) {
			f.next("2", "A2")
			f.must(f.e.Finish(ctx, "2", "A2", ""))
		}, "3", "B001", "not_waiting", "B002,B003,B004,D001"},
		{"the window's own ticket is recalled, not called", func(f *fixture) {
			f.next("3", "A3")
		}, "3", "B001", "already_here", "B002,B003,B004,D001"},
		{"paused", func(f *fixture) {
			f.must(f.e.Pause(ctx, "3", "A3", ""))
		}, "3", "B002", "window_paused", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, smallHall)
			for _, svc := range []string{"pension", "pension", "pension", "pension", "birth"} {
				f.issue(svc, false)
				f.clock.Add(time.Minute)
			}
			f.open("2", "A2")
			if tt.setup != nil {
				tt.setup(f)
			}
			_, err := f.e.CallNumber(ctx, tt.window, "A"+tt.window, tt.number)
			if code(err) != tt.code || (tt.code == "" && err != nil) {
				t.Fatalf("CallNumber(%q) = %v, want %q", tt.number, err, tt.code)
			}
			if tt.code == "" {
				if c := f.ticket(strings.ToUpper(strings.TrimSpace(tt.number))); c.Status() != queue.StatusCalled || c.Window() != tt.window {
					t.Fatalf("%s is %s at %q", c.Number, c.Status(), c.Window())
				}
			}
			if tt.code == "window_paused" {
				return
			}
			f.e.Leave(ctx, "2", "A2")
			if got := f.calls("3", "A3"); got != tt.after {
				t.Errorf("then 下一位 calls %s, want %s", got, tt.after)
			}
		})
	}
}

func TestCallNumberClosesTheWindowsTicket(t *testing.T) {
	f := newFixture(t, smallHall)
	f.issue("pension", false) // B001
	f.issue("pension", false) // B002
	f.issue("pension", false) // B003
	f.next("3", "A3")
	f.must(f.e.CallNumber(ctx, "3", "A3", "B003")) // B001 only called: 过号
	f.must(f.e.Start(ctx, "3", "A3"))
	f.must(f.e.CallNumber(ctx, "3", "A3", "B002")) // B003 served: 办结
	if a, b := f.ticket("B001"), f.ticket("B003"); a.Status() != queue.StatusNoShow || b.Status() != queue.StatusDone {
		t.Errorf("B001 %s, B003 %s; want no_show and done", a.Status(), b.Status())
	}
}

func TestHold(t *testing.T) {
	f := newFixture(t, smallHall)
	for range 3 {
		f.issue("pension", false) // B001…B003
		f.clock.Add(time.Minute)
	}
	f.next("3", "A3")
	f.must(f.e.Start(ctx, "3", "A3"))
	calledAt := f.ticket("B001").CalledAt()
	held, next, err := f.e.Hold(ctx, "3", "A3")
	if err != nil || held.Number != "B001" || held.Status() != queue.StatusHeld || next == nil || next.Number != "B002" {
		t.Fatalf("Hold = %+v, %+v, %v; want B001 held and B002 called", held, next, err)
	}
	f.e.Read(func(s *queue.State) {
		if h := s.Held("3"); len(h) != 1 || h[0].Number != "B001" {
			t.Errorf("held at window 3: %v", h)
		}
	})
	// 下一位 never calls a parked ticket; another window cannot take it.
	if n := f.next("3", "A3"); n != "B003" {
		t.Errorf("next after hold = %s, want B003", n)
	}
	f.open("2", "A2")
	if _, err := f.e.CallNumber(ctx, "2", "A2", "B001"); code(err) != "held_elsewhere" {
		t.Errorf("window 2 calls B001: %v, want held_elsewhere", err)
	}
	// It comes back with its number; its wait ended at its first call.
	f.clock.Add(10 * time.Minute)
	back, err := f.e.CallNumber(ctx, "3", "A3", "B001")
	if err != nil || back.Status() != queue.StatusCalled || !back.CalledAt().Equal(calledAt) {
		t.Fatalf("CallNumber(B001) = %+v, %v; want called, called at %v", back, err, calledAt)
	}
	if h := f.ticket("B003"); h.Status() != queue.StatusNoShow {
		t.Errorf("B003, called but never started when B001 came back, is %s", h.Status())
	}
	f.must(f.e.Finish(ctx, "3", "A3", ""))
	if _, _, err := f.e.Hold(ctx, "3", "A3"); code(err) != "no_current_ticket" {
		t.Errorf("Hold with nobody at the window: %v", err)
	}
	// A parked ticket survives a restart.
	f.restart()
	f.e.Read(func(s *queue.State) {
		if h := s.Held("3"); len(h) != 0 {
			t.Errorf("held after B001 came back: %v", h)
		}
	})
}

func TestHoldAcrossDayEnd(t *testing.T) {
	f := newFixture(t, smallHall)
	f.clock.Set(time.Date(2026, 11, 21, 15, 50, 0, 0, time.UTC)) // 23:50 in Shanghai
	f.issue("pension", false)
	f.issue("pension", false)
	f.next("3", "A3")
	f.must(f.e.Start(ctx, "3", "A3"))
	if _, _, err := f.e.Hold(ctx, "3", "A3"); err != nil {
		t.Fatal(err)
	}
	f.restart()
	f.e.Read(func(s *queue.State) {
		if h := s.Held("3"); len(h) != 1 {
			t.Errorf("held after a restart: %v", h)
		}
	})
	f.clock.Set(time.Date(2026, 11, 21, 16, 0, 30, 0, time.UTC))
	f.issue("pension", false) // the new day begins
	f.e.Read(func(s *queue.State) {
		if h := s.Held("3"); len(h) != 0 {
			t.Errorf("yesterday's parked ticket is still held: %v", h)
		}
	})
	if l := f.ledger21(); l.Issued != 2 || l.Held != 1 || l.Cancelled != 2 {
		t.Errorf("ledger of 11-21: issued %d held %d cancelled %d, want 2, 1, 2", l.Issued, l.Held, l.Cancelled)
	}
}

func TestRequeuePlace(t *testing.T) {
	places := func(n int) string {
		return strings.Replace(smallHall, `"name": "测试镇便民服务中心",`,
			`"name": "测试镇便民服务中心", "calling": {"requeue_places": `+string(rune('0'+n))+`},`, 1)
	}
	tests := []struct {
		name     string
		hall     string
		waiting  int           // ordinary tickets after B001
		priority bool          // B001 is a priority ticket
		back     time.Duration // how long after 过号 it comes back
		code     string
		want     string // what 下一位 calls after the requeue
	}{
		{"three places behind the head by default", smallHall, 6, false, 10 * time.Minute, "", "B002,B003,B004,B001,B005,B006,B007"},
		{"the hall's number of places", places(1), 6, false, 10 * time.Minute, "", "B002,B001,B003,B004,B005,B006,B007"},
		{"a short line: at its back", smallHall, 2, false, 10 * time.Minute, "", "B002,B003,B001"},
		{"nobody waits", smallHall, 0, false, time.Minute, "", "B001"},
		{"a priority ticket in the priority line", smallHall, 3, true, time.Minute, "", "B001,B002,B003,B004"},
		{"just in time", smallHall, 3, false, 30 * time.Minute, "", "B002,B003,B004,B001"},
		{"too late", smallHall, 3, false, 31 * time.Minute, "requeue_too_late", "B002,B003,B004"},
	}
	// The clerk's requeue, and the kiosk's by the typed number or the
	// scanned QR code, put the ticket back by the same rule.
	by := map[string]func(f *fixture, token string) (queue.Ticket, error){
		"clerk":        func(f *fixture, _ string) (queue.Ticket, error) { return f.e.Requeue(ctx, "3", "A3", "B001") },
		"kiosk number": func(f *fixture, _ string) (queue.Ticket, error) { return f.e.RequeueAtKiosk(ctx, " b001 ") },
		"kiosk QR": func(f *fixture, token string) (queue.Ticket, error) {
			return f.e.RequeueAtKiosk(ctx, "http://192.168.1.10:8080/t/"+token)
		},
	}
	for _, tt := range tests {
		for how, requeue := range by {
			t.Run(tt.name+"/"+how, func(t *testing.T) {
				f := newFixture(t, tt.hall)
				first := f.issue("pension", tt.priority)
				f.open("2", "A2")
				f.next("2", "A2")
				f.clock.Add(time.Minute)
				for range tt.waiting {
					f.issue("pension", false)
					f.clock.Add(time.Minute)
				}
				f.must(f.e.NoShow(ctx, "2", "A2"))
				f.clock.Add(tt.back)
				tk, err := requeue(f, first.Ticket.Token())
				if code(err) != tt.code || (tt.code == "" && err != nil) {
					t.Fatalf("Requeue = %v, want %q", err, tt.code)
				}
				if tt.code == "" && (tk.Status() != queue.StatusWaiting || tk.Requeues() != 1) {
					t.Errorf("requeued ticket = %+v", tk)
				}
				f.restart() // the place is the log's, not the memory's
				if got := f.calls("2", "A2"); got != tt.want {
					t.Errorf("calls %s, want %s", got, tt.want)
				}
			})
		}
	}
}

func TestRequeueRefusals(t *testing.T) {
	f := newFixture(t, smallHall)
	f.issue("pension", false) // B001
	f.issue("birth", false)   // D001
	if _, err := f.e.Requeue(ctx, "3", "A3", "B001"); code(err) != "not_no_show" {
		t.Errorf("waiting ticket: %v", err)
	}
	f.next("6", "A6")
	f.must(f.e.NoShow(ctx, "6", "A6"))
	if _, err := f.e.Requeue(ctx, "2", "A2", "D001"); code(err) != "not_this_window" {
		t.Errorf("window 2 does not serve health: %v", err)
	}
	if _, err := f.e.Requeue(ctx, "2", "A2", "X1"); code(err) != "unknown_number" {
		t.Errorf("unknown number: %v", err)
	}
	f.must(f.e.Requeue(ctx, "6", "A6", "D001"))
	f.next("6", "A6")
	f.must(f.e.Finish(ctx, "6", "A6", ""))
	if l := f.ledger21(); l.Requeued != 1 || l.NoShow != 0 || l.Finished != 1 {
		t.Errorf("ledger: requeued %d no-show %d finished %d, want 1, 0, 1", l.Requeued, l.NoShow, l.Finished)
	}
}

func TestTransferToWindow(t *testing.T) {
	f := newFixture(t, smallHall)
	for _, svc := range []string{"pension", "pension", "pension"} {
		f.issue(svc, false) // B001…B003
		f.clock.Add(time.Minute)
	}
	f.open("2", "A2")
	f.open("6", "A6")
	f.next("3", "A3") // B001 at window 3
	for _, c := range []struct{ to, code string }{
		{"9", "unknown_window"}, {"3", "same_window"}, {"7", "window_closed"},
	} {
		if _, err := f.e.TransferToWindow(ctx, "3", "A3", c.to); code(err) != c.code {
			t.Errorf("transfer to %s: %v, want %s", c.to, err, c.code)
		}
	}
	tk, err := f.e.TransferToWindow(ctx, "3", "A3", "2")
	if err != nil || tk.Number != "B001" || tk.To() != "2" || tk.Category != "civil" || tk.Status() != queue.StatusTransferred {
		t.Fatalf("TransferToWindow = %+v, %v", tk, err)
	}
	// Window 3 serves civil too, but B001 is for window 2 alone, where it
	// keeps its place ahead of those who came after it.
	if n := f.next("3", "A3"); n != "B002" {
		t.Errorf("window 3 calls %s, want B002", n)
	}
	f.e.Read(func(s *queue.State) {
		tk := s.Tickets["20261121-B001"]
		if a := s.Ahead(tk); a != 0 {
			t.Errorf("B001 ahead = %d", a)
		}
		if l := s.WindowLine("2", 10); len(l) != 2 || l[0].Number != "B001" {
			t.Errorf("window 2's line = %v", l)
		}
		if l := s.WindowLine("3", 10); len(l) != 1 || l[0].Number != "B003" {
			t.Errorf("window 3's line = %v", l)
		}
	})
	f.restart()
	if got := f.calls("2", "A2"); got != "B001,B003" {
		t.Errorf("window 2 calls %s, want B001,B003", got)
	}
	// To a window of another line: the ticket takes that window's line.
	f.issue("pension", false) // B004
	f.next("3", "A3")         // B004
	tk, err = f.e.TransferToWindow(ctx, "3", "A3", "6")
	if err != nil || tk.Category != "health" || tk.To() != "6" {
		t.Fatalf("to window 6: %+v, %v", tk, err)
	}
	if n := f.next("6", "A6"); n != "B004" {
		t.Errorf("window 6 calls %s", n)
	}
}

// A window removed from the hall sends the tickets transferred to it back
// to their line, where any window of the line calls them.
func TestRemovedWindowReleasesItsTickets(t *testing.T) {
	f := importedFixture(t)
	f.issue("pension", false) // B001
	f.open("2", "A2")
	f.next("3", "A3")
	if _, err := f.e.TransferToWindow(ctx, "3", "A3", "2"); err != nil {
		t.Fatal(err)
	}
	f.must(nil, f.e.Leave(ctx, "2", "A2"))
	v, _ := f.e.HallVersion()
	h := editHall(t, f.e, func(h *queue.Hall) {
		h.Windows = slices.DeleteFunc(h.Windows, func(w queue.Window) bool { return w.ID == "2" })
		for i := range h.Staff {
			h.Staff[i].Windows = slices.DeleteFunc(slices.Clone(h.Staff[i].Windows), func(w string) bool { return w == "2" })
		}
		h.Staff = slices.DeleteFunc(h.Staff, func(st queue.Staff) bool { return len(st.Windows) == 0 })
	})
	if _, err := f.e.UpdateHall(ctx, queue.HallChange{By: "admin", Version: v, Hall: h}); err != nil {
		t.Fatal(err)
	}
	if n := f.next("3", "A3"); n != "B001" {
		t.Errorf("window 3 calls %q, want B001 back from the removed window 2", n)
	}
}

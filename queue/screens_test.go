package queue_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

// ticket reads one of today's tickets by number.
func (f *fixture) ticket(number string) queue.Ticket {
	f.t.Helper()
	var out queue.Ticket
	f.e.Read(func(s *queue.State) {
		for _, t := range s.Tickets {
			if t.Number == number {
				out = *t
			}
		}
	})
	if out.ID == "" {
		f.t.Fatalf("no ticket %s", number)
	}
	return out
}

// A clerk who leaves while a ticket is called must not leave the villager
// called to an empty window: the ticket goes back to the head of its line
// with its number, its call leaves the lobby's list, and the next window
// of the line calls it first.
func TestLeavingReturnsTheCalledTicket(t *testing.T) {
	leave := map[string]func(f *fixture) error{
		"下村": func(f *fixture) error {
			_, err := f.e.SetStaffStatus(ctx, "A3", queue.StaffVillage, "东村", "15:00")
			return err
		},
		"开会": func(f *fixture) error {
			_, err := f.e.SetStaffStatus(ctx, "A3", queue.StaffMeeting, "", "")
			return err
		},
		"close":    func(f *fixture) error { return f.e.Leave(ctx, "3", "A3") },
		"sign-out": func(f *fixture) error { return f.e.SignOut(ctx, "A3") },
	}
	for name, act := range leave {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, smallHall)
			f.issue("pension", false) // B001
			f.issue("pension", false) // B002
			f.open("3", "A3")
			if n := f.next("3", "A3"); n != "B001" {
				t.Fatalf("called %s", n)
			}
			if err := act(f); err != nil {
				t.Fatal(err)
			}
			tk := f.ticket("B001")
			if tk.Status() != queue.StatusWaiting || tk.Window() != "" || tk.Returns() != 1 {
				t.Errorf("B001 after the clerk left: status %s window %q returns %d, want waiting, no window, 1", tk.Status(), tk.Window(), tk.Returns())
			}
			f.e.Read(func(s *queue.State) {
				if s.Current("3") != nil {
					t.Errorf("window 3 still shows %s", s.Current("3").Number)
				}
				for _, c := range s.Recent {
					if c.Number == "B001" {
						t.Errorf("the lobby still lists B001 at window %s", c.Window)
					}
				}
				if a := s.Ahead(s.Tickets[tk.ID]); a != 0 {
					t.Errorf("B001 ahead = %d, want 0 (head of its line)", a)
				}
			})
			// The B post (or any window of the line) calls it before B002.
			if n := f.next("2", "A2"); n != "B001" {
				t.Errorf("window 2 called %s, want B001 back first", n)
			}
			// Through a restart, the log gives the same.
			f.restart()
			if tk := f.ticket("B001"); tk.Status() != queue.StatusCalled || tk.Window() != "2" {
				t.Errorf("after restart B001 is %s at %q", tk.Status(), tk.Window())
			}
		})
	}
}

// next over a ticket that was called but never started is a 过号, not a
// 办结; a ticket being served is finished with the hall's default outcome.
func TestNextDoesNotFinishWhatNeverStarted(t *testing.T) {
	f := newFixture(t, smallHall)
	f.issue("pension", false) // B001
	f.issue("pension", false) // B002
	f.issue("pension", false) // B003
	f.open("2", "A2")
	f.next("2", "A2") // B001 called, never started
	f.next("2", "A2") // B002
	if tk := f.ticket("B001"); tk.Status() != queue.StatusNoShow || tk.Outcome() != "" {
		t.Errorf("B001 passed over = %s/%q, want no_show without an outcome", tk.Status(), tk.Outcome())
	}
	if _, err := f.e.Start(ctx, "2", "A2"); err != nil {
		t.Fatal(err)
	}
	f.next("2", "A2") // B003; B002 was served
	if tk := f.ticket("B002"); tk.Status() != queue.StatusDone || tk.Outcome() != queue.OutcomeImmediate {
		t.Errorf("B002 served then next = %s/%q, want done/immediate", tk.Status(), tk.Outcome())
	}
	day := time.Date(2026, 11, 21, 0, 0, 0, 0, f.hall.Location())
	l, err := f.e.Report(day, day, nil)
	if err != nil {
		t.Fatal(err)
	}
	if l.Finished != 1 || l.Immediate != 1 || l.NoShow != 1 {
		t.Errorf("ledger finished %d immediate %d no-show %d, want 1 1 1", l.Finished, l.Immediate, l.NoShow)
	}
}

func TestHallDefaultOutcome(t *testing.T) {
	js := smallHall[:len(smallHall)-2] + `, "default_outcome": "consult"}`
	f := newFixture(t, js)
	f.issue("pension", false)
	f.issue("pension", false)
	f.open("2", "A2")
	f.next("2", "A2")
	if _, err := f.e.Start(ctx, "2", "A2"); err != nil {
		t.Fatal(err)
	}
	f.next("2", "A2")
	if tk := f.ticket("B001"); tk.Outcome() != queue.OutcomeConsult {
		t.Errorf("outcome by next = %q, want the hall's consult", tk.Outcome())
	}
	if _, err := f.e.Start(ctx, "2", "A2"); err != nil {
		t.Fatal(err)
	}
	if tk, err := f.e.Finish(ctx, "2", "A2", ""); err != nil || tk.Outcome() != queue.OutcomeConsult {
		t.Errorf("finish without outcome = %q, %v; want consult", tk.Outcome(), err)
	}
	if _, err := queue.ParseHall(strings.NewReader(smallHall[:len(smallHall)-2] + `, "default_outcome": "done"}`)); err == nil {
		t.Error("a hall with default_outcome \"done\" was accepted")
	}
}

// Nobody is 在岗 before they come in: a clerk is 未到岗 until they take a
// window or say where they are, and again after signing out.
func TestStaffAreOffUntilTheyComeIn(t *testing.T) {
	f := newFixture(t, smallHall)
	f.e.Read(func(s *queue.State) {
		for id, st := range s.Staff {
			if st.Status != queue.StaffOff || queue.StaffStatusNames[st.Status] != "未到岗" {
				t.Errorf("%s before anyone came: %s", id, st.Status)
			}
		}
	})
	f.open("3", "A3")
	if _, err := f.e.SetStaffStatus(ctx, "A6", queue.StaffMeeting, "", "10:00"); err != nil {
		t.Fatal(err)
	}
	f.e.Read(func(s *queue.State) {
		if s.Staff["A3"].Status != queue.StaffOnDuty || s.Staff["A6"].Status != queue.StaffMeeting || s.Staff["A2"].Status != queue.StaffOff {
			t.Errorf("A3 %s A6 %s A2 %s, want on_duty meeting off", s.Staff["A3"].Status, s.Staff["A6"].Status, s.Staff["A2"].Status)
		}
	})
	if err := f.e.SignOut(ctx, "A3"); err != nil {
		t.Fatal(err)
	}
	f.e.Read(func(s *queue.State) {
		if s.Staff["A3"].Status != queue.StaffOff || s.Windows["3"].Occupant != "" {
			t.Errorf("after sign-out A3 is %s at window 3 occupant %q", s.Staff["A3"].Status, s.Windows["3"].Occupant)
		}
	})
}

// A return time typed with a Chinese input method is accepted and stored
// the plain way.
func TestReturnTimeFromAChineseIME(t *testing.T) {
	f := newFixture(t, smallHall)
	for in, want := range map[string]string{"16：30": "16:30", "１６：３０": "16:30", "9:05": "09:05", " 11:00 ": "11:00", "": ""} {
		st, err := f.e.SetStaffStatus(ctx, "A3", queue.StaffVillage, "", in)
		if err != nil || st.Until != want {
			t.Errorf("until %q = %q, %v; want %q", in, st.Until, err, want)
		}
	}
	for _, in := range []string{"25:00", "下午", "16:3", "12:60"} {
		if _, err := f.e.SetStaffStatus(ctx, "A3", queue.StaffVillage, "", in); code(err) != "bad_until" {
			t.Errorf("until %q: %v, want bad_until", in, err)
		}
	}
}

// The kiosk's two priority buttons make different tickets.
func TestPriorityKindIsKept(t *testing.T) {
	f := newFixture(t, smallHall)
	for kind, name := range map[string]string{queue.PriorityElder: "老弱病残孕优先", queue.PriorityGreen: "绿色通道"} {
		is, err := f.e.IssueKind(ctx, "pension", kind)
		if err != nil {
			t.Fatal(err)
		}
		if !is.Ticket.Priority || is.Ticket.Kind() != kind || queue.PriorityNames[is.Ticket.Kind()] != name {
			t.Errorf("kind %s: ticket priority %v kind %q", kind, is.Ticket.Priority, is.Ticket.Kind())
		}
	}
	if _, err := f.e.IssueKind(ctx, "pension", "vip"); code(err) != "bad_priority" {
		t.Errorf("kind vip: %v, want bad_priority", err)
	}
	f.restart()
	if tk := f.ticket("B002"); tk.Kind() != queue.PriorityGreen && tk.Kind() != queue.PriorityElder {
		t.Errorf("after restart B002 kind %q", tk.Kind())
	}
}

// What the kiosk shows on a button before the tap is what the ticket then
// says: the same line, the same number ahead, and no estimate for a line
// no open window serves.
func TestPreviewMatchesTheIssuedTicket(t *testing.T) {
	t.Run("strict", func(t *testing.T) { previewMatches(t, smallHall) })
	// Under interleave a priority ticket's ahead counts the ordinary
	// tickets called before it; the preview must count the same.
	t.Run("interleave", func(t *testing.T) {
		previewMatches(t, strings.Replace(smallHall, `"categories": [`, `"calling": {"mode": "interleave", "every": 2}, "categories": [`, 1))
	})
}

func previewMatches(t *testing.T, hall string) {
	f := newFixture(t, hall)
	// Time moves between tickets, as it does at a kiosk: tickets issued in
	// the same instant tie, and ties are ordered by id only once issued.
	// subsidy: farm (window 7, closed) or civil (windows 2, 3).
	for range 3 {
		f.issue("pension", false)
	}
	f.issue("pension", true)
	check := func(service string, priority bool) {
		t.Helper()
		var p queue.Preview
		f.e.Read(func(s *queue.State) {
			svc, _ := s.Hall().Service(service)
			p = s.PreviewService(svc)
		})
		is := f.issue(service, priority)
		f.clock.Add(time.Second)
		ahead := p.Ahead
		if priority {
			ahead = p.AheadPriority
		}
		if is.Ticket.Category != p.Category || is.Ahead != ahead || is.NoWindow != p.NoWindow {
			t.Errorf("%s priority %v: preview %+v, ticket %s ahead %d no-window %v", service, priority, p, is.Ticket.Category, is.Ahead, is.NoWindow)
		}
		if !priority && is.Wait != p.Wait {
			t.Errorf("%s: preview wait %v, ticket wait %v", service, p.Wait, is.Wait)
		}
	}
	check("subsidy", false) // nothing open: farm first listed, no window
	check("subsidy", true)
	f.open("2", "A2")
	check("subsidy", false) // civil now has an open window: it wins over an empty farm
	check("subsidy", true)
	check("medicare", false)
	f.open("7", "A7")
	check("subsidy", false)
	var p queue.Preview
	f.e.Read(func(s *queue.State) {
		svc, _ := s.Hall().Service("birth")
		p = s.PreviewService(svc)
	})
	if !p.NoWindow {
		t.Errorf("birth (health, no open window): preview %+v, want no window", p)
	}
}

// At local midnight the engine rolls the day by itself: yesterday's open
// tickets are cancelled and the day event is committed with no command.
func TestDayRollsAtMidnightWithoutACommand(t *testing.T) {
	// The clock stands half a second before midnight in Shanghai (16:00
	// UTC) until the tickets are in, then moves past it: the engine's own
	// timer, not a command, must notice. However slow the machine, the
	// day cannot roll before the test moves the clock.
	clk := queuetest.NewClock(time.Date(2026, 11, 21, 15, 59, 59, 500_000_000, time.UTC))
	f := &fixture{t: t, log: new(queuetest.MemLog), hall: parseHall(t, smallHall)}
	e, err := queue.NewEngine(f.hall, f.log, queue.Options{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	f.e = e
	t.Cleanup(func() { e.Close() })
	days := make(chan string, 4)
	if _, err := e.Subscribe(func(evs []queue.Event) {
		for _, ev := range evs {
			if ev.Type == queue.EvDay {
				days <- ev.Day
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	f.issue("pension", false)
	f.open("2", "A2")
	f.next("2", "A2")
	f.issue("pension", false)
	if d := <-days; d != "2026-11-21" {
		t.Fatalf("first day event for %s, want 2026-11-21", d)
	}
	clk.Add(time.Second)
	select {
	case d := <-days:
		if d != "2026-11-22" {
			t.Fatalf("rolled to %s", d)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no day event 30 s after midnight")
	}
	e.Read(func(s *queue.State) {
		for _, tk := range s.Tickets {
			t.Errorf("ticket %s still open on the new day", tk.Number)
		}
		if s.Current("2") != nil {
			t.Error("window 2 still serves yesterday's ticket")
		}
	})
	day := time.Date(2026, 11, 21, 0, 0, 0, 0, f.hall.Location())
	l, err := e.Report(day, day, nil)
	if err != nil || l.Cancelled != 2 {
		t.Errorf("yesterday's ledger: %d cancelled, %v; want 2", l.Cancelled, err)
	}
	if err := e.RollDay(context.Background()); err != nil {
		t.Errorf("RollDay on the same day: %v", err)
	}
}

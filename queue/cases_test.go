package queue_test

import (
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// withCaseHall is the small hall with a promise on 养老保险 (3 working
// days, two documents to bring) and extra hall fields.
func withCaseHall(extra string) string {
	js := strings.Replace(smallHall, `"name": "测试镇便民服务中心",`, `"name": "测试镇便民服务中心", `+extra, 1)
	return strings.Replace(js, `{"id": "pension",  "name": "养老保险",   "categories": ["civil"]}`,
		`{"id": "pension",  "name": "养老保险",   "categories": ["civil"], "promise_days": 3, "bring": ["身份证", "户口簿"]}`, 1)
}

// monday is 09:00 in Shanghai on Monday 2026-11-23.
var monday = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)

// promised takes a 养老保险 number, has clerk A2 call it at window 2, and
// has it finished there as 承诺件; it returns the ticket.
func (f *fixture) promised(in queue.CaseIntake) queue.Ticket {
	f.t.Helper()
	f.issue("pension", false)
	f.open("2", "A2")
	f.next("2", "A2")
	tk, err := f.e.FinishCase(ctx, "2", "A2", in)
	if err != nil {
		f.t.Fatalf("FinishCase: %v", err)
	}
	return tk
}

func (f *fixture) caseOf(id string) queue.Case {
	f.t.Helper()
	var c queue.Case
	f.e.Read(func(s *queue.State) {
		p := s.Cases[id]
		if p == nil {
			f.t.Fatalf("no case %s", id)
		}
		c = *p
	})
	return c
}

func TestCaseOpensWithDueDateAndIntake(t *testing.T) {
	f := newFixture(t, withCaseHall(""))
	f.clock.Set(monday)
	tk := f.promised(queue.CaseIntake{Name: " 王大爷 ", Phone: "138 0000 1234", Documents: []string{"身份证", ""}})
	if tk.Outcome() != queue.OutcomePromised {
		t.Fatalf("outcome = %q", tk.Outcome())
	}
	c := f.caseOf(tk.ID)
	if c.State != queue.CaseAccepted || c.Due != "2026-11-26" || c.Days != 3 || c.Responsible != "A2" || c.Token != tk.Token() {
		t.Errorf("case = state %s due %s days %d responsible %s token ok %v; want accepted, 2026-11-26, 3, A2",
			c.State, c.Due, c.Days, c.Responsible, c.Token == tk.Token())
	}
	if c.Name != "王大爷" || c.Phone != "138 0000 1234" || len(c.Documents) != 1 || c.Documents[0] != "身份证" {
		t.Errorf("intake = %q %q %q", c.Name, c.Phone, c.Documents)
	}
	// A service without its own limit promises five working days; the
	// call pad's plain 承诺件 opens a case too.
	f.issue("medicare", false)
	f.next("2", "A2")
	tk2, err := f.e.Finish(ctx, "2", "A2", queue.OutcomePromised)
	if err != nil {
		t.Fatal(err)
	}
	if c := f.caseOf(tk2.ID); c.Due != "2026-11-30" || c.Days != 5 {
		t.Errorf("medicare case due %s (%d days), want 2026-11-30 (5)", c.Due, c.Days)
	}
	// 即办件 and 咨询 open none.
	f.issue("pension", false)
	f.next("2", "A2")
	tk3, _ := f.e.Finish(ctx, "2", "A2", queue.OutcomeImmediate)
	f.e.Read(func(s *queue.State) {
		if s.Cases[tk3.ID] != nil {
			t.Errorf("an immediate job opened a case")
		}
	})
	if _, err := f.e.FinishCase(ctx, "2", "A2", queue.CaseIntake{Phone: "abc"}); code(err) != "bad_phone" {
		t.Errorf("phone abc: %v", err)
	}
}

func TestCaseStates(t *testing.T) {
	clerk := queue.Actor{Staff: "A2"}
	type step struct {
		day    string // local date the action happens on (09:00)
		who    queue.Actor
		action string
		text   string
		code   string // expected error code, "" for success
		state  string
		due    string
	}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"straight through", []step{
			{"2026-11-24", clerk, "forward", "县社保局", "", "processing", "2026-11-26"},
			{"2026-11-25", clerk, "ready", "", "", "ready", "2026-11-26"},
			{"2026-11-27", clerk, "pickup", "", "", "picked_up", "2026-11-26"},
			{"2026-11-27", clerk, "close", "", "", "closed", "2026-11-26"},
			{"2026-11-27", clerk, "close", "", "case_closed", "closed", "2026-11-26"},
		}},
		{"ready straight from accepted", []step{
			{"2026-11-23", clerk, "ready", "", "", "ready", "2026-11-26"},
			{"2026-11-23", clerk, "forward", "县里", "case_not_open", "ready", "2026-11-26"},
			{"2026-11-23", clerk, "suspend", "补身份证", "case_not_open", "ready", "2026-11-26"},
		}},
		{"suspension stops the clock", []step{
			{"2026-11-24", clerk, "suspend", "", "missing_reason", "accepted", "2026-11-26"},
			{"2026-11-24", clerk, "suspend", "补正材料：户口簿", "", "accepted", "2026-11-26"},
			{"2026-11-24", clerk, "suspend", "再补", "case_suspended", "accepted", "2026-11-26"},
			{"2026-11-25", clerk, "ready", "", "case_suspended", "accepted", "2026-11-26"},
			// Wednesday to Friday stopped: three working days more.
			{"2026-11-27", clerk, "resume", "", "", "accepted", "2026-12-01"},
			{"2026-11-27", clerk, "resume", "", "case_not_suspended", "accepted", "2026-12-01"},
			{"2026-11-30", clerk, "ready", "", "", "ready", "2026-12-01"},
		}},
		{"suspended over a weekend counts working days only", []step{
			{"2026-11-26", clerk, "suspend", "补正材料", "", "accepted", "2026-11-26"},
			{"2026-11-30", clerk, "resume", "", "", "accepted", "2026-11-30"},
		}},
		{"suspended and resumed the same day", []step{
			{"2026-11-24", clerk, "suspend", "补正材料", "", "accepted", "2026-11-26"},
			{"2026-11-24", clerk, "resume", "", "", "accepted", "2026-11-26"},
		}},
		{"only the responsible clerk or the manager", []step{
			{"2026-11-24", queue.Actor{Staff: "A3"}, "ready", "", "not_responsible", "accepted", "2026-11-26"},
			{"2026-11-24", queue.Actor{Admin: true}, "forward", "县民政局", "", "processing", "2026-11-26"},
			{"2026-11-24", queue.Actor{Staff: "A6", Admin: true}, "ready", "", "", "ready", "2026-11-26"},
		}},
		{"bad actions", []step{
			{"2026-11-24", clerk, "pickup", "", "case_not_ready", "accepted", "2026-11-26"},
			{"2026-11-24", clerk, "forward", "", "missing_note", "accepted", "2026-11-26"},
			{"2026-11-24", clerk, "explode", "", "unknown_action", "accepted", "2026-11-26"},
			{"2026-11-24", clerk, "close", "村民撤回申请", "", "closed", "2026-11-26"},
			{"2026-11-24", clerk, "ready", "", "case_not_open", "closed", "2026-11-26"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, withCaseHall(""))
			f.clock.Set(monday)
			id := f.promised(queue.CaseIntake{}).ID
			for i, st := range tc.steps {
				day := date(t, st.day)
				f.clock.Set(time.Date(day.Year(), day.Month(), day.Day(), 1, 0, 0, 0, time.UTC))
				_, err := f.e.CaseAction(ctx, id, st.who, st.action, st.text)
				if code(err) != st.code {
					t.Fatalf("step %d %s: err %v, want code %q", i, st.action, err, st.code)
				}
				if c := f.caseOf(id); c.State != st.state || c.Due != st.due {
					t.Fatalf("step %d %s: state %s due %s, want %s %s", i, st.action, c.State, c.Due, st.state, st.due)
				}
			}
		})
	}
}

func TestCaseTiming(t *testing.T) {
	f := newFixture(t, withCaseHall(""))
	f.clock.Set(monday)
	id := f.promised(queue.CaseIntake{}).ID // due Thursday 11-26
	at := func(d string) queue.CaseTiming {
		day := date(t, d)
		var tm queue.CaseTiming
		f.e.Read(func(s *queue.State) {
			tm = s.Timing(s.Cases[id], time.Date(day.Year(), day.Month(), day.Day(), 1, 0, 0, 0, time.UTC))
		})
		return tm
	}
	for d, want := range map[string]queue.CaseTiming{
		"2026-11-23": {Due: "2026-11-26", DaysLeft: 3},
		"2026-11-25": {Due: "2026-11-26", DaysLeft: 1, NearDue: true},
		"2026-11-26": {Due: "2026-11-26", NearDue: true},
		"2026-11-27": {Due: "2026-11-26", Overdue: true, Alarm: true},
	} {
		if got := at(d); got != want {
			t.Errorf("on %s: %+v, want %+v", d, got, want)
		}
	}
	// Suspended on Wednesday: on Friday the clock has stopped two working
	// days so far, so the case is not overdue.
	f.clock.Set(time.Date(2026, 11, 25, 1, 0, 0, 0, time.UTC))
	if _, err := f.e.CaseAction(ctx, id, queue.Actor{Staff: "A2"}, "suspend", "补正材料"); err != nil {
		t.Fatal(err)
	}
	if got, want := at("2026-11-27"), (queue.CaseTiming{Due: "2026-11-30", DaysLeft: 1, NearDue: true}); got != want {
		t.Errorf("suspended, on Friday: %+v, want %+v", got, want)
	}
	// Done late: not overdue any more, but late.
	// Resumed on Friday (two days stopped: due Monday 11-30), done on
	// Thursday 12-03.
	f.clock.Set(time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC))
	f.e.CaseAction(ctx, id, queue.Actor{Staff: "A2"}, "resume", "")
	f.clock.Set(time.Date(2026, 12, 3, 1, 0, 0, 0, time.UTC))
	f.e.CaseAction(ctx, id, queue.Actor{Staff: "A2"}, "ready", "")
	if got := at("2026-12-03"); got.Overdue || !got.Late || !got.Alarm || got.Due != "2026-11-30" {
		t.Errorf("done late: %+v, want late with the alarm still up, due 2026-11-30", got)
	}
	// Only closing clears the alarm.
	f.e.CaseAction(ctx, id, queue.Actor{Staff: "A2"}, "pickup", "")
	if got := at("2026-12-04"); !got.Alarm {
		t.Errorf("picked up late: %+v, want the alarm still up", got)
	}
	f.e.CaseAction(ctx, id, queue.Actor{Staff: "A2"}, "close", "")
	if got := at("2026-12-04"); got.Alarm {
		t.Errorf("closed: %+v, want the alarm cleared", got)
	}
}

// A transfer does not change who answers for the case (首问负责), and the
// case outlives its day and a restart: it is found by its ticket's token.
func TestCaseResponsibleThroughTransferAndDays(t *testing.T) {
	f := newFixture(t, withCaseHall(""))
	f.clock.Set(monday)
	is := f.issue("pension", false)
	f.open("2", "A2")
	f.next("2", "A2")
	if _, err := f.e.Transfer(ctx, "2", "A2", "health"); err != nil {
		t.Fatal(err)
	}
	f.open("6", "A6")
	if n := f.next("6", "A6"); n != is.Ticket.Number {
		t.Fatalf("window 6 called %s", n)
	}
	if _, err := f.e.FinishCase(ctx, "6", "A6", queue.CaseIntake{Name: "李四"}); err != nil {
		t.Fatal(err)
	}
	if c := f.caseOf(is.Ticket.ID); c.Responsible != "A2" || c.Window != "6" || c.Category != "health" {
		t.Errorf("case responsible %s window %s category %s, want A2 (who received it), 6, health", c.Responsible, c.Window, c.Category)
	}
	// Tuesday: a new day; then a restart.
	f.clock.Set(monday.Add(24 * time.Hour))
	f.issue("birth", false)
	f.restart()
	f.e.Read(func(s *queue.State) {
		if _, ok := s.TicketByToken(is.Ticket.Token()); ok {
			t.Errorf("Monday's ticket is still among Tuesday's")
		}
		c, ok := s.CaseByToken(is.Ticket.Token())
		if !ok || c.Responsible != "A2" || c.Name != "李四" {
			t.Fatalf("case by token on Tuesday after a restart: %v %+v", ok, c)
		}
	})
	if _, err := f.e.CaseAction(ctx, is.Ticket.ID, queue.Actor{Staff: "A6"}, "ready", ""); code(err) != "not_responsible" {
		t.Errorf("the clerk who finished it, not the responsible one: %v", err)
	}
}

// A villager who comes back for a ready case gets a ticket ahead of the
// walk-ins, and finishing it hands the case over.
func TestPickupTicket(t *testing.T) {
	f := newFixture(t, withCaseHall(""))
	f.clock.Set(monday)
	tk := f.promised(queue.CaseIntake{})
	if _, err := f.e.Pickup(ctx, tk.Number); code(err) != "case_not_ready" {
		t.Errorf("pick-up before ready: %v", err)
	}
	f.clock.Set(monday.Add(48 * time.Hour))
	if _, err := f.e.CaseAction(ctx, tk.ID, queue.Actor{Staff: "A2"}, "ready", ""); err != nil {
		t.Fatal(err)
	}
	walkIn := f.issue("pension", false)
	p, err := f.e.Pickup(ctx, strings.ToLower(tk.Number))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Ticket.Priority || p.Ticket.Category != "civil" || p.Ticket.Pickup() != tk.ID || p.Ahead != 0 {
		t.Errorf("pick-up ticket %+v ahead %d, want priority in civil for %s, none ahead", p.Ticket, p.Ahead, tk.ID)
	}
	// Asking again (scanning the QR) gives the same ticket.
	again, err := f.e.Pickup(ctx, "http://hall.local/t/"+tk.Token())
	if err != nil || again.Ticket.ID != p.Ticket.ID {
		t.Errorf("scan after typing: %v %s, want the same ticket %s", err, again.Ticket.ID, p.Ticket.ID)
	}
	f.open("2", "A2")
	if n := f.next("2", "A2"); n != p.Ticket.Number {
		t.Fatalf("window called %s before the pick-up %s (walk-in %s)", n, p.Ticket.Number, walkIn.Ticket.Number)
	}
	if _, err := f.e.Start(ctx, "2", "A2"); err != nil { // the villager came for the papers
		t.Fatal(err)
	}
	f.next("2", "A2") // finishes the pick-up as 即办件 and calls the walk-in
	if c := f.caseOf(tk.ID); c.State != queue.CasePickedUp {
		t.Errorf("case after its pick-up ticket was finished: %s", c.State)
	}
	if _, err := f.e.Pickup(ctx, tk.Number); code(err) != "unknown_case" {
		t.Errorf("pick-up of a picked-up case by number: %v", err)
	}
}

package queue_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// hashed gives every clerk of a hall a stand-in PIN hash: the engine stores
// whatever hash the adapter made.
func hashed(h *queue.Hall) *queue.Hall {
	for i := range h.Staff {
		h.Staff[i].PIN, h.Staff[i].PINHash = "", "hash-of-"+h.Staff[i].ID
	}
	return h
}

func importedFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t, smallHall)
	if ok, err := f.e.ImportHall(ctx, hashed(parseHall(t, smallHall)), "sum1"); err != nil || !ok {
		t.Fatalf("ImportHall = %v, %v", ok, err)
	}
	return f
}

func editHall(t *testing.T, e *queue.Engine, edit func(h *queue.Hall)) *queue.Hall {
	t.Helper()
	h := parseHall(t, smallHall)
	cur := e.Hall()
	h.Categories, h.Services, h.Windows = slices.Clone(cur.Categories), slices.Clone(cur.Services), slices.Clone(cur.Windows)
	h.Staff = slices.Clone(cur.Staff)
	for i := range h.Staff {
		h.Staff[i].PIN, h.Staff[i].PINHash = "", "" // as the page sends it: no PINs
	}
	edit(h)
	return h
}

func TestHallChangeIsLiveLoggedAndReplayed(t *testing.T) {
	f := importedFixture(t)
	v, marks := f.e.HallVersion()
	if v == 0 || len(marks) != 1 || marks[0].Reason != queue.HallImport {
		t.Fatalf("after import: version %d, marks %+v", v, marks)
	}
	if _, err := f.e.Issue(ctx, "tax", false); queue.ErrorKind(err) != queue.NotFound {
		t.Fatalf("issue of a service not yet added: %v", err)
	}
	h := editHall(t, f.e, func(h *queue.Hall) {
		h.Services = append(h.Services, queue.Service{ID: "tax", Name: "契税缴纳", Categories: []string{"farm"}})
		h.Staff = append(h.Staff, queue.Staff{ID: "N1", Name: "新人", PINHash: "hash-new", Windows: []string{"7"}})
	})
	v2, err := f.e.UpdateHall(ctx, queue.HallChange{By: "admin", Version: v, Hall: h})
	if err != nil || v2 <= v {
		t.Fatalf("UpdateHall = %d, %v", v2, err)
	}
	if got := f.issue("tax", false).Ticket.Number; got != "E001" {
		t.Errorf("the new service's first ticket is %q, want E001", got)
	}
	f.open("7", "N1")
	if m, _ := f.e.Hall().StaffMember("A2"); m.PINHash != "hash-of-A2" {
		t.Errorf("a clerk sent without a PIN lost theirs: %q", m.PINHash)
	}

	// The same document again is no change; an old version is stale.
	if v3, err := f.e.UpdateHall(ctx, queue.HallChange{By: "admin", Version: v2, Hall: h}); err != nil || v3 != v2 {
		t.Errorf("unchanged document: version %d, %v; want %d", v3, err, v2)
	}
	if _, err := f.e.UpdateHall(ctx, queue.HallChange{By: "admin", Version: v, Hall: h}); code(err) != "stale_version" {
		t.Errorf("change from an old version: %v, want stale_version", err)
	}

	f.restart()
	if _, ok := f.e.Hall().Service("tax"); !ok {
		t.Fatal("the added service is gone after a restart")
	}
	if v, _ := f.e.HallVersion(); v != v2 {
		t.Errorf("version after restart %d, want %d", v, v2)
	}
	if got := f.issue("tax", false).Ticket.Number; got != "E002" {
		t.Errorf("after restart the service issues %q, want E002", got)
	}
}

func TestHallChangeIsValidatedWithFieldPaths(t *testing.T) {
	f := importedFixture(t)
	v, _ := f.e.HallVersion()
	h := editHall(t, f.e, func(h *queue.Hall) {
		h.Services = append(h.Services, queue.Service{ID: "x", Name: "错", Categories: []string{"helth"}})
		h.Staff = append(h.Staff, queue.Staff{ID: "N2", Name: "没有密码", Windows: []string{"2"}})
	})
	_, err := f.e.UpdateHall(ctx, queue.HallChange{By: "admin", Version: v, Hall: h})
	if code(err) != "invalid_hall" {
		t.Fatalf("UpdateHall of a bad hall: %v", err)
	}
	var paths []string
	for _, fe := range queue.FieldErrors(err) {
		paths = append(paths, fe.Path+": "+fe.Problem)
	}
	want := []string{`services[4].categories[0]: unknown category "helth"`, `staff[5].pin: missing`}
	if !slices.Equal(paths, want) {
		t.Errorf("problems %q, want %q", paths, want)
	}
	if _, ok := f.e.Hall().Service("x"); ok {
		t.Error("a refused change was applied")
	}
}

func TestRemovingACategoryAsksWhereItsTicketsGo(t *testing.T) {
	f := importedFixture(t)
	first := f.issue("subsidy", false).Ticket // farm (E001): no window open, ties to the first listed
	v, _ := f.e.HallVersion()
	h := editHall(t, f.e, func(h *queue.Hall) {
		h.Categories = slices.DeleteFunc(h.Categories, func(c queue.Category) bool { return c.ID == "farm" })
		h.Services[3].Categories = []string{"civil"}
		h.Windows[3].Categories = []string{"civil"}
	})
	_, err := f.e.UpdateHall(ctx, queue.HallChange{By: "admin", Version: v, Hall: h})
	if code(err) != "category_has_waiting" {
		t.Fatalf("removing a category with a ticket waiting: %v, want category_has_waiting", err)
	}
	if _, err := f.e.UpdateHall(ctx, queue.HallChange{By: "admin", Version: v, Hall: h, Moves: map[string]string{"farm": "health"}}); err != nil {
		t.Fatal(err)
	}
	f.e.Read(func(s *queue.State) {
		tk := s.Tickets[first.ID]
		if tk.Category != "health" || tk.Number != "E001" || !tk.Waiting() {
			t.Errorf("moved ticket: %+v, want E001 waiting in health", tk)
		}
		if n := len(s.Waiting("farm")); n != 0 {
			t.Errorf("the removed category still has %d waiting", n)
		}
	})
}

func TestPastDayLedgerKeepsThatDaysHall(t *testing.T) {
	f := importedFixture(t)
	f.issue("subsidy", false)
	f.clock.Add(24 * time.Hour)
	v, _ := f.e.HallVersion()
	h := editHall(t, f.e, func(h *queue.Hall) {
		h.Categories = slices.DeleteFunc(h.Categories, func(c queue.Category) bool { return c.ID == "farm" })
		h.Services[3].Categories = []string{"civil"}
		h.Windows = h.Windows[:3]
		h.Staff = h.Staff[:4]
	})
	if _, err := f.e.UpdateHall(ctx, queue.HallChange{By: "admin", Version: v, Hall: h}); err != nil {
		t.Fatal(err)
	}
	f.restart()
	day := func(d string) queue.Report {
		t.Helper()
		at, _ := time.ParseInLocation(time.DateOnly, d, f.e.Hall().Location())
		r, err := f.e.Report(at, at, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	l := day("2026-11-21")
	var cats, wins []string
	for _, c := range l.Categories {
		cats = append(cats, c.Name)
	}
	for _, w := range l.Windows {
		wins = append(wins, w.ID)
	}
	if !slices.Contains(cats, "农业服务") || !slices.Contains(wins, "7") || l.Issued != 1 {
		t.Errorf("yesterday's ledger: categories %v, windows %v, issued %d; want 农业服务, window 7 and 1 ticket", cats, wins, l.Issued)
	}
	for _, c := range day("2026-11-22").Categories {
		if c.ID == "farm" {
			t.Error("today's ledger lists the removed category")
		}
	}
}

func TestUndoAndPINAreChangesToo(t *testing.T) {
	f := importedFixture(t)
	v0, _ := f.e.HallVersion()
	h := editHall(t, f.e, func(h *queue.Hall) { h.Notices = []string{"服务承诺：一次办好"} })
	v1, err := f.e.UpdateHall(ctx, queue.HallChange{By: "admin", Version: v0, Hall: h})
	if err != nil {
		t.Fatal(err)
	}
	v2, err := f.e.SetPIN(ctx, "admin", "A3", "new-hash")
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := f.e.Hall().StaffMember("A3"); m.PINHash != "new-hash" || v2 <= v1 {
		t.Errorf("after SetPIN: hash %q, version %d", m.PINHash, v2)
	}
	if _, err := f.e.SetPIN(ctx, "admin", "ZZ", "x"); queue.ErrorKind(err) != queue.NotFound {
		t.Errorf("SetPIN of nobody: %v", err)
	}
	v3, err := f.e.RevertHall(ctx, "admin", v0, v2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.e.Hall().Notices; len(n) != 0 {
		t.Errorf("undo kept the notices %q", n)
	}
	_, marks := f.e.HallVersion()
	if last := marks[len(marks)-1]; last.Seq != v3 || last.Reason != queue.HallRevert || last.By != "admin" {
		t.Errorf("last change %+v", last)
	}
	// The same file at the next start is not imported again; a new one is.
	if ok, _ := f.e.ImportHall(ctx, hashed(parseHall(t, smallHall)), "sum1"); ok {
		t.Error("the same hall file was imported twice")
	}
	if ok, _ := f.e.ImportHall(ctx, hashed(parseHall(t, smallHall)), "sum2"); !ok {
		t.Error("a changed hall file was not imported")
	}
	var qe *queue.Error
	if _, err := f.e.RevertHall(ctx, "admin", 1_000_000, 0, nil); !errors.As(err, &qe) || qe.Code != "unknown_version" {
		t.Errorf("revert to nothing: %v", err)
	}
}

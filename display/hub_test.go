package display_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/display"
	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

func newHub(t *testing.T) (*queue.Engine, *display.Hub) {
	t.Helper()
	e, err := queue.NewEngine(queue.DemoHall(), new(queuetest.MemLog), queue.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	hub := display.Follow(e, display.Options{})
	t.Cleanup(hub.Close) // before the engine's
	return e, hub
}

// Numbers taken at full speed reach the screens in one issued message a
// tenth of a second at most, not one for every commit; a number taken
// after a quiet spell goes out with its commit; and the board ends as the
// engine stands.
func TestIssuedMessagesArePaced(t *testing.T) {
	e, hub := newHub(t)
	ctx := context.Background()
	if _, err := e.Issue(ctx, "pension", false); err != nil { // opens the day
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // a quiet spell, longer than the gap
	before := hub.Seq()
	if _, err := e.Issue(ctx, "pension", false); err != nil {
		t.Fatal(err)
	}
	if got := hub.Seq(); got != before+1 {
		t.Fatalf("after a quiet spell, a number committed with %d messages, want its issued message at once", got-before)
	}
	hub.Snapshot() // a screen connects: the snapshot at this seq is kept
	const burst = 200
	start := time.Now()
	for range burst {
		if _, err := e.Issue(ctx, "pension", false); err != nil {
			t.Fatal(err)
		}
	}
	took := time.Since(start)
	// A screen connecting now gets every number in its snapshot, its
	// lines' issued message not yet due or not.
	var snap display.Message
	if err := json.Unmarshal(hub.Snapshot(), &snap); err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(snap.Queues, func(q display.QueueView) bool { return q.Category == "civil" }); i < 0 || snap.Queues[i].Waiting != burst+2 {
		t.Errorf("a snapshot right after the numbers: %+v, want civil with %d waiting", snap.Queues, burst+2)
	}
	var last display.Message
	for deadline := time.Now().Add(10 * time.Second); ; {
		frames, _ := hub.Catchup(before, hub.Boot())
		if len(frames) > 0 {
			last = decode(t, frames[len(frames)-1])
		}
		// An issued message, or a snapshot for a reader this far behind.
		civil := slices.IndexFunc(last.Queues, func(q display.QueueView) bool { return q.Category == "civil" })
		if civil >= 0 && last.Queues[civil].Waiting == burst+2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the board's last message %+v; want civil with %d waiting", last, burst+2)
		}
		time.Sleep(10 * time.Millisecond)
	}
	sent := int(hub.Seq() - before - 1)
	if limit := 2 + int(took/(100*time.Millisecond)); sent > limit {
		t.Errorf("%d numbers in %v went out in %d issued messages; want at most %d, one a tenth of a second", burst, took, sent, limit)
	}
}

func decode(t *testing.T, f *display.Frame) display.Message {
	t.Helper()
	var m display.Message
	if err := json.Unmarshal(f.Data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCatchup(t *testing.T) {
	_, hub := newHub(t)
	frames, seq := hub.Catchup(0, "")
	snap := decode(t, frames[0])
	if len(frames) != 1 || snap.Type != "snapshot" || snap.Boot == "" || seq != 0 {
		t.Fatalf("first catch-up = %d frames, %s, seq %d", len(frames), snap.Type, seq)
	}
	for i := range 10 {
		hub.SetAlarm(display.Alarm{Source: "printer", Level: "error", Text: fmt.Sprint("缺纸", i)})
	}
	frames, seq = hub.Catchup(7, snap.Boot)
	if len(frames) != 3 || frames[0].Seq != 8 || seq != 10 {
		t.Errorf("catch-up from 7 = %d frames from %d, seq %d; want 8..10", len(frames), frames[0].Seq, seq)
	}
	if frames, _ := hub.Catchup(10, snap.Boot); len(frames) != 0 {
		t.Errorf("an up-to-date screen got %d frames", len(frames))
	}
	for _, c := range []struct {
		since uint64
		boot  string
	}{{3, "another-run"}, {99, snap.Boot}} {
		if frames, _ := hub.Catchup(c.since, c.boot); len(frames) != 1 || decode(t, frames[0]).Type != "snapshot" {
			t.Errorf("since %d boot %q: want a snapshot", c.since, c.boot)
		}
	}
	// Past the ring's reach, a snapshot again.
	for i := range 5000 {
		hub.SetAlarm(display.Alarm{Source: "printer", Level: "warn", Text: fmt.Sprint("纸将尽", i)})
	}
	if frames, _ := hub.Catchup(5, snap.Boot); len(frames) != 1 || decode(t, frames[0]).Type != "snapshot" {
		t.Errorf("since 5 after 5000 messages: %d frames, want a snapshot", len(frames))
	}
	if frames, seq := hub.Catchup(hub.Seq()-2, snap.Boot); len(frames) != 2 || seq != hub.Seq() {
		t.Errorf("recent catch-up = %d frames", len(frames))
	}
}

// messages reads the hub's messages one by one, as a screen's writer does.
func messages(t *testing.T, hub *display.Hub) func() display.Message {
	sub := hub.Subscribe()
	t.Cleanup(func() { hub.Unsubscribe(sub) })
	var pending []*display.Frame
	last := hub.Seq()
	return func() display.Message {
		t.Helper()
		for len(pending) == 0 {
			pending, last = hub.Catchup(last, hub.Boot())
			if len(pending) == 0 {
				select {
				case <-sub.Wake:
				case <-time.After(10 * time.Second):
					t.Fatal("no message")
				}
			}
		}
		f := pending[0]
		pending = pending[1:]
		return decode(t, f)
	}
}

func TestPatches(t *testing.T) {
	e, hub := newHub(t)
	ctx := context.Background()
	next := messages(t, hub)
	if _, err := e.Issue(ctx, "medicare", false); err != nil { // B001
		t.Fatal(err)
	}
	// The day's first command opens the day: the whole board again.
	if m := next(); m.Type != "day" || len(m.Windows) != 8 || len(m.Staff) != 14 {
		t.Errorf("first message = %s with %d windows", m.Type, len(m.Windows))
	}
	if m := next(); m.Type != "issued" || len(m.Queues) != 1 || m.Queues[0].Category != "civil" || m.Queues[0].Waiting != 1 {
		t.Errorf("issued patch = %+v", m)
	}
	if _, err := e.Next(ctx, "3", "S03"); err != nil {
		t.Fatal(err)
	}
	if m := next(); m.Type != "opened" || m.Windows[0].State != "idle" || m.Windows[0].StaffName != "李红梅" || m.Windows[0].Post != "A" {
		t.Errorf("opened patch = %+v", m.Windows)
	}
	m := next()
	if m.Type != "called" || m.Number != "B001" || m.Window != "3" || m.WindowName != "3号窗口" {
		t.Errorf("called patch = %+v", m)
	}
	// A call carries itself, not the list of recent calls again.
	if m.Call == nil || m.Call.Number != "B001" || m.Call.WindowName != "3号窗口" || m.Recent != nil {
		t.Errorf("called patch: call %+v, recent %+v", m.Call, m.Recent)
	}
	if _, err := e.Transfer(ctx, "3", "S03", "approval"); err != nil {
		t.Fatal(err)
	}
	m = next()
	queues := map[string]int{}
	for _, q := range m.Queues {
		queues[q.Category] = q.Waiting
	}
	if m.Type != "transferred" || queues["civil"] != 0 || queues["approval"] != 1 {
		t.Errorf("transfer patch must carry both queues: %+v", m.Queues)
	}
	// Print results and ratings change nothing on the screens.
	is, _ := e.Issue(ctx, "guide", false)
	next()
	e.MarkPrinted(ctx, is.Ticket.ID, false, "缺纸")
	e.SetStaffStatus(ctx, "S09", queue.StaffMeeting, "", "10:30")
	if m := next(); m.Type != "staff" || m.Staff[0].StatusName != "开会" || m.Staff[0].Until != "10:30" {
		t.Errorf("after a print result the next message = %+v", m)
	}
}

// A patch carries the kiosk's previews of the services whose lines it
// changed, and none when nothing moved (a recall).
func TestPatchServices(t *testing.T) {
	e, hub := newHub(t)
	ctx := context.Background()
	next := messages(t, hub)
	if _, err := e.Issue(ctx, "birth", false); err != nil { // health only
		t.Fatal(err)
	}
	m := next()
	for m.Type != "issued" {
		m = next()
	}
	ids := map[string]display.ServiceView{}
	for _, s := range m.Services {
		ids[s.ID] = s
	}
	if b, ok := ids["birth"]; !ok || b.Ahead != 1 || !b.NoWindow || b.WaitMinutes != nil {
		t.Errorf("issued: birth preview %+v (present %v), want 1 ahead, no window, no wait", b, ok)
	}
	if _, ok := ids["guide"]; ok {
		t.Errorf("issued in health: the patch carries guide (consult) too")
	}
	if _, err := e.Next(ctx, "6", "S09"); err != nil {
		t.Fatal(err)
	}
	for m = next(); m.Type != "called"; m = next() {
	}
	if len(m.Services) == 0 {
		t.Error("a call moved the line but carries no previews")
	}
	if _, err := e.Recall(ctx, "6", "S09"); err != nil {
		t.Fatal(err)
	}
	if m = next(); m.Type != "called" || !m.Recall || len(m.Services) != 0 {
		t.Errorf("recall: %s recall %v with %d previews, want none", m.Type, m.Recall, len(m.Services))
	}
}

// Numbers committed together go to the screens as one issued message
// with their lines as they stand after the run, and a screen that takes
// every message ends where a fresh snapshot starts.
func TestIssuedRunIsOneMessage(t *testing.T) {
	log := new(queuetest.MemLog)
	e, err := queue.NewEngine(queue.DemoHall(), log, queue.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	st, err := e.Subscribe(func([]queue.Event) {})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, svc := range []string{"pension", "pension", "pension", "guide", "guide"} {
		if _, err := e.Issue(ctx, svc, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.Next(ctx, "3", "S03"); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := e.Issue(ctx, "pension", false); err != nil {
			t.Fatal(err)
		}
	}
	hub := display.NewHub(st, display.Options{})
	next := messages(t, hub)
	hub.Apply(log.Events()) // as if all of it had been one commit

	waiting := func(m display.Message) map[string]int {
		w := map[string]int{}
		for _, q := range m.Queues {
			w[q.Category] = q.Waiting
		}
		return w
	}
	want := []struct {
		typ   string
		lines map[string]int
	}{
		{"day", nil},
		{"issued", map[string]int{"civil": 3, "consult": 2}},
		{"opened", nil},
		{"called", map[string]int{"civil": 2}},
		{"issued", map[string]int{"civil": 4}},
	}
	screen := map[string]int{}
	buttons := map[string]display.ServiceView{}
	for i, w := range want {
		m := next()
		if m.Type != w.typ {
			t.Fatalf("message %d is %s, want %s", i, m.Type, w.typ)
		}
		got := waiting(m)
		for c, n := range w.lines {
			if got[c] != n {
				t.Errorf("%s message: %s waiting %d, want %d (%v)", m.Type, c, got[c], n, got)
			}
		}
		if w.typ == "issued" && len(got) != len(w.lines) {
			t.Errorf("issued message carries lines %v, want only %v", got, w.lines)
		}
		if w.typ == "issued" && len(m.Services) == 0 {
			t.Errorf("issued message carries no service buttons")
		}
		maps.Copy(screen, got)
		for _, sv := range m.Services {
			buttons[sv.ID] = sv
		}
	}
	if frames, _ := hub.Catchup(hub.Seq(), hub.Boot()); len(frames) != 0 {
		t.Errorf("%d more messages after the run", len(frames))
	}
	frames, _ := hub.Catchup(0, "")
	snap := decode(t, frames[0])
	for c, n := range waiting(snap) {
		if screen[c] != n && (screen[c] != 0 || n != 0) {
			t.Errorf("a screen that took every message shows %s waiting %d, the snapshot %d", c, screen[c], n)
		}
	}
	compared := 0
	for _, sv := range snap.Services {
		b, ok := buttons[sv.ID]
		if !ok {
			continue // its lines took no number
		}
		compared++
		if b.Category != sv.Category || b.Ahead != sv.Ahead || b.AheadPriority != sv.AheadPriority || (b.WaitMinutes == nil) != (sv.WaitMinutes == nil) {
			t.Errorf("a screen shows %s's button as %+v, the snapshot as %+v", sv.ID, b, sv)
		}
	}
	if compared < 5 {
		t.Errorf("only %d buttons to compare with the snapshot", compared)
	}
}

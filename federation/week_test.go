package federation_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/federation"
	"github.com/yimen-hall/yimen/federation/federationtest"
	"github.com/yimen-hall/yimen/queue"
)

// A hall cut off from its county for a week goes on issuing and calling
// every day; once its link is back the county catches up, and the
// county's replay of its events with the hall's own reducer shows the hall
// as the hall sees itself.
func TestHallCutOffForAWeekCatchesUp(t *testing.T) {
	hb := federationtest.StartHub(t)
	county := hb.Connect("", "")
	federationtest.CountyStream(t, county, "dongzhen")
	h, p := linkedHall(t, hb, "dongzhen", "", "")
	h.serve(t, 20)
	countyHolds(t, county, h)

	p.Cut()
	waitLinked(t, h, false)
	for day := 1; day <= 7; day++ {
		h.clock.Set(testStart.AddDate(0, 0, day))
		h.serve(t, 60)
	}
	if n, _ := federationtest.Count(county, federation.CountyStream, h.id); n >= h.seq() {
		t.Fatalf("the county holds %d events of %s while it was cut off with %d", n, h.id, h.seq())
	}
	p.Restore()
	waitLinked(t, h, true)
	start := time.Now()
	countyHolds(t, county, h)
	t.Logf("a week cut off (%d events): the county caught up in %v", h.seq(), time.Since(start).Round(time.Millisecond))

	st := seesAsHall(t, federationtest.CheckStream(t, county, federation.CountyStream, h.id, h.seq()), h)
	if st.Day != testStart.AddDate(0, 0, 7).Format(time.DateOnly) {
		t.Fatalf("the county's replay ends on %s", st.Day)
	}
}

// seesAsHall replays the county's copy of a hall's events with the
// hall's own reducer and checks that it comes to the hall's state: the
// same last event, day, days and today's tickets with their numbers,
// states and windows.
func seesAsHall(t *testing.T, evs []queue.Event, h *testHall) *queue.State {
	t.Helper()
	st := queue.NewState(queue.DemoHall())
	for _, ev := range evs {
		st.Apply(ev)
	}
	h.engine.Read(func(own *queue.State) {
		if st.Seq != own.Seq || st.Day != own.Day || len(st.Days) != len(own.Days) {
			t.Fatalf("the county's replay of %s is at event %d of day %s (%d days); the hall at %d of %s (%d days)",
				h.id, st.Seq, st.Day, len(st.Days), own.Seq, own.Day, len(own.Days))
		}
		if len(st.Tickets) != len(own.Tickets) {
			t.Fatalf("the county's replay of %s has %d tickets today, the hall %d", h.id, len(st.Tickets), len(own.Tickets))
		}
		for id, tk := range own.Tickets {
			c := st.Tickets[id]
			if c == nil || c.Number != tk.Number || c.Status() != tk.Status() || c.Window() != tk.Window() {
				t.Fatalf("%s's ticket %s: the county sees %+v, the hall %+v", h.id, id, c, tk)
			}
		}
	})
	return st
}

// A linked hall greets its county on yimen.<hall>.hello when the link
// comes up, with its name and last event, and again while it stays up.
func TestLinkedHallSaysHello(t *testing.T) {
	hb := federationtest.StartHub(t)
	county := hb.Connect("", "")
	sub, err := county.SubscribeSync(federation.HelloSubject("dongzhen"))
	if err != nil {
		t.Fatal(err)
	}
	county.Flush()
	h, _ := linkedHall(t, hb, "dongzhen", "", "")
	h.serve(t, 3)
	for {
		m, err := sub.NextMsg(time.Minute)
		if err != nil {
			t.Fatalf("no hello from dongzhen: %v", err)
		}
		var hello federation.Hello
		if err := json.Unmarshal(m.Data, &hello); err != nil {
			t.Fatal(err)
		}
		if hello.ID != "dongzhen" || hello.Name != queue.DemoHall().Name || hello.Version != "test" || hello.At.IsZero() {
			t.Fatalf("hello = %+v", hello)
		}
		if hello.Seq == h.seq() {
			break // a later hello says the hall's last event
		}
	}
}

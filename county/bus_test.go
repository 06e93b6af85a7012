package county_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/yimen-hall/yimen/county"
	"github.com/yimen-hall/yimen/federation/federationtest"
	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

// serveAt issues n numbers at a linked hall and serves half of them at
// window 1.
func serveAt(t *testing.T, h *federationtest.Hall, n int) {
	t.Helper()
	ctx := context.Background()
	h.Engine.Open(ctx, "1", "S01") // open already on a later day: fine
	for i := range n {
		if _, err := h.Engine.Issue(ctx, "guide", false); err != nil {
			t.Fatalf("%s: issue: %v", h.ID, err)
		}
		if i%2 == 0 {
			if _, err := h.Engine.Next(ctx, "1", "S01"); err != nil {
				t.Fatalf("%s: call: %v", h.ID, err)
			}
		}
	}
}

// TestBusRollsIntoTownship: a service bus issues numbers at two villages
// on two days while out of range, comes back in range, and the county's
// ledger for its township shows its numbers under each village, the
// bus's own figures, with the township's total holding both.
func TestBusRollsIntoTownship(t *testing.T) {
	clock := queuetest.NewClock(nineAM) // Monday 2026-11-23
	hub := federationtest.StartHub(t)
	proxy := federationtest.StartProxy(t, strings.TrimPrefix(hub.LeafURL(), "nats://"))
	proxy.Cut() // the bus leaves the township out of range
	township := federationtest.StartHall(t, "dongzhen", clock.Now, []string{hub.LeafURL()}, nil)
	township.WaitLinked(t)
	bus := federationtest.StartHall(t, "dongzhen-bus", clock.Now, []string{proxy.URL()}, func(h *queue.Hall) {
		h.Name, h.Parent = "东镇便民服务车", "dongzhen"
		h.Tour = []queue.TourStop{{Weekdays: []int{1, 3}, Village: "李家村"}, {Day: "2026-11-24", Village: "王家村"}}
	})
	_, admin := startCounty(t, hub.ClientURL(), t.TempDir(), clock, "dongzhen", "dongzhen-bus")

	serveAt(t, township, 4)
	serveAt(t, bus, 6) // Monday: 李家村
	clock.Set(nineAM.AddDate(0, 0, 1))
	// A new round from Tuesday on: Mondays go to 赵家村 now, which does
	// not rename the Monday gone.
	round := queue.DemoHall()
	round.ID, round.Name, round.Parent = "dongzhen-bus", "东镇便民服务车", "dongzhen"
	round.Tour = []queue.TourStop{{Weekdays: []int{1, 3}, Village: "赵家村"}, {Day: "2026-11-24", Village: "王家村"}}
	for i := range round.Staff {
		round.Staff[i].PIN = ""
	}
	if _, err := bus.Engine.ImportHall(context.Background(), round, "round-2"); err != nil {
		t.Fatal(err)
	}
	serveAt(t, bus, 3) // Tuesday: 王家村 (the dated stop)
	// A new day's session.
	admin = signIn(t, admin.base, county.AdminUser, adminPassword)
	if bus.Link.Linked() {
		t.Fatal("the bus is linked while out of range")
	}
	ledger := func() county.Ledger {
		var led county.Ledger
		if st := admin.get("/api/county/ledger?from=2026-11-23&to=2026-11-24", &led); st != 200 {
			t.Fatalf("ledger: %d", st)
		}
		return led
	}
	if led := ledger(); len(led.Townships) != 0 {
		t.Errorf("before the bus links the county knows no bus: %+v", led.Townships)
	}

	proxy.Restore()
	var led county.Ledger
	// The county's source of the bus retries on its own backoff: patience.
	federationtest.WaitFor(t, 3*time.Minute, func() string {
		led = ledger()
		if len(led.Townships) != 1 {
			return "no township in the ledger"
		}
		issued := 0
		for _, v := range led.Townships[0].Villages {
			issued += v.Issued
		}
		if issued != 9 {
			return fmt.Sprintf("the township's villages count %d of the bus's 9 numbers", issued)
		}
		// Every number counted is not every event arrived: a no-show or a
		// finish may still be on its way. Wait for the bus's own figures.
		for _, v := range led.Townships[0].Villages {
			if len(v.Days) != 1 {
				return fmt.Sprintf("%s has days %v", v.Village, v.Days)
			}
			d, _ := time.ParseInLocation(time.DateOnly, v.Days[0], bus.Engine.Hall().Location())
			own, err := bus.Engine.Report(d, d, nil)
			if err != nil {
				return err.Error()
			}
			if v.Figures != own.Figures {
				return fmt.Sprintf("%s: the county has %+v of the bus's %+v", v.Village, v.Figures, own.Figures)
			}
		}
		return ""
	})
	tw := led.Townships[0]
	if tw.Hall != "dongzhen" || tw.Name != "乐昌镇便民服务中心" || len(tw.Villages) != 2 {
		t.Fatalf("township %+v", tw)
	}
	for i, want := range []struct {
		village, day string
		issued       int
	}{{"李家村", "2026-11-23", 6}, {"王家村", "2026-11-24", 3}} {
		v := tw.Villages[i]
		if v.Village != want.village || v.Bus != "dongzhen-bus" || v.BusName != "东镇便民服务车" || len(v.Days) != 1 || v.Days[0] != want.day || v.Issued != want.issued {
			t.Errorf("village %d: %+v, want %s on %s with %d numbers", i, v, want.village, want.day, want.issued)
		}
		// The village's line is the bus's own ledger of that day.
		loc := bus.Engine.Hall().Location()
		d, _ := time.ParseInLocation(time.DateOnly, want.day, loc)
		own, err := bus.Engine.Report(d, d, nil)
		if err != nil {
			t.Fatal(err)
		}
		if v.Figures != own.Figures {
			t.Errorf("%s: county %+v\nbus's own %+v", want.village, v.Figures, own.Figures)
		}
	}
	if tw.Total.Issued != 4+9 {
		t.Errorf("the township's total counts %d numbers, want its own 4 and the bus's 9", tw.Total.Issued)
	}

	// The workbook has the same rows on its 便民服务车 sheet.
	resp, err := admin.http.Get(admin.base + "/api/county/ledger?from=2026-11-23&to=2026-11-24&format=xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	f, err := excelize.OpenReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("便民服务车")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		if len(r) > 1 && strings.HasPrefix(r[0], "乐昌镇") {
			got = append(got, r[0]+" "+r[1])
		}
	}
	want := []string{"乐昌镇便民服务中心 · 李家村（东镇便民服务车，1 天） 6", "乐昌镇便民服务中心 · 王家村（东镇便民服务车，1 天） 3", "乐昌镇便民服务中心 合计（含服务车） 13"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the workbook's 便民服务车 sheet:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

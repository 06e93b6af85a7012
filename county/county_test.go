package county_test

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/xuri/excelize/v2"

	"github.com/yimen-hall/yimen/county"
	"github.com/yimen-hall/yimen/federation"
	"github.com/yimen-hall/yimen/federation/federationtest"
	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

const adminPassword = "county-admin-pw"

// nineAM is 09:00 in Shanghai on Monday 2026-11-23.
var nineAM = time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)

func startCounty(t *testing.T, hubURL, dir string, clock *queuetest.Clock, halls ...string) (*county.Service, *client) {
	t.Helper()
	svc, err := county.Start(county.Config{
		NATS: []string{hubURL}, Addr: "127.0.0.1:0", Data: dir, Halls: halls,
		AdminPassword: adminPassword, Now: clock.Now, SaveEvery: 50 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	return svc, signIn(t, "http://"+svc.Addr(), county.AdminUser, adminPassword)
}

// hallsByID reads /api/county/halls, by id.
func hallsByID(c *client) map[string]county.HallView {
	var out struct {
		Halls []county.HallView `json:"halls"`
	}
	c.get("/api/county/halls", &out)
	m := map[string]county.HallView{}
	for _, h := range out.Halls {
		m[h.ID] = h
	}
	return m
}

// caughtUp waits until the county has folded every event the hall
// committed.
func caughtUp(t *testing.T, c *client, h *testHall) county.HallView {
	t.Helper()
	seq := h.seq()
	var v county.HallView
	eventually(t, h.id+" folded up to "+time.Now().String(), func() bool {
		v = hallsByID(c)[h.id]
		return v.Seq == seq
	})
	return v
}

// sameAsHall checks that the county shows a hall as the hall shows
// itself: waiting per category, open windows, today's figures, and the
// ledger of the range, line by line.
func sameAsHall(t *testing.T, c *client, h *testHall, from, to string) {
	t.Helper()
	v := caughtUp(t, c, h)
	h.e.Read(func(s *queue.State) {
		for _, cat := range v.Categories {
			if n, p := s.WaitingCounts(cat.ID); n != cat.Waiting || p != cat.Priority {
				t.Errorf("%s %s: county says %d waiting (%d priority), the hall %d (%d)", h.id, cat.ID, cat.Waiting, cat.Priority, n, p)
			}
		}
	})
	loc := h.e.Hall().Location()
	f, _ := time.ParseInLocation(time.DateOnly, from, loc)
	e, _ := time.ParseInLocation(time.DateOnly, to, loc)
	own, err := h.e.Report(f, e, nil)
	if err != nil {
		t.Fatal(err)
	}
	today, _ := time.ParseInLocation(time.DateOnly, h.clock.Now().In(loc).Format(time.DateOnly), loc)
	ownToday, err := h.e.Report(today, today, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.Today != ownToday.Figures {
		t.Errorf("%s today: county %+v\nhall %+v", h.id, v.Today, ownToday.Figures)
	}
	if v.Today.Issued == 0 {
		t.Errorf("%s: nothing issued today; the comparison proves nothing", h.id)
	}
	var led county.Ledger
	if st := c.get("/api/county/ledger?from="+from+"&to="+to, &led); st != 200 {
		t.Fatalf("ledger: %d", st)
	}
	var got *queue.Report
	for i, id := range led.IDs {
		if id == h.id {
			got = &led.Halls[i]
		}
	}
	if got == nil {
		t.Fatalf("%s missing from the county ledger %v", h.id, led.IDs)
	}
	got.Generated, own.Generated = time.Time{}, time.Time{}
	gj, _ := json.Marshal(got)
	oj, _ := json.Marshal(own)
	if string(gj) != string(oj) {
		t.Errorf("%s ledger %s…%s differs\ncounty %s\nhall   %s", h.id, from, to, gj, oj)
	}
}

// TestCountyShowsEachHallAsItself runs a hub and three halls linked as
// leaves (each an engine with its federation link). The county service,
// started knowing one hall (--hall), learns the others from their hellos
// (one of them links only later), and shows each hall's waiting lines,
// today's figures and ledger exactly as the hall has them, across a day
// roll. It does so again after it restarts on its data, having read only
// what came while it was away.
func TestCountyShowsEachHallAsItself(t *testing.T) {
	clock := queuetest.NewClock(nineAM.AddDate(0, 0, -1))
	hub := federationtest.StartHub(t)
	halls := []*testHall{
		startHall(t, hub, "dongzhen", clock),
		startHall(t, hub, "xiba", clock),
	}
	for _, h := range halls {
		h.work(30) // yesterday
	}
	clock.Set(nineAM)
	for _, h := range halls {
		h.work(24) // today, with people still waiting
		h.published()
	}
	dir := t.TempDir()
	svc, c := startCounty(t, hub.ClientURL(), dir, clock, "dongzhen")
	for _, h := range halls {
		sameAsHall(t, c, h, "2026-11-22", "2026-11-23")
	}

	// A hall the county never heard of links and says hello.
	clock.Set(nineAM.AddDate(0, 0, -1))
	halls = append(halls, startHall(t, hub, "nanshan", clock))
	halls[2].work(30)
	clock.Set(nineAM)
	halls[2].work(24)
	halls[2].published()
	v := caughtUp(t, c, halls[2])
	if !v.Online || v.Name != "nanshan镇便民服务中心" {
		t.Errorf("nanshan after its hello: online %v, name %q", v.Online, v.Name)
	}
	sameAsHall(t, c, halls[2], "2026-11-22", "2026-11-23")

	// The county stops; the halls go on; the county comes back on its
	// data and goes on from where it was, counting nothing twice.
	if err := svc.Close(); err != nil {
		t.Fatal(err)
	}
	var before, after uint64
	for _, h := range halls {
		before += h.seq()
		h.work(10)
		after += h.published()
	}
	_, c = startCounty(t, hub.ClientURL(), dir, clock)
	for _, h := range halls {
		sameAsHall(t, c, h, "2026-11-22", "2026-11-23")
	}
	// It read only what came while it was away, not the halls' history.
	js, _ := jetstream.New(hub.Connect("", ""))
	ci, err := js.Consumer(bg, federation.CountyStream, county.Durable)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := ci.Info(bg)
	if got := info.Delivered.Consumer; got != after-before {
		t.Errorf("after the restart the county read %d messages; %d came while it was away", got, after-before)
	}
	if w := hallsByID(c)["dongzhen"].Waiting; w == 0 {
		t.Errorf("dongzhen shows nobody waiting; the test meant some to wait")
	}

	ledgerWorkbook(t, c, halls)
}

// ledgerWorkbook downloads the county ledger as Excel and checks a sheet
// per hall and the summary's rows against each hall's own ledger.
func ledgerWorkbook(t *testing.T, c *client, halls []*testHall) {
	t.Helper()
	resp, err := c.http.Get(c.base + "/api/county/ledger?from=2026-11-22&to=2026-11-23&format=xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("xlsx: %s %v", resp.Status, resp.Header)
	}
	f, err := excelize.OpenReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 1+len(halls) || sheets[0] != "汇总" {
		t.Fatalf("sheets = %v, want 汇总 and one per hall", sheets)
	}
	rows, err := f.GetRows("汇总")
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	byName := map[string][]string{}
	for _, r := range rows[1:] {
		byName[r[0]] = r
	}
	loc := halls[0].e.Hall().Location()
	from, to := time.Date(2026, 11, 22, 0, 0, 0, 0, loc), time.Date(2026, 11, 23, 0, 0, 0, 0, loc)
	for _, h := range halls {
		own, err := h.e.Report(from, to, nil)
		if err != nil {
			t.Fatal(err)
		}
		total += own.Issued
		if r := byName[own.Hall]; len(r) < 2 || r[1] != strconv.Itoa(own.Issued) {
			t.Errorf("汇总 row of %s = %v, the hall issued %d", own.Hall, r, own.Issued)
		}
		if !slices.Contains(sheets, own.Hall) {
			t.Errorf("no sheet for %s in %v", own.Hall, sheets)
		}
		hr, _ := f.GetRows(own.Hall)
		if last := hr[len(hr)-1]; last[0] != "合计" || last[1] != strconv.Itoa(own.Issued) {
			t.Errorf("%s sheet's 合计 = %v, the hall issued %d", own.Hall, last, own.Issued)
		}
	}
	if r := byName["全县合计"]; len(r) < 2 || r[1] != strconv.Itoa(total) {
		t.Errorf("全县合计 = %v, want %d issued", r, total)
	}

	// The CSV is the summary sheet, with the BOM Excel needs for UTF-8.
	resp, err = c.http.Get(c.base + "/api/county/ledger?from=2026-11-22&to=2026-11-23&format=csv")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	text := string(data)
	if !strings.HasPrefix(text, "\ufeff乡镇大厅,取号,") || !strings.Contains(text, "\r\n全县合计,"+strconv.Itoa(total)+",") {
		t.Errorf("csv:\n%s", text)
	}
}

// TestCountyAcrossHubRestart: the hub restarts under a running county
// service; the county reconnects, and what the hall did meanwhile shows
// once, as the hall has it.
func TestCountyAcrossHubRestart(t *testing.T) {
	clock := queuetest.NewClock(nineAM)
	hub := federationtest.StartHub(t)
	h := startHall(t, hub, "dongzhen", clock)
	h.work(20)
	h.published()
	_, c := startCounty(t, hub.ClientURL(), t.TempDir(), clock, "dongzhen")
	caughtUp(t, c, h)

	hub.Restart()
	h.work(20)
	h.published()
	sameAsHall(t, c, h, "2026-11-23", "2026-11-23")
}

// TestCountyOnTheDocumentedHub runs the hub from docs/county/hub.conf:
// each hall links with its own user, the county service signs in with
// its own from a --nats-creds file, and still shows each hall as itself.
func TestCountyOnTheDocumentedHub(t *testing.T) {
	clock := queuetest.NewClock(nineAM)
	hub := federationtest.StartHubConfig(t, filepath.Join("..", "docs", "county", "hub.conf"))
	var halls []*testHall
	for _, id := range []string{"dongzhen", "xizhen"} {
		h := startHallAs(t, hub, id, id, "CHANGE-ME-"+id, clock)
		h.work(15)
		h.published()
		halls = append(halls, h)
	}
	creds := filepath.Join(t.TempDir(), "county.creds")
	if err := os.WriteFile(creds, []byte("county:CHANGE-ME-county\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	open := filepath.Join(t.TempDir(), "open.creds")
	os.WriteFile(open, []byte("county:CHANGE-ME-county\n"), 0o644)
	if _, err := county.Start(county.Config{NATS: []string{hub.ClientURL()}, Creds: open, Addr: "127.0.0.1:0", Data: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a credentials file others can read: %v", err)
	}
	svc, err := county.Start(county.Config{
		NATS: []string{hub.ClientURL()}, Creds: creds, Addr: "127.0.0.1:0", Data: t.TempDir(),
		Halls: []string{"dongzhen"}, AdminPassword: adminPassword, Now: clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	c := signIn(t, "http://"+svc.Addr(), county.AdminUser, adminPassword)
	for _, h := range halls { // xizhen by its hello
		sameAsHall(t, c, h, "2026-11-23", "2026-11-23")
	}
}

// TestCountyStartsEmpty: a county's very first start knows no hall; the
// first hall to say hello is sourced and shown.
func TestCountyStartsEmpty(t *testing.T) {
	clock := queuetest.NewClock(nineAM)
	hub := federationtest.StartHub(t)
	_, c := startCounty(t, hub.ClientURL(), t.TempDir(), clock)
	if n := len(hallsByID(c)); n != 0 {
		t.Fatalf("%d halls before any hello", n)
	}
	h := startHall(t, hub, "beishan", clock)
	h.work(10)
	h.published()
	sameAsHall(t, c, h, "2026-11-23", "2026-11-23")
}

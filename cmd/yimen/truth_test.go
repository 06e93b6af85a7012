package main

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/yimen-hall/yimen/queue/queuetest"
)

func readBoard(t testing.TB, conn *websocket.Conn, wait time.Duration) pushMsg {
	t.Helper()
	return readJSON[pushMsg](t, conn, wait)
}

// readUntil reads push messages until one of the type comes.
func readUntil(t testing.TB, conn *websocket.Conn, typ string, wait time.Duration) pushMsg {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		m := readBoard(t, conn, time.Until(deadline))
		if m.Type == typ {
			return m
		}
	}
}

// A clerk who goes 下村 with a ticket called: every screen stops calling
// it, and the ticket is back at the head of its line.
func TestLeavingWindowTellsEveryScreen(t *testing.T) {
	m := startMain(t, nil)
	kiosk := kioskClient(t, m)
	_, tk := kiosk.do("POST", "/api/tickets", map[string]any{"service": "birth"}) // D001
	kiosk.do("POST", "/api/tickets", map[string]any{"service": "birth"})          // D002
	clerk := kiosk.login("S09", "240109")                                         // window 6
	clerk.do("POST", "/api/windows/6/next", nil)
	lobby := dialDisplay(t, m, "")
	if snap := readBoard(t, lobby, 5*time.Second); len(snap.Recent) == 0 || snap.Recent[0].Number != "D001" {
		t.Fatalf("lobby before: recent %+v", snap.Recent)
	}
	if code, ans := clerk.do("PUT", "/api/staff/S09/status", map[string]string{"status": "village", "until": "16：30"}); code != 200 || ans["until"] != "16:30" {
		t.Fatalf("status village with 16：30: %d %v", code, ans)
	}
	ret := readUntil(t, lobby, "returned", 5*time.Second)
	if ret.Number != "D001" || len(ret.Windows) == 0 || ret.Windows[0].Number != "" {
		t.Errorf("returned message %+v", ret)
	}
	for _, c := range ret.Recent {
		if c.Number == "D001" {
			t.Errorf("the lobby's list still calls D001 to window %s", c.Window)
		}
	}
	code, view := kiosk.do("GET", "/api/tickets/"+tk["token"].(string), nil)
	if code != 200 || view["status"] != "waiting" || view["ahead"] != 0.0 || view["window"] != nil {
		t.Errorf("phone page of D001: %d %v", code, view)
	}
	// The window screen's own view (GET by its clerk) is empty too.
	b := kiosk.login("S10", "240110") // window 6 B post
	if code, ans := b.do("POST", "/api/windows/6/next", nil); code != 200 || ans["ticket"].(map[string]any)["number"] != "D001" {
		t.Errorf("B post's next: %d %v, want D001 back", code, ans)
	}
}

// The staff board shows 未到岗 until a clerk comes in.
func TestStaffBoardBeforeAnyoneComes(t *testing.T) {
	m := startMain(t, nil)
	lobby := dialDisplay(t, m, "")
	snap := readBoard(t, lobby, 5*time.Second)
	for _, s := range snap.Staff {
		if s.Status != "off" || s.StatusName != "未到岗" {
			t.Errorf("%s on an empty hall: %s %s", s.ID, s.Status, s.StatusName)
		}
	}
	(&client{t: t, base: m.URL}).login("S03", "240103").do("POST", "/api/windows/3/open", nil)
	for {
		msg := readBoard(t, lobby, 5*time.Second)
		for _, s := range msg.Staff {
			if s.ID == "S03" && s.StatusName == "在岗" {
				return
			}
		}
	}
}

// A line with no open window has no estimate anywhere: the queues, the
// kiosk's buttons and the ticket say no_window with wait_minutes null; and
// what a button shows (the line, the number ahead, the wait) is what its
// ticket then gets, for every service of the demo hall, with and without
// priority.
func TestNoWindowAndKioskPreview(t *testing.T) {
	m := startMain(t, nil)
	kiosk := kioskClient(t, m)
	kiosk.login("S03", "240103").do("POST", "/api/windows/3/open", nil)
	kiosk.login("S11", "240111").do("POST", "/api/windows/7/open", nil)
	for range 3 {
		kiosk.do("POST", "/api/tickets", map[string]any{"service": "medicare"})
	}
	board := func() pushMsg {
		conn := dialDisplay(t, m, "")
		defer conn.Close()
		return readBoard(t, conn, 5*time.Second)
	}
	snap := board()
	sawNoWindow := false
	for _, q := range snap.Queues {
		if q.NoWindow != (q.WaitMinutes == nil) {
			t.Errorf("queue %s: no_window %v wait %v", q.Category, q.NoWindow, q.WaitMinutes)
		}
		sawNoWindow = sawNoWindow || q.NoWindow
	}
	if !sawNoWindow || len(snap.Services) != 20 {
		t.Fatalf("snapshot: no line without a window, or %d services", len(snap.Services))
	}
	for i := range snap.Services {
		for _, prio := range []bool{false, true} {
			sv := board().Services[i]
			_, tk := kiosk.do("POST", "/api/tickets", map[string]any{"service": sv.ID, "priority": prio})
			want := sv.Ahead
			if prio {
				want = sv.AheadPriority
			}
			if tk["category"] != sv.Category || int(tk["ahead"].(float64)) != want {
				t.Errorf("%s (priority %v): button said line %s ahead %d; ticket went to %v with ahead %v", sv.ID, prio, sv.Category, want, tk["category"], tk["ahead"])
			}
			noWin, _ := tk["no_window"].(bool)
			if noWin != sv.NoWindow || (tk["wait_minutes"] == nil) != sv.NoWindow {
				t.Errorf("%s: button no_window %v; ticket no_window %v wait %v", sv.ID, sv.NoWindow, tk["no_window"], tk["wait_minutes"])
			}
			if !prio && !sv.NoWindow && int(tk["wait_minutes"].(float64)) != *sv.WaitMinutes {
				t.Errorf("%s: button wait %d, ticket wait %v", sv.ID, *sv.WaitMinutes, tk["wait_minutes"])
			}
		}
	}
}

// The two priority buttons make tickets that say which they are.
func TestPriorityKindThroughTheAPI(t *testing.T) {
	m := startMain(t, nil)
	kiosk := kioskClient(t, m)
	for kind, name := range map[string]string{"elder": "老弱病残孕优先", "green": "绿色通道"} {
		code, tk := kiosk.do("POST", "/api/tickets", map[string]any{"service": "medicare", "priority": true, "priority_kind": kind})
		if code != 201 || tk["priority"] != true || tk["priority_kind"] != kind || tk["priority_name"] != name {
			t.Errorf("%s: %d %v", kind, code, tk)
		}
		_, view := kiosk.do("GET", "/api/tickets/"+tk["token"].(string), nil)
		if view["priority_name"] != name {
			t.Errorf("%s: phone page says %v", kind, view["priority_name"])
		}
	}
	if code, _ := kiosk.do("POST", "/api/tickets", map[string]any{"service": "medicare", "priority_kind": "vip"}); code != 400 {
		t.Errorf("priority_kind vip: %d, want 400", code)
	}
}

// /ws/display?since=N without boot replays what came after N, as the
// contract says, instead of sending a snapshot.
func TestSinceWithoutBootReplays(t *testing.T) {
	m := startMain(t, nil)
	kiosk := kioskClient(t, m)
	kiosk.do("POST", "/api/tickets", map[string]any{"service": "birth"})
	lobby := dialDisplay(t, m, "")
	snap := readBoard(t, lobby, 5*time.Second)
	for range 2 {
		kiosk.do("POST", "/api/tickets", map[string]any{"service": "birth"})
		// Issued messages are paced: each number's comes before the next
		// number is taken, so that there are two to replay.
		readBoard(t, lobby, 5*time.Second)
	}
	conn := dialDisplay(t, m, "?since="+itoa(snap.Seq))
	for want := snap.Seq + 1; want <= snap.Seq+2; want++ {
		msg := readBoard(t, conn, 5*time.Second)
		if msg.Type == "snapshot" || msg.Seq != want {
			t.Fatalf("after since=%d: %s seq %d, want a replayed message %d", snap.Seq, msg.Type, msg.Seq, want)
		}
	}
}

// The day rolls at midnight with no command: the screens get the day
// message, and what was open is cancelled.
func TestDayRollPushedAtMidnight(t *testing.T) {
	// The clock stands half a second before midnight in Shanghai until the
	// lobby has its snapshot, then moves past it; only the daemon's own
	// timer can roll the day.
	clk := queuetest.NewClock(time.Date(2026, 11, 21, 15, 59, 59, 500_000_000, time.UTC))
	m := startMain(t, func(m *Main) { m.Now = clk.Now })
	kiosk := kioskClient(t, m)
	_, tk := kiosk.do("POST", "/api/tickets", map[string]any{"service": "birth"})
	lobby := dialDisplay(t, m, "")
	if snap := readBoard(t, lobby, 5*time.Second); snap.Day != "2026-11-21" {
		t.Fatalf("lobby's first snapshot for %s, want 2026-11-21", snap.Day)
	}
	clk.Set(time.Date(2026, 11, 21, 16, 0, 1, 0, time.UTC))
	day := readUntil(t, lobby, "day", 30*time.Second)
	if day.Day != "2026-11-22" {
		t.Errorf("day message for %s", day.Day)
	}
	for _, q := range day.Queues {
		if q.Waiting != 0 {
			t.Errorf("new day: %s has %d waiting", q.Category, q.Waiting)
		}
	}
	if code, _ := kiosk.do("GET", "/api/tickets/"+tk["token"].(string), nil); code != 404 {
		t.Errorf("yesterday's ticket page: %d, want 404", code)
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// /admin lists every open ticket in a stable order: by issue time, the
// same on every request.
func TestAdminOpenTicketsInStableOrder(t *testing.T) {
	m := startMain(t, nil)
	kiosk := kioskClient(t, m)
	var want []string
	for i := range 12 {
		_, tk := kiosk.do("POST", "/api/tickets", map[string]any{"service": []string{"medicare", "guide", "birth", "dispute"}[i%4]})
		want = append(want, tk["number"].(string))
	}
	_, login := kiosk.do("POST", "/api/admin/login", map[string]string{"password": testAdminPassword})
	admin := &client{t: t, base: m.URL, token: login["token"].(string)}
	for range 5 {
		code, floor := admin.do("GET", "/api/admin/floor", nil)
		if code != 200 {
			t.Fatalf("floor: %d", code)
		}
		var got []string
		for _, o := range floor["open"].([]any) {
			got = append(got, o.(map[string]any)["number"].(string))
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("open tickets %v, want them in issue order %v", got, want)
		}
	}
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/yimen-hall/yimen/county"
	"github.com/yimen-hall/yimen/federation/federationtest"
	"github.com/yimen-hall/yimen/queue"
)

const countyBrowserPassword = "county-browser-pw"

// countyFloor is a morning at a hall daemon: villagers take numbers,
// clerks take windows and serve some of them, one clerk is 下村.
func countyFloor(t *testing.T, m *Main, tickets int) {
	t.Helper()
	ctx := context.Background()
	e := m.engine
	for _, w := range [][2]string{{"2", "S04"}, {"1", "S02"}, {"4", "S06"}} {
		if _, err := e.Open(ctx, w[0], w[1]); err != nil {
			t.Fatal(err)
		}
	}
	services := []string{"pension", "guide", "business", "medicare", "certificate", "dispute"}
	for i := range tickets {
		if _, err := e.Issue(ctx, services[i%len(services)], i%6 == 0); err != nil {
			t.Fatal(err)
		}
	}
	for i := range tickets / 3 {
		w := [][2]string{{"2", "S04"}, {"1", "S02"}, {"4", "S06"}}[i%3]
		if tk, err := e.Next(ctx, w[0], w[1]); err != nil || tk == nil {
			continue
		}
		e.Start(ctx, w[0], w[1])
		if _, err := e.Finish(ctx, w[0], w[1], ""); err == nil {
			e.Rate(ctx, w[0], 3+i%3, "")
		}
	}
	if _, err := e.SetStaffStatus(ctx, "S11", queue.StaffVillage, "李家村", "15:00"); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserCounty: three hall daemons linked to a hub as leaves, and 31
// more halls the county knows but which never linked: the county office
// signs in and sees all 34 on one screen at 1920×1080 (and at 1366×768),
// each linked hall's waiting count as the hall has it; opens one hall;
// and reads the county ledger, whose 取号 per hall are the hall's own.
func TestBrowserCounty(t *testing.T) {
	browser := newBrowser(t)
	hub := federationtest.StartHub(t)
	ids := []string{"dongzhen", "xiba", "nanshan"}
	known := append([]string{}, ids...)
	for i := range 31 {
		known = append(known, fmt.Sprintf("xiang-%02d", i+1))
	}
	halls := map[string]*Main{}
	for i, id := range ids {
		hall := queue.DemoHall()
		hall.Name = []string{"东镇", "西坝镇", "南山乡"}[i] + "便民服务中心"
		doc, err := json.Marshal(hall)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "hall.json")
		if err := os.WriteFile(file, doc, 0o600); err != nil {
			t.Fatal(err)
		}
		m := startMain(t, func(m *Main) { m.HallID, m.HallFile, m.County = id, file, []string{hub.LeafURL()} })
		countyFloor(t, m, 12+6*i)
		waitPublished(t, m)
		halls[id] = m
	}
	// The county starts after the halls linked: a source of a hall that
	// has not linked yet is retried by the hub with a back-off of up to
	// two minutes. Their hellos (every 30 s) mark them online.
	svc, err := county.Start(county.Config{
		NATS: []string{hub.ClientURL()}, Addr: "127.0.0.1:0", Data: t.TempDir(),
		Halls: known, AdminPassword: countyBrowserPassword, SaveEvery: 100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	base := "http://" + svc.Addr()

	for _, size := range [][2]int64{{1920, 1080}, {1366, 768}} {
		ctx := tab(t, browser, true, size[0], size[1], base+"/county", false)
		waitJS(t, ctx, "the sign-in page", `location.pathname === '/county/login'`, patience)
		screenshot(t, ctx, fmt.Sprintf("county-login-%dx%d", size[0], size[1]))
		typeInto(t, ctx, "#user", county.AdminUser)
		typeInto(t, ctx, "#password", countyBrowserPassword)
		click(t, ctx, "#login-go")
		waitJS(t, ctx, "34 halls", `document.querySelectorAll('#halls .hall').length === 34`, patience)
		for id, m := range halls {
			waiting := 0
			m.engine.Read(func(s *queue.State) {
				for _, c := range m.engine.Hall().Categories {
					n, _ := s.WaitingCounts(c.ID)
					waiting += n
				}
			})
			card := fmt.Sprintf(`document.querySelector('.hall[data-hall="%s"]')`, id)
			waitJS(t, ctx, id+" online with the hall's waiting count",
				fmt.Sprintf(`%s && %s.querySelector('.pill').textContent === '在线' && %s.querySelector('.waiting').textContent === '%d'`, card, card, card, waiting), patience)
		}
		waitJS(t, ctx, "xiba's 下村 clerk", `document.querySelector('.hall[data-hall="xiba"] .staff-line').textContent.includes('郑农·下村')`, patience)
		if clipped := evalJS[int](t, ctx, `[...document.querySelectorAll('.hall .today, .hall-name, .hall-big')].filter(e => e.scrollWidth > e.clientWidth + 1).length`); clipped > 0 {
			t.Errorf("%d lines of the halls' cards are cut off at %d×%d", clipped, size[0], size[1])
		}
		if fits := evalJS[bool](t, ctx, `document.documentElement.scrollHeight <= innerHeight && document.documentElement.scrollWidth <= innerWidth`); !fits {
			t.Errorf("34 halls do not fit one %d×%d screen: page %v×%v", size[0], size[1], evalJS[float64](t, ctx, `document.documentElement.scrollWidth`), evalJS[float64](t, ctx, `document.documentElement.scrollHeight`))
		}
		screenshot(t, ctx, fmt.Sprintf("county-halls-%dx%d", size[0], size[1]))

		click(t, ctx, `.hall[data-hall="dongzhen"]`)
		waitJS(t, ctx, "dongzhen in detail", `document.getElementById('hall-name').textContent === '东镇便民服务中心'`, patience)
		waitJS(t, ctx, "window 2 open", `[...document.querySelectorAll('#h-window-list tr')].some(r => r.textContent.includes('2号窗口') && r.textContent.includes('赵志强'))`, patience)
		screenshot(t, ctx, fmt.Sprintf("county-hall-%dx%d", size[0], size[1]))

		today := time.Now().Format(time.DateOnly)
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/county/ledger?from="+today+"&to="+today)); err != nil {
			t.Fatal(err)
		}
		for _, m := range halls {
			name := m.engine.Hall().Name
			day, _ := time.ParseInLocation(time.DateOnly, time.Now().In(m.engine.Hall().Location()).Format(time.DateOnly), m.engine.Hall().Location())
			own, err := m.engine.Report(day, day, nil)
			if err != nil {
				t.Fatal(err)
			}
			waitJS(t, ctx, name+"'s 取号 in the ledger", fmt.Sprintf(`[...document.querySelectorAll('#ledger-rows tr')].some(r => r.cells[0].textContent === %s && r.cells[1].textContent === '%d')`, quote(name), own.Issued), patience)
		}
		screenshot(t, ctx, fmt.Sprintf("county-ledger-%dx%d", size[0], size[1]))

		// The county admin makes a 代办员's account; the password is shown once.
		click(t, ctx, `a[data-nav="agents"]`)
		user := fmt.Sprintf("agent%d", size[0])
		typeInto(t, ctx, "#a-user", user)
		typeInto(t, ctx, "#a-name", "李佳")
		typeInto(t, ctx, "#a-station", "李家村代办点")
		click(t, ctx, "#a-add")
		waitJS(t, ctx, "the new account's password", `/初始密码 \S+/.test(document.getElementById('agent-made').textContent)`, patience)
		waitJS(t, ctx, "the account listed", fmt.Sprintf(`[...document.querySelectorAll('#agents tr')].some(r => r.textContent.includes(%s))`, quote(user)), patience)
		screenshot(t, ctx, fmt.Sprintf("county-agents-%dx%d", size[0], size[1]))
	}
}

// TestCountyCommandLine: yimen county without a hub is a usage error
// (exit 2) that says what to give, and a bad hall id is refused before
// anything starts.
func TestCountyCommandLine(t *testing.T) {
	var out, errOut syncBuffer
	if code := run([]string{"county", "--data", t.TempDir()}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "--nats") {
		t.Errorf("no hub: exit %d, %q", code, errOut.String())
	}
	errOut = syncBuffer{}
	if code := run([]string{"county", "--nats", "nats://127.0.0.1:1", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--hall", "Bad_ID"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "Bad_ID") {
		t.Errorf("bad hall id: exit %d, %q", code, errOut.String())
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/county"
	"github.com/yimen-hall/yimen/federation/federationtest"
	"github.com/yimen-hall/yimen/queue"
)

// countyClient is a signed-in client of the county service, for the steps
// a test does not drive through a page.
type countyClient struct {
	t    *testing.T
	base string
	http *http.Client
}

func countySignIn(t *testing.T, base, user, password string) *countyClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &countyClient{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
	if st := c.call("POST", "/api/county/login", map[string]string{"user": user, "password": password}, nil); st != 200 {
		t.Fatalf("sign in as %s: %d", user, st)
	}
	return c
}

func (c *countyClient) call(method, path string, body, out any) int {
	c.t.Helper()
	data, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, c.base+path, bytes.NewReader(data))
	if method != "GET" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil && resp.StatusCode/100 == 2 {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			c.t.Fatal(err)
		}
	}
	return resp.StatusCode
}

// waitLinked waits until a hall daemon's leaf link is up: a county that
// sources it before then waits for the hub's back-off (up to two minutes).
func waitLinked(t *testing.T, m *Main) {
	t.Helper()
	federationtest.WaitFor(t, patience, func() string {
		if !m.link.Linked() {
			return "the hall has not linked"
		}
		return ""
	})
}

// startCountyOf starts the county service on hub for halls, with the
// tests' admin password, and returns its base URL.
func startCountyOf(t *testing.T, hub *federationtest.Hub, halls ...string) string {
	t.Helper()
	svc, err := county.Start(county.Config{
		NATS: []string{hub.ClientURL()}, Addr: "127.0.0.1:0", Data: t.TempDir(),
		Halls: halls, AdminPassword: countyBrowserPassword, SaveEvery: 100 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close() })
	return "http://" + svc.Addr()
}

// TestBrowserCountyRequests: a 代办员 at a village PC (1366×768) books a
// slot at a township hall whose link is down: the page shows the request
// 待乡镇受理; the link comes back and the page shows the code the hall
// booked. On a phone (360×640) the 代办员 files a 代办 case with the
// documents received and sees its number.
func TestBrowserCountyRequests(t *testing.T) {
	browser := newBrowser(t)
	hub := federationtest.StartHub(t)
	proxy := federationtest.StartProxy(t, strings.TrimPrefix(hub.LeafURL(), "nats://"))
	m := startMain(t, func(m *Main) { m.HallID, m.County = "dongzhen", []string{proxy.URL()} })
	waitPublished(t, m)
	waitLinked(t, m)
	base := startCountyOf(t, hub, "dongzhen")
	admin := countySignIn(t, base, county.AdminUser, countyBrowserPassword)
	var made struct {
		Password string `json:"password"`
	}
	if st := admin.call("POST", "/api/county/agents", map[string]string{"user": "lijia", "name": "李梅", "station": "李家村代办点"}, &made); st != 201 {
		t.Fatalf("make the agent: %d", st)
	}

	// The first day from today with a free 养老保险 slot, as the county
	// sees the hall.
	day := ""
	federationtest.WaitFor(t, patience, func() string {
		for i := range 8 {
			d := time.Now().In(m.engine.Hall().Location()).AddDate(0, 0, i).Format(time.DateOnly)
			var out struct {
				Slots []queue.SlotFree `json:"slots"`
			}
			if admin.call("GET", "/api/county/halls/dongzhen/slots?service=pension&day="+d, nil, &out) == 200 && len(out.Slots) > 0 && out.Slots[0].Free > 0 {
				day = d
				return ""
			}
		}
		return "the county has no free slot of dongzhen's 养老保险"
	})

	proxy.Cut()
	federationtest.WaitFor(t, patience, func() string {
		if m.link.Linked() {
			return "the hall is still linked"
		}
		return ""
	})
	signIn := func(w, h int64, mobile bool) context.Context {
		ctx := tab(t, browser, true, w, h, base+"/county/requests", mobile)
		waitJS(t, ctx, "the sign-in page", `location.pathname === '/county/login' && document.readyState === 'complete'`, patience)
		typeInto(t, ctx, "#user", "lijia")
		typeInto(t, ctx, "#password", made.Password)
		click(t, ctx, "#login-go")
		waitJS(t, ctx, "the requests page with dongzhen", `location.pathname === '/county/requests' && [...document.querySelectorAll('#r-hall option')].some(o => o.value === 'dongzhen')`, patience)
		return ctx
	}
	pick := func(ctx context.Context, id, value string) {
		t.Helper()
		evalJS[bool](t, ctx, fmt.Sprintf(`(() => { const s = document.getElementById(%s); s.value = %s; s.dispatchEvent(new Event('change')); return s.value === %s; })()`, quote(id), quote(value), quote(value)))
	}
	fits := func(ctx context.Context, size string) {
		t.Helper()
		if w := evalJS[float64](t, ctx, `document.documentElement.scrollWidth - innerWidth`); w > 0 {
			t.Errorf("%s: the page is %v px wider than the screen", size, w)
		}
	}

	// A village PC, while the hall is cut off.
	pc := signIn(1366, 768, false)
	pick(pc, "r-service", "pension")
	pick(pc, "r-day", day)
	waitJS(t, pc, "slots with places left", `document.querySelector('#slots .slot:not(:disabled)')`, patience)
	slot := evalJS[string](t, pc, `document.querySelector('#slots .slot:not(:disabled)').dataset.slot`)
	click(t, pc, "#slots .slot:not(:disabled)")
	waitJS(t, pc, "the slot chosen", `document.querySelector('#slots .slot[aria-checked=true]')`, patience)
	typeInto(t, pc, "#r-name", "王大爷")
	typeInto(t, pc, "#r-phone", "13900001234")
	screenshot(t, pc, "county-requests-form-1366x768")
	click(t, pc, "#r-submit")
	waitJS(t, pc, "the request waiting for the township", `document.getElementById('r-error').textContent || [...document.querySelectorAll('#requests .req')].some(r => r.querySelector('.req-state').textContent === '待乡镇受理' && r.textContent.includes('王大爷'))`, patience)
	if e := evalJS[string](t, pc, `document.getElementById('r-error').textContent`); e != "" {
		t.Fatalf("filing refused: %s", e)
	}
	fits(pc, "1366×768")
	screenshot(t, pc, "county-requests-waiting-1366x768")

	proxy.Restore()
	code := ""
	federationtest.WaitFor(t, 3*time.Minute, func() string {
		m.engine.Read(func(s *queue.State) {
			for _, a := range s.AppointmentsOn(day) {
				if a.Name == "王大爷" && a.Slot == slot {
					code = a.Code
				}
			}
		})
		if code == "" {
			return "the hall has not booked the request yet"
		}
		return ""
	})
	waitJS(t, pc, "the hall's code on the page", fmt.Sprintf(`[...document.querySelectorAll('#requests .req.accepted')].some(r => r.querySelector('.req-state').textContent === '已受理' && r.querySelector('.req-code').textContent === '预约码 %s')`, code), 3*time.Minute)
	screenshot(t, pc, "county-requests-accepted-1366x768")

	// A phone: a 代办 case with the documents received.
	phone := signIn(360, 640, true)
	click(t, phone, `label.kind:has(#kind-proxy)`)
	pick(phone, "r-service", "lowincome")
	waitJS(t, phone, "the documents to tick", `document.querySelectorAll('#docs input').length === 3`, patience)
	click(t, phone, "#docs label:first-child input")
	typeInto(t, phone, "#r-other-doc", "村委会证明")
	typeInto(t, phone, "#r-name", "赵奶奶")
	screenshot(t, phone, "county-requests-proxy-form-360x640")
	click(t, phone, "#r-submit")
	waitJS(t, phone, "the 代办 case's number", `[...document.querySelectorAll('#requests .req.accepted')].some(r => r.textContent.includes('赵奶奶') && r.querySelector('.req-code').textContent === '受理编号 代办001' && r.textContent.includes('身份证、村委会证明'))`, 3*time.Minute)
	fits(phone, "360×640")
	screenshot(t, phone, "county-requests-accepted-360x640")
	var c *queue.Case
	m.engine.Read(func(s *queue.State) {
		for _, k := range s.Cases {
			if k.Proxy != nil {
				cp := *k
				c = &cp
			}
		}
	})
	if c == nil || c.Name != "赵奶奶" || c.Proxy.Station != "李家村代办点" || strings.Join(c.Documents, "、") != "身份证、村委会证明" {
		t.Fatalf("the hall's 代办 case: %+v", c)
	}

	// The hall's manager finds the 代办 case among the cases, with the
	// station that filed it.
	manager := tab(t, browser, true, 1366, 768, m.URL+"/admin", false)
	waitJS(t, manager, "the admin sign-in", `!document.getElementById('login').hidden`, patience)
	typeInto(t, manager, "#password", testAdminPassword)
	click(t, manager, "#admin-login-btn")
	waitJS(t, manager, "the 代办 case in the manager's list", fmt.Sprintf(`[...document.querySelectorAll('#cases-rows tr')].some(r => r.dataset.case === %s && r.textContent.includes('代办001') && r.textContent.includes('赵奶奶（李家村代办点 李梅 代办）'))`, quote(c.ID)), patience)
	evalJS[bool](t, manager, `document.getElementById('cases-rows').scrollIntoView(); true`)
	screenshot(t, manager, "admin-cases-proxy-1366x768")
}

// TestBrowserCountyBusLedger: a service bus daemon (a hall file with
// parent and tour) issues numbers in a village and links; the county
// office's ledger page shows them under that village of its township.
func TestBrowserCountyBusLedger(t *testing.T) {
	browser := newBrowser(t)
	hub := federationtest.StartHub(t)
	hall := queue.DemoHall()
	hall.ID, hall.Name, hall.Parent = "demo-bus", "东镇便民服务车", "demo"
	hall.Tour = []queue.TourStop{{Weekdays: []int{1, 2, 3, 4, 5, 6, 7}, Village: "李家村"}}
	doc, err := json.Marshal(hall)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "bus.json")
	if err := os.WriteFile(file, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	township := startMain(t, func(m *Main) { m.County = []string{hub.LeafURL()} })
	bus := startMain(t, func(m *Main) { m.HallID, m.HallFile, m.County = "demo-bus", file, []string{hub.LeafURL()} })
	for i := range 5 {
		if _, err := bus.engine.Issue(context.Background(), "guide", i == 0); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []*Main{township, bus} {
		waitPublished(t, m)
		waitLinked(t, m)
	}
	ctx := tab(t, browser, true, 1366, 768, startCountyOf(t, hub, "demo", "demo-bus")+"/county/ledger", false)
	waitJS(t, ctx, "the sign-in page", `location.pathname === '/county/login' && document.readyState === 'complete'`, patience)
	typeInto(t, ctx, "#user", county.AdminUser)
	typeInto(t, ctx, "#password", countyBrowserPassword)
	click(t, ctx, "#login-go")
	waitJS(t, ctx, "the ledger page", `location.pathname === '/county/ledger'`, patience)
	want := "乐昌镇便民服务中心 · 李家村（东镇便民服务车，1 天）"
	federationtest.WaitFor(t, 3*time.Minute, func() string {
		click(t, ctx, "#show")
		ok := evalJS[bool](t, ctx, fmt.Sprintf(`!document.getElementById('buses').hidden && [...document.querySelectorAll('#bus-rows tr')].some(r => r.cells[0].textContent === %s && r.cells[1].textContent === '5')`, quote(want)))
		if !ok {
			return "the ledger page has no 李家村 row with the bus's 5 numbers"
		}
		return ""
	})
	evalJS[bool](t, ctx, `document.getElementById('buses').scrollIntoView(); true`)
	screenshot(t, ctx, "county-ledger-bus-1366x768")
}

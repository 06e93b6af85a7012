package county_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/county"
	"github.com/yimen-hall/yimen/federation/federationtest"
	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

// requestsOf reads a signed-in account's list of requests, by id.
func requestsOf(c *client) map[string]county.RequestView {
	var out struct {
		Requests []county.RequestView `json:"requests"`
	}
	if st := c.get("/api/county/requests", &out); st != 200 {
		c.t.Fatalf("GET /api/county/requests: %d", st)
	}
	m := map[string]county.RequestView{}
	for _, r := range out.Requests {
		m[r.ID] = r
	}
	return m
}

// newAgent makes a 代办员 account of station and signs in with it.
func newAgent(t *testing.T, admin *client, user, station string) *client {
	t.Helper()
	made := admin.post("/api/county/agents", map[string]string{"user": user, "name": "李梅", "station": station})
	return signIn(t, admin.base, user, made["password"].(string))
}

// TestAgentFilesWhileHallCutOff: a 代办员 books a slot at a township hall
// whose link is down; the request waits (待乡镇受理); the link comes back;
// the hall takes it once and the 代办员 sees the code the hall booked. A
// 代办 case and a refusal come back the same way, and another station
// sees none of them.
func TestAgentFilesWhileHallCutOff(t *testing.T) {
	clock := queuetest.NewClock(nineAM)
	hub := federationtest.StartHub(t)
	proxy := federationtest.StartProxy(t, strings.TrimPrefix(hub.LeafURL(), "nats://"))
	hall := federationtest.StartHall(t, "dongzhen", clock.Now, []string{proxy.URL()}, nil)
	hall.WaitLinked(t)
	_, admin := startCounty(t, hub.ClientURL(), t.TempDir(), clock, "dongzhen")
	agent := newAgent(t, admin, "lijia", "李家村代办点")
	other := newAgent(t, admin, "wangjia", "王家村代办点")

	// The form offers the hall once the county has its configuration,
	// and the slots with places left from the county's copy.
	eventually(t, "the county knows dongzhen's services", func() bool {
		var out struct {
			Halls []struct {
				ID       string `json:"id"`
				Today    string `json:"today"`
				Services []struct {
					ID       string `json:"id"`
					Bookable bool   `json:"bookable"`
				} `json:"services"`
			} `json:"halls"`
		}
		agent.get("/api/county/requests/halls", &out)
		return len(out.Halls) == 1 && out.Halls[0].ID == "dongzhen" && out.Halls[0].Today == "2026-11-23" && len(out.Halls[0].Services) > 0
	})
	var slots struct {
		Slots []queue.SlotFree `json:"slots"`
	}
	if st := agent.get("/api/county/halls/dongzhen/slots?service=pension&day=2026-11-24", &slots); st != 200 || len(slots.Slots) == 0 {
		t.Fatalf("slots: %d %+v", st, slots)
	}
	if s := slots.Slots[0]; s.Slot != "09:00" || s.Free != 3 {
		t.Errorf("first slot %+v, want 09:00 with the 3 places pension books", s)
	}

	proxy.Cut()
	eventually(t, "the link is down", func() bool { return !hall.Link.Linked() })
	filed := agent.post("/api/county/requests", map[string]any{
		"hall": "dongzhen", "kind": "appointment", "service": "pension",
		"day": "2026-11-24", "slot": "09:00", "name": "王大爷", "phone": "13900001234",
	})
	id := filed["id"].(string)
	if filed["state_name"] != "待乡镇受理" {
		t.Fatalf("just filed: %v", filed)
	}
	if r := requestsOf(agent)[id]; r.StateName != "待乡镇受理" || r.Code != "" || r.HallName != "乐昌镇便民服务中心" || r.ServiceName != "城乡居民养老保险" {
		t.Errorf("while the hall is cut off: %+v", r)
	}
	if n := len(federationtest.Taken(t, hall.Store)); n != 0 {
		t.Fatalf("the hall took %d requests while cut off", n)
	}

	proxy.Restore()
	var got county.RequestView
	eventually(t, "the 代办员 sees the hall's code", func() bool {
		got = requestsOf(agent)[id]
		return got.State == "accepted"
	})
	var appt *queue.Appointment
	hall.Engine.Read(func(s *queue.State) {
		if a := s.Appointments[got.Code]; a != nil {
			cp := *a
			appt = &cp
		}
	})
	if got.StateName != "已受理" || appt == nil || appt.Day != "2026-11-24" || appt.Slot != "09:00" || appt.Name != "王大爷" {
		t.Errorf("the 代办员 sees %+v; the hall booked %+v", got, appt)
	}
	if taken := federationtest.Taken(t, hall.Store)[id]; len(taken) != 1 {
		t.Errorf("the hall took the request %d times", len(taken))
	}
	// The county's copy now counts the place as booked.
	agent.get("/api/county/halls/dongzhen/slots?service=pension&day=2026-11-24", &slots)
	if s := slots.Slots[0]; s.Slot != "09:00" || s.Free != 2 {
		t.Errorf("after the booking the first slot is %+v, want 2 places left", s)
	}

	// A 代办 case, and a slot the hall does not have.
	proxyID := agent.post("/api/county/requests", map[string]any{
		"hall": "dongzhen", "kind": "proxy", "service": "lowincome", "name": "赵奶奶", "phone": "13700001111",
		"documents": []string{"身份证", "户口本", " "}, "note": "下周一送到",
	})["id"].(string)
	badID := agent.post("/api/county/requests", map[string]any{
		"hall": "dongzhen", "kind": "appointment", "service": "pension", "day": "2026-11-24", "slot": "09:10", "name": "王大爷",
	})["id"].(string)
	eventually(t, "the hall answers both", func() bool {
		rs := requestsOf(agent)
		return rs[proxyID].State != "waiting" && rs[badID].State != "waiting"
	})
	rs := requestsOf(agent)
	if p := rs[proxyID]; p.State != "accepted" || p.Code != "代办001" || p.Case != proxyID || fmt.Sprint(p.Documents) != "[身份证 户口本]" {
		t.Errorf("代办: %+v", p)
	}
	if b := rs[badID]; b.StateName != "未受理" || b.Refused != "bad_slot" || !strings.Contains(b.Reason, "没有 09:10 这个时段") {
		t.Errorf("a slot the hall does not have: %+v", b)
	}
	var c *queue.Case
	hall.Engine.Read(func(s *queue.State) {
		if k := s.Cases[proxyID]; k != nil {
			cp := *k
			c = &cp
		}
	})
	if c == nil || c.Proxy == nil || c.Proxy.Station != "李家村代办点" || c.Proxy.Agent != "李梅" || c.Name != "赵奶奶" {
		t.Errorf("the hall's 代办 case: %+v", c)
	}
	if n := len(requestsOf(other)); n != 0 {
		t.Errorf("another station sees %d of 李家村's requests", n)
	}
	if n := len(requestsOf(admin)); n != 3 {
		t.Errorf("the county office sees %d requests, want 3", n)
	}
}

func TestFilingRefusesWhatNoHallTakes(t *testing.T) {
	clock := queuetest.NewClock(nineAM)
	hub := federationtest.StartHub(t)
	federationtest.StartHall(t, "dongzhen", clock.Now, []string{hub.LeafURL()}, nil).WaitLinked(t)
	_, admin := startCounty(t, hub.ClientURL(), t.TempDir(), clock, "dongzhen")
	agent := newAgent(t, admin, "lijia", "李家村代办点")
	eventually(t, "the county knows dongzhen's services", func() bool {
		return agent.get("/api/county/halls/dongzhen/slots?service=pension&day=2026-11-24", nil) == 200
	})
	for _, tt := range []struct {
		body map[string]any
		want int
	}{
		{map[string]any{"hall": "nowhere", "kind": "proxy", "service": "pension", "name": "王"}, 404},
		{map[string]any{"hall": "dongzhen", "kind": "proxy", "service": "nothing", "name": "王"}, 404},
		{map[string]any{"hall": "dongzhen", "kind": "delete", "service": "pension", "name": "王"}, 400},
		{map[string]any{"hall": "dongzhen", "kind": "proxy", "service": "pension", "name": ""}, 400},
		{map[string]any{"hall": "dongzhen", "kind": "proxy", "service": "pension", "name": "王", "phone": "139-0000"}, 400},
		{map[string]any{"hall": "dongzhen", "kind": "appointment", "service": "pension", "name": "王", "day": "tomorrow", "slot": "09:00"}, 400},
		{map[string]any{"hall": "dongzhen", "kind": "proxy", "service": "pension", "name": "王", "station": "假冒代办点"}, 400},
	} {
		if st := agent.postStatus("/api/county/requests", tt.body); st != tt.want {
			t.Errorf("POST %v: %d, want %d", tt.body, st, tt.want)
		}
	}
	signedOut := &client{t: t, base: agent.base, http: &http.Client{Timeout: 30 * time.Second}}
	if st := signedOut.postStatus("/api/county/requests", map[string]any{"hall": "dongzhen"}); st != 401 {
		t.Errorf("signed out: %d, want 401", st)
	}
	if n := len(requestsOf(agent)); n != 0 {
		t.Errorf("%d refused requests listed", n)
	}
}

package federation_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/federation"
	"github.com/yimen-hall/yimen/federation/federationtest"
)

// hubConf is the county hub's configuration as deploy.md gives it.
const hubConf = "../docs/county/hub.conf"

// With docs/county/hub.conf, a hall's leaf user gets its own events to the
// county's stream, but whatever it sends on another hall's subjects never
// reaches the county.
func TestHubConfLetsAHallSendOnlyItsOwnSubjects(t *testing.T) {
	hub := federationtest.StartHubConfig(t, hubConf)
	county := hub.Connect("county", "CHANGE-ME-county")
	federationtest.CountyStream(t, county, "dongzhen", "xizhen")

	h := newTestHall(t, "dongzhen")
	h.county, h.user, h.pass = []string{hub.LeafURL()}, "dongzhen", "CHANGE-ME-dongzhen"
	h.serve(t, 20)
	h.linkUp(t)
	h.serve(t, 10)
	start := time.Now()
	federationtest.WaitCount(t, county, federation.CountyStream, "dongzhen", h.seq(), 2*time.Minute)
	t.Logf("the county holds dongzhen's events after %v", time.Since(start).Round(time.Millisecond))
	federationtest.CheckStream(t, county, federation.CountyStream, "dongzhen", h.seq())

	// The county listens on every hall's subjects; dongzhen sends a
	// forged hello and a forged event of xizhen, then one of its own. Its
	// own arrives (the county's interest reached the hall), the forged
	// ones, sent before it on the same link, never do.
	sub, err := county.SubscribeSync("yimen.>")
	if err != nil {
		t.Fatal(err)
	}
	county.Flush()
	nc := h.link.Conn()
	for i := 0; ; i++ {
		for _, forged := range []string{federation.HelloSubject("xizhen"), federation.EventsSubject("xizhen"), federation.DeliverSubject("xizhen") + ".S.x"} {
			if err := nc.Publish(forged, []byte(`{"id":"xizhen"}`)); err != nil {
				t.Fatal(err)
			}
		}
		own := fmt.Sprintf(`{"id":"dongzhen","n":%d}`, i)
		nc.Publish(federation.HelloSubject("dongzhen"), []byte(own))
		nc.Flush()
		got := ""
		for {
			m, err := sub.NextMsg(200 * time.Millisecond)
			if err != nil {
				break
			}
			if strings.Contains(m.Subject, "xizhen") {
				t.Fatalf("the county received %s from dongzhen's link", m.Subject)
			}
			if m.Subject == federation.HelloSubject("dongzhen") {
				got = string(m.Data)
			}
		}
		if got != "" {
			t.Logf("dongzhen's own hello reached the county after %d tries", i+1)
			break
		}
		if i > 300 {
			t.Fatal("dongzhen's own hello never reached the county")
		}
	}
	if n, _ := federationtest.Count(county, federation.CountyStream, "xizhen"); n != 0 {
		t.Fatalf("the county's stream holds %d events of xizhen, which never linked", n)
	}
}

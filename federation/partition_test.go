package federation_test

import (
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/yimen-hall/yimen/federation"
	"github.com/yimen-hall/yimen/federation/federationtest"
)

// catchUp is how long the county may take to catch up with a hall: the
// hub's sources retry a lost hall with a back-off of their own.
const catchUp = 3 * time.Minute

// hub is a county hub, in process or a nats-server binary.
type hub interface {
	LeafURL() string
	Connect(user, password string) *nats.Conn
	Restart()
}

// countyHolds checks that the county's stream holds each hall's events
// 1..N exactly once and in order, N being the hall's last committed event.
func countyHolds(t *testing.T, county *nats.Conn, halls ...*testHall) {
	t.Helper()
	start := time.Now()
	defer func() { t.Logf("the county caught up in %v", time.Since(start).Round(time.Millisecond)) }()
	for _, h := range halls {
		federationtest.WaitCount(t, county, federation.CountyStream, h.id, h.seq(), catchUp)
		federationtest.CheckStream(t, county, federation.CountyStream, h.id, h.seq())
	}
}

// linkedHall is a hall linked to the hub through a proxy the test cuts.
func linkedHall(t *testing.T, hb hub, id, user, pass string) (*testHall, *federationtest.Proxy) {
	h := newTestHall(t, id)
	p := federationtest.StartProxy(t, hostPort(hb.LeafURL()))
	h.county, h.user, h.pass = []string{p.URL()}, user, pass
	h.linkUp(t)
	return h, p
}

func hostPort(url string) string { return url[len("nats://"):] }

func waitLinked(t *testing.T, h *testHall, up bool) {
	t.Helper()
	federationtest.WaitFor(t, time.Minute, func() string {
		if h.link.Linked() != up {
			if up {
				return h.id + "'s leaf link is not up"
			}
			return h.id + "'s leaf link is still up"
		}
		return ""
	})
}

// partition runs the partition proof against a hub: three halls;
// one is cut off while it issues and calls 1,000 tickets and the others
// go on; after the link is back, the county holds every event of every
// hall exactly once and in order; again after the hub restarts, and after
// a hall restarts.
func partition(t *testing.T, hb hub, county *nats.Conn, ids [3]string, pass func(string) string) {
	federationtest.CountyStream(t, county, ids[:]...)
	var halls [3]*testHall
	var proxies [3]*federationtest.Proxy
	for i, id := range ids {
		user := id
		if pass(id) == "" {
			user = ""
		}
		halls[i], proxies[i] = linkedHall(t, hb, id, user, pass(id))
		halls[i].serve(t, 30)
	}
	countyHolds(t, county, halls[:]...)

	cut, others := halls[0], halls[1:]
	proxies[0].Cut()
	waitLinked(t, cut, false)
	cut.serve(t, 1000)
	for _, h := range others {
		h.serve(t, 20)
	}
	// The county keeps up with the others meanwhile, and has nothing of
	// the cut hall's new events.
	countyHolds(t, county, others...)
	if n, _ := federationtest.Count(county, federation.CountyStream, cut.id); n >= cut.seq() {
		t.Fatalf("the county holds %d events of %s while it was cut off with %d", n, cut.id, cut.seq())
	}
	proxies[0].Restore()
	waitLinked(t, cut, true)
	countyHolds(t, county, halls[:]...)

	hb.Restart()
	for _, h := range halls {
		waitLinked(t, h, true)
		h.serve(t, 10)
	}
	countyHolds(t, county, halls[:]...)

	halls[1].restart(t)
	halls[1].serve(t, 10)
	countyHolds(t, county, halls[:]...)
	for _, h := range halls {
		seesAsHall(t, federationtest.CheckStream(t, county, federation.CountyStream, h.id, h.seq()), h)
	}
}

func TestPartitionInProcessHub(t *testing.T) {
	hb := federationtest.StartHub(t)
	partition(t, hb, hb.Connect("", ""), [3]string{"dongzhen", "xizhen", "nanzhen"}, func(string) string { return "" })
}

// Debian's packaged nats-server, with the hub configuration deploy.md
// gives, is a county hub: halls link with their own users and the county
// catches up after a cut, a hub restart and a hall restart.
func TestPartitionDebianHub(t *testing.T) {
	hb := federationtest.StartProcessHub(t, federationtest.DebianServer, hubConf)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the hub's log:\n%s", hb.Log())
		}
	})
	county := hb.Connect("county", "CHANGE-ME-county")
	partition(t, hb, county, [3]string{"dongzhen", "xizhen", "nanzhen"}, func(id string) string { return "CHANGE-ME-" + id })
}

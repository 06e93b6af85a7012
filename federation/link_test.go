package federation_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/federation"
	"github.com/yimen-hall/yimen/federation/federationtest"
	"github.com/yimen-hall/yimen/queue"
)

// Every committed event reaches the hall's own stream once, in log order
// from seq 1, without a secret; after a restart the publisher goes on from
// the stream's last message instead of starting over.
func TestLinkPublishesEveryEventOnceAcrossRestarts(t *testing.T) {
	h := newTestHall(t, "dongzhen")
	h.serve(t, 40) // before the link: a hall that joins with history
	h.linkUp(t)
	h.serve(t, 30)
	h.waitPublished(t)
	evs := federationtest.CheckStream(t, h.link.Conn(), federation.EventsStream, h.id, h.seq())

	var sawHall, sawIssued bool
	for _, ev := range evs {
		if ev.Token != "" {
			t.Fatalf("event %d (%s) left the hall with its ticket token", ev.Seq, ev.Type)
		}
		if ev.Type == queue.EvIssued {
			sawIssued = true
		}
		if ev.Type == queue.EvHall {
			sawHall = true
			if bytes.Contains(ev.Hall, []byte("pin_hash")) || bytes.Contains(ev.Hall, []byte("$2a$")) {
				t.Fatalf("the hall event carries PIN hashes: %.200s", ev.Hall)
			}
			if !bytes.Contains(ev.Hall, []byte("王丽")) {
				t.Fatalf("the hall event lost the staff's names: %.200s", ev.Hall)
			}
		}
	}
	if !sawHall || !sawIssued {
		t.Fatalf("stream lacks the hall (%v) or issued (%v) events", sawHall, sawIssued)
	}

	// Events committed while the link is down go out after the restart,
	// and nothing already there is sent twice.
	h.link.Close()
	h.link = nil
	h.serve(t, 25)
	h.restart(t)
	h.serve(t, 5)
	h.waitPublished(t)
	federationtest.CheckStream(t, h.link.Conn(), federation.EventsStream, h.id, h.seq())
}

// A villager's phone number leaves the hall as its last four digits.
func TestRedactMasksPhonesAndTokens(t *testing.T) {
	ev := queue.Event{Seq: 3, Type: queue.EvBooked, Token: "SECRETTOKEN",
		Appt: &queue.Appointment{Code: "123456", Name: "王大爷", Phone: "13800001234"},
		Case: &queue.CaseFields{Name: "李四", Phone: "13912345678"}}
	data, err := federation.Redact(ev)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for _, secret := range []string{"SECRETTOKEN", "13800001234", "1391234"} {
		if strings.Contains(s, secret) {
			t.Errorf("redacted event still holds %q: %s", secret, s)
		}
	}
	for _, kept := range []string{`"phone":"*******1234"`, `"phone":"*******5678"`, "王大爷", "李四"} {
		if !strings.Contains(s, kept) {
			t.Errorf("redacted event lost %s: %s", kept, s)
		}
	}
	if ev.Appt.Phone != "13800001234" || ev.Token != "SECRETTOKEN" {
		t.Error("federation.Redact changed the event it was given")
	}
}

// With --county the hall's embedded server is a leaf of the hub: a
// county stream sourcing the hall's events across its domain gets them
// all, once and in order.
func TestLinkCountySourcesHallEvents(t *testing.T) {
	hub := federationtest.StartHub(t)
	h := newTestHall(t, "xizhen")
	h.county = []string{hub.LeafURL()}
	h.serve(t, 20)
	h.linkUp(t)
	nc := hub.Connect("", "")
	federationtest.CountyStream(t, nc, h.id)
	h.serve(t, 20)
	federationtest.WaitFor(t, time.Minute, func() string {
		if !h.link.Linked() {
			return "the hall's leaf link is not up"
		}
		return ""
	})
	federationtest.WaitCount(t, nc, federation.CountyStream, h.id, h.seq(), 3*time.Minute)
	federationtest.CheckStream(t, nc, federation.CountyStream, h.id, h.seq())
}

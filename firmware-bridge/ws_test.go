package bridge

import (
	"context"
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"github.com/yimen-hall/yimen/firmware-bridge/sim"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestWebsocketDevices runs a tablet rating pad and an ESP32 LED board
// (text-capable) over the websocket endpoint with the same messages.
func TestWebsocketDevices(t *testing.T) {
	eng := newFakeEngine("w2")
	reg := boltRegistry(t, t.TempDir())
	br, err := New(Options{Engine: eng, Registry: reg, Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpHandlerFunc(br.ServeWS))
	defer srv.Close()
	url := "ws" + strings.TrimPrefix(srv.URL, "http")
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	wg.Go(func() { br.Serve(ctx) })

	board := sim.NewDevice(proto.KindLEDBoard, 0xE5320000000000AA, 0, proto.CapText, 0, 0)
	tablet := sim.NewDevice(proto.KindRatingPad, 0xE5320000000000BB, 0, proto.CapText, 0, 0)
	for _, d := range []*sim.Device{board, tablet} {
		wg.Go(func() { sim.WS(ctx, url, d) })
	}
	br.Learn(time.Minute)
	eventually(t, "devices", func() bool { return len(br.Devices()) == 2 })
	for _, d := range []*sim.Device{board, tablet} {
		if err := br.Approve(d.HWID()); err != nil {
			t.Fatal(err)
		}
		if d.Secret() == nil {
			t.Fatal("an approved Wi-Fi device got no secret")
		}
		if err := br.Assign(d.HWID(), "w2"); err != nil {
			t.Fatal(err)
		}
	}
	showsText := func(d *sim.Device, text string) { t.Helper(); waitShowsText(t, d, text) }
	showsText(board, "未分配"[:0])
	eng.issue("B007")
	if err := eng.Act(ctx, Action{Key: proto.KeyNext, Window: "w2", Staff: "s-w2"}); err != nil {
		t.Fatal(err)
	}
	showsText(board, "请B007号办理")
	eng.Act(ctx, Action{Key: proto.KeyFinish, Window: "w2", Staff: "s-w2"})
	showsText(tablet, "请评价 B007")
	tablet.Rate(5, 0)
	eventually(t, "rating", func() bool { r := eng.ratings(); return len(r) == 1 && r[0] == "w2 5 " })
	showsText(tablet, "欢迎光临")

	// persisted: a new bridge on the same db knows both devices and windows
	br2, err := New(Options{Engine: eng, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range br2.Devices() {
		if d.Window != "w2" || d.State != StateApproved || d.Secret == nil {
			t.Errorf("reloaded %s: window %q, state %s, secret kept %v", d.HWID, d.Window, d.State, d.Secret != nil)
		}
	}
	if n := len(br2.Devices()); n != 2 {
		t.Errorf("reloaded %d devices, want 2", n)
	}
	if err := br2.Assign("ffffffffffffffff", "w1"); err == nil {
		t.Error("assigning an unknown device succeeded")
	}
}

type httpHandlerFunc func(w http.ResponseWriter, r *http.Request)

func (f httpHandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) { f(w, r) }

// waitShowsText waits until the last SHOW of d is SHOW_TEXT text.
func waitShowsText(t *testing.T, d *sim.Device, text string) {
	t.Helper()
	eventually(t, "text "+text, func() bool {
		s := d.Shown()
		if len(s) == 0 {
			return false
		}
		st, err := proto.ParseShowText(s[len(s)-1].Payload)
		return err == nil && s[len(s)-1].Type == proto.MsgShowText && st.Text == text
	})
}

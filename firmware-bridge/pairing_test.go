package bridge

import (
	"context"
	"errors"
	"fmt"
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"github.com/yimen-hall/yimen/firmware-bridge/sim"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// wsRig is a bridge serving /ws/device on a real HTTP server.
type wsRig struct {
	t      testing.TB
	eng    *fakeEngine
	br     *Bridge
	url    string
	alarms *alarms
	ctx    context.Context
	wg     *sync.WaitGroup
}

func newWSRig(t testing.TB, opts ...func(*Options)) *wsRig {
	r := &wsRig{t: t, eng: newFakeEngine("w1"), alarms: &alarms{}, wg: &sync.WaitGroup{}}
	o := Options{Engine: r.eng, Registry: NewMemRegistry(), Logger: testLogger(t), OnAlarm: r.alarms.add}
	for _, f := range opts {
		f(&o)
	}
	br, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	r.br = br
	srv := httptest.NewServer(httpHandlerFunc(br.ServeWS))
	r.url = "ws" + strings.TrimPrefix(srv.URL, "http")
	ctx, cancel := context.WithCancel(context.Background())
	r.ctx = ctx
	r.wg.Go(func() { br.Serve(ctx) })
	t.Cleanup(func() { cancel(); srv.CloseClientConnections(); srv.Close(); r.wg.Wait() })
	return r
}

// run plays d on the websocket until the test ends.
func (r *wsRig) run(d *sim.Device) {
	ctx, cancel := context.WithCancel(r.ctx)
	r.t.Cleanup(cancel)
	r.wg.Go(func() { sim.WS(ctx, r.url, d) })
}

// pair runs d, lets it propose itself in learn mode, approves and assigns it.
func (r *wsRig) pair(d *sim.Device, window string) {
	r.t.Helper()
	r.br.Learn(time.Minute)
	r.run(d)
	eventually(r.t, "proposal of "+d.HWID(), func() bool { return r.state(d.HWID()) == StatePending })
	if err := r.br.Approve(d.HWID()); err != nil {
		r.t.Fatal(err)
	}
	if err := r.br.Assign(d.HWID(), window); err != nil {
		r.t.Fatal(err)
	}
	r.br.Learn(0)
}

func (r *wsRig) state(hwid string) string {
	for _, d := range r.br.Devices() {
		if d.HWID == hwid {
			return d.State
		}
	}
	return ""
}

func (r *wsRig) info(hwid string) DeviceInfo {
	for _, d := range r.br.Devices() {
		if d.HWID == hwid {
			return d
		}
	}
	r.t.Fatalf("no device %s", hwid)
	return DeviceInfo{}
}

// dial opens a raw device connection.
func (r *wsRig) dial(h http.Header) (*websocket.Conn, error) {
	c, resp, err := websocket.DefaultDialer.Dial(r.url, h)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil && resp != nil {
		return nil, fmt.Errorf("%w: HTTP %d", err, resp.StatusCode)
	}
	return c, err
}

func sendFrame(t *testing.T, c *websocket.Conn, f proto.Frame) {
	t.Helper()
	raw, err := f.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WriteMessage(websocket.BinaryMessage, raw); err != nil {
		t.Fatal(err)
	}
}

// readFrame reads the host's next frame, or returns the connection's error.
func readFrame(c *websocket.Conn) (proto.Frame, error) {
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, msg, err := c.ReadMessage()
	if err != nil {
		return proto.Frame{}, err
	}
	return proto.Unmarshal(msg)
}

// A stranger replaying a paired call pad's hwid — with no secret, a wrong
// one, or the right one but as another kind — neither acts at the pad's
// window nor changes what the pad is; the real pad keeps working.
func TestWSImpersonationRefused(t *testing.T) {
	r := newWSRig(t)
	pad := sim.NewDevice(proto.KindCallPad, 0xE532000000000001, 0, proto.CapNumber, 0, 0)
	r.pair(pad, "w1")
	eventually(t, "the pad keeps its secret", func() bool { return pad.Secret() != nil })

	var hw uint64 = 0xE532000000000001
	impostors := map[string]*sim.Device{
		"no secret":    sim.NewDevice(proto.KindCallPad, hw, 0, proto.CapNumber, 0, 0),
		"wrong secret": sim.NewDevice(proto.KindCallPad, hw, 0, proto.CapNumber, 0, 0),
		"other kind":   sim.NewDevice(proto.KindRatingPad, hw, 0, 0, 0, 0),
	}
	impostors["wrong secret"].SetSecret([]byte("0123456789abcdef"))
	impostors["other kind"].SetSecret(pad.Secret()) // even the real secret does not change the kind
	for _, imp := range impostors {
		r.run(imp)
	}
	r.eng.issue("A001")
	// the real pad still acts; by then the impostors have tried many times
	pad.Press(proto.KeyNext, 0)
	eventually(t, "the real pad's 叫号", func() bool { return len(r.eng.actions()) == 1 })
	eventually(t, "impostors with a secret refused with NAK 5", func() bool {
		for _, name := range []string{"wrong secret", "other kind"} {
			if !slices.ContainsFunc(impostors[name].Naks(), func(n sim.Nak) bool { return n.Type == proto.MsgHello && n.Code == proto.NakUnpaired }) {
				return false
			}
		}
		return true
	})
	if a := r.eng.actions(); len(a) != 1 || a[0].Key != proto.KeyNext {
		t.Errorf("engine actions = %+v, want only the real pad's 叫号", a)
	}
	if got := r.eng.ratings(); len(got) != 0 {
		t.Errorf("an impostor rated: %v", got)
	}
	if in := r.info(pad.HWID()); in.Kind != proto.KindCallPad || in.Window != "w1" || in.ProposedKind != 0 {
		t.Errorf("the pad's record changed: %+v", in)
	}

	// with learn mode open, the same hwid as another kind is only a
	// proposal: the pad stays a pad until the manager approves the change
	r.br.Learn(time.Minute)
	eventually(t, "kind change proposed", func() bool { return r.info(pad.HWID()).ProposedKind == proto.KindRatingPad })
	if in := r.info(pad.HWID()); in.Kind != proto.KindCallPad || in.State != StateApproved {
		t.Errorf("a HELLO changed the kind without approval: %+v", in)
	}
	// and that stranger's proposal does not silence the real pad
	pad.Press(proto.KeyRecall, 0)
	eventually(t, "the real pad still acts", func() bool { return len(r.eng.actions()) == 2 })
}

// A device the manager has not approved gets nowhere outside learn mode:
// its HELLO is refused with NAK 5 and the connection closed; nothing is
// stored.
func TestWSUnpairedRefused(t *testing.T) {
	r := newWSRig(t)
	c, err := r.dial(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	h := proto.Hello{Kind: proto.KindCallPad, HWID: [8]byte{1, 2, 3, 4, 5, 6, 7, 8}}
	sendFrame(t, c, proto.Frame{Type: proto.MsgHello, Seq: 4, Payload: h.Marshal()})
	f, err := readFrame(c)
	if err != nil || f.Type != proto.MsgNak || f.Seq != 4 || len(f.Payload) != 1 || f.Payload[0] != proto.NakUnpaired {
		t.Fatalf("answer to an unpaired HELLO = %v %v, want NAK 5", f, err)
	}
	if _, err := readFrame(c); err == nil {
		t.Error("the connection stayed open")
	}
	if n := len(r.br.Devices()); n != 0 {
		t.Errorf("%d devices stored from a refused HELLO", n)
	}
}

// A message larger than any frame closes the connection (1009) before it
// is buffered; a page on another site cannot open a device link.
func TestWSOversizeAndOrigin(t *testing.T) {
	r := newWSRig(t)
	c, err := r.dial(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	big := make([]byte, 4<<20)
	c.WriteMessage(websocket.BinaryMessage, big) // the host may close mid-write
	_, err = readFrame(c)
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseMessageTooBig {
		t.Errorf("after a 4 MB message: %v, want close 1009", err)
	}

	if _, err := r.dial(http.Header{"Origin": {"http://evil.example"}}); err == nil || !strings.Contains(err.Error(), "403") {
		t.Errorf("cross-site Origin: %v, want 403", err)
	}
	same, err := r.dial(http.Header{"Origin": {"http://" + strings.TrimPrefix(r.url, "ws://")}})
	if err != nil {
		t.Errorf("same-origin page refused: %v", err)
	} else {
		same.Close()
	}
}

// 3,000 HELLOs with fake hwids during learn mode leave at most MaxPending
// proposals and one alarm that counts them; proposals expire; the
// rejected connections are closed. (RSS under 12,000: BenchmarkHelloFlood.)
func TestWSHelloFlood(t *testing.T) {
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	r := newWSRig(t, func(o *Options) { o.Now = clock })
	r.br.Learn(time.Hour)
	refused := helloFlood(t, r.url, 3000, 0)
	if refused < 3000-32 {
		t.Errorf("%d of 3000 fake HELLOs refused, want all but %d", refused, 32)
	}
	if n := len(r.br.Devices()); n != 32 {
		t.Errorf("%d devices held, want the cap of 32", n)
	}
	eventually(t, "one alarm counting the proposals", func() bool { return r.alarms.hasCount(AlarmPending, 32) })
	r.alarms.mu.Lock()
	for _, a := range r.alarms.l {
		if a.Code != AlarmPending || a.HWID != "" || strings.Contains(a.Message, "0000") {
			t.Errorf("alarm %+v: only the count of proposals, no device detail", a)
		}
	}
	r.alarms.mu.Unlock()
	mu.Lock()
	now = now.Add(16 * time.Minute)
	mu.Unlock()
	if n := len(r.br.Devices()); n != 0 {
		t.Errorf("%d proposals left after they expired", n)
	}
	eventually(t, "the alarm cleared", func() bool { return r.alarms.hasCount(AlarmPending, 0) })
}

// helloFlood opens n connections, each saying HELLO as a new fake device
// (hwids from base), and returns how many were refused with NAK 5.
func helloFlood(t testing.TB, url string, n int, base uint64) int {
	refused := 0
	var conns []*websocket.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range n {
		c, _, err := websocket.DefaultDialer.Dial(url, nil)
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		var h proto.Hello
		h.Kind = proto.KindCallPad
		id := base + uint64(i) + 1
		for k := range 8 {
			h.HWID[k] = byte(id >> (56 - 8*k))
		}
		raw, _ := proto.Frame{Type: proto.MsgHello, Payload: h.Marshal()}.Marshal()
		if err := c.WriteMessage(websocket.BinaryMessage, raw); err != nil {
			t.Fatal(err)
		}
		f, err := readFrame(c)
		if err == nil && f.Type == proto.MsgNak {
			refused++
			c.Close()
			continue
		}
		conns = append(conns, c) // a proposal's connection stays open
	}
	return refused
}

package bridge

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"github.com/yimen-hall/yimen/queue/bolt"
)

// slowDisk is a registry whose writes wait until the test opens the gate,
// as a dying disk's fsync does; it says which write waits.
type slowDisk struct {
	Registry
	writing chan string // the hwid of each write, as it starts
	gate    chan struct{}
}

func (s slowDisk) Save(d DeviceInfo) error {
	s.writing <- d.HWID
	<-s.gate
	return s.Registry.Save(d)
}

func (s slowDisk) Delete(hwid string) error {
	s.writing <- hwid
	<-s.gate
	return s.Registry.Delete(hwid)
}

const (
	padA = "00000000000000a1"
	padB = "00000000000000b2"
	padC = "00000000000000c3"
)

func approvedPads(reg Registry) {
	for i, id := range []string{padA, padB, padC} {
		reg.Save(DeviceInfo{HWID: id, State: StateApproved, No: i + 1, Kind: proto.KindCallPad, Window: "w1", Bus: "serial:/dev/ttyUSB0", Addr: uint8(i + 1)})
	}
}

func stored(t *testing.T, reg Registry) map[string]DeviceInfo {
	t.Helper()
	all, err := reg.Load()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]DeviceInfo{}
	for _, d := range all {
		out[d.HWID] = d
	}
	return out
}

// While the disk takes its time over one device's change, the bridge goes
// on: the manager's list answers and already shows the change, a device
// that says HELLO comes online, and the manager's other changes queue
// behind it. Once the disk is done, every change is stored, in the order
// made (a device assigned twice keeps the second window; one forgotten
// after it is gone).
func TestSlowDiskHoldsNoOneUp(t *testing.T) {
	mem := NewMemRegistry()
	approvedPads(mem)
	disk := slowDisk{Registry: mem, writing: make(chan string, 16), gate: make(chan struct{})}
	br, err := New(Options{Engine: newFakeEngine("w1", "w2", "w3"), Registry: disk, Logger: testLogger(t), Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	opened := false
	open := func() {
		if !opened {
			opened = true
			close(disk.gate)
		}
	}
	defer open()

	var acks sync.WaitGroup
	errs := make(chan error, 8)
	change := func(fn func() error) {
		acks.Go(func() { errs <- fn() })
	}
	change(func() error { return br.Assign(padA, "w2") })
	if id := <-disk.writing; id != padA {
		t.Fatalf("first write for %s, want %s", id, padA)
	}
	// The disk is stuck on pad A's record.
	listed := make(chan []DeviceInfo, 1)
	go func() { listed <- br.Devices() }()
	select {
	case devs := <-listed:
		for _, d := range devs {
			if d.HWID == padA && d.Window != "w2" {
				t.Errorf("the list shows pad A at %q, want w2 (as assigned)", d.Window)
			}
		}
	case <-time.After(patience):
		t.Fatal("the manager's device list waits for the disk")
	}
	var hwid [8]byte
	hex.Decode(hwid[:], []byte(padC))
	helloed := make(chan admission, 1)
	go func() {
		_, adm := br.onHello(proto.Hello{Kind: proto.KindCallPad, HWID: hwid, Firmware: [3]uint8{1, 2, 3}}, "serial:/dev/ttyUSB0", 3, false, nil)
		helloed <- adm
	}()
	select {
	case adm := <-helloed:
		if adm != admitApproved {
			t.Errorf("pad C's HELLO: %v, want approved", adm)
		}
	case <-time.After(patience):
		t.Fatal("a device's HELLO waits for the disk")
	}
	// Each change is made (shown) before the next, so that their order
	// is known.
	window := func(hwid string) string {
		for _, d := range br.Devices() {
			if d.HWID == hwid {
				return d.Window
			}
		}
		return "(none)"
	}
	change(func() error { return br.Assign(padB, "w3") })
	eventually(t, "pad B at w3", func() bool { return window(padB) == "w3" })
	change(func() error { return br.Assign(padB, "w2") })
	eventually(t, "pad B at w2", func() bool { return window(padB) == "w2" })
	change(func() error { return br.Forget(padA) })
	eventually(t, "pad A forgotten", func() bool { return window(padA) == "(none)" })
	select {
	case err := <-errs:
		t.Fatalf("a change was acknowledged before the disk stored it (%v)", err)
	default:
	}

	open()
	go func() {
		for range disk.writing { // the writes after the first
		}
	}()
	acks.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("change: %v", err)
		}
	}
	close(disk.writing)
	got := stored(t, mem)
	if _, ok := got[padA]; ok {
		t.Errorf("pad A is stored although it was forgotten after its assignment")
	}
	if got[padB].Window != "w2" {
		t.Errorf("pad B stored at %q, want w2 (its last assignment)", got[padB].Window)
	}
	if got[padC].Firmware != "1.2.3" {
		t.Errorf("pad C's HELLO stored firmware %q, want 1.2.3", got[padC].Firmware)
	}
}

// A change the manager was told is done is on disk: a copy of the file
// taken at that moment (the power cut right after) holds it.
func TestAcknowledgedChangeSurvivesCrash(t *testing.T) {
	dir := t.TempDir()
	reg := boltRegistry(t, dir)
	approvedPads(reg)
	br, err := New(Options{Engine: newFakeEngine("w1", "w2"), Registry: reg, Logger: testLogger(t), Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := br.Assign(padA, "w2"); err != nil {
		t.Fatal(err)
	}
	if err := br.Forget(padB); err != nil {
		t.Fatal(err)
	}
	// The power goes: what the file holds now is all there is.
	data, err := os.ReadFile(filepath.Join(dir, bolt.FileName))
	if err != nil {
		t.Fatal(err)
	}
	after := t.TempDir()
	if err := os.WriteFile(filepath.Join(after, bolt.FileName), data, 0o600); err != nil {
		t.Fatal(err)
	}
	got := stored(t, boltRegistry(t, after))
	if got[padA].Window != "w2" {
		t.Errorf("after the crash pad A is at %q, want w2 as acknowledged", got[padA].Window)
	}
	if _, ok := got[padB]; ok {
		t.Errorf("after the crash pad B is still paired, though its unpairing was acknowledged")
	}
}

// boltRegistry is the daemon's registry: the device bucket of the hall
// file in dir, closed when the test ends.
func boltRegistry(t *testing.T, dir string) Registry {
	t.Helper()
	store, err := bolt.Open(dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	recs, err := store.DeviceRecords()
	if err != nil {
		t.Fatal(err)
	}
	return NewRecordRegistry(recs)
}

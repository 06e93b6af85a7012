package bridge

import (
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"testing"
	"time"
)

// Records written before pairing existed: a device the manager had
// assigned to a window is kept as approved (numbered); any other was only
// a HELLO, and is deleted.
func TestRegistryMigration(t *testing.T) {
	reg := NewMemRegistry()
	reg.Save(DeviceInfo{HWID: "00000000000000aa", Kind: proto.KindCallPad, Window: "w1", Bus: "serial:/dev/ttyUSB1", Addr: 1})
	for _, id := range []string{"00000000000000bb", "00000000000000cc"} {
		reg.Save(DeviceInfo{HWID: id, Kind: proto.KindLEDBoard, Bus: "ws"})
	}
	br, err := New(Options{Engine: newFakeEngine("w1"), Registry: reg, Logger: testLogger(t), Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	devs := br.Devices()
	if len(devs) != 1 || devs[0].HWID != "00000000000000aa" || devs[0].State != StateApproved || devs[0].No != 1 {
		t.Fatalf("after migration: %+v", devs)
	}
	stored, _ := reg.Load()
	if len(stored) != 1 || stored[0].State != StateApproved {
		t.Errorf("stored after migration: %+v", stored)
	}
}

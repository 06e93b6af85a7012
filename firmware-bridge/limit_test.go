package bridge

import (
	"testing"
	"time"

	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"github.com/yimen-hall/yimen/firmware-bridge/sim"
)

// A 128×32 board whose HELLO says it takes 300-byte payloads would need a
// 516-byte bitmap: the host sends it the number instead (SHOW_NUMBER), and
// never a frame over its limit. One that says 600 gets the bitmap.
func TestBoardFrameLimit(t *testing.T) {
	r := newRig(t, pipeLink())
	small := sim.NewDevice(proto.KindLEDBoard, 0x594d000300000128, 9, proto.CapBitmap, 128, 32)
	big := sim.NewDevice(proto.KindLEDBoard, 0x594d000300000129, 10, proto.CapBitmap, 128, 32)
	big.SetMaxPayload(600)
	r.bus.Add(small)
	r.bus.Add(big)
	r.br.Learn(time.Minute)
	devs := []*sim.Device{r.pad, r.board, r.rater, small, big}
	for _, d := range devs {
		d.Reboot()
	}
	eventually(t, "five proposals", func() bool { return len(r.br.Devices()) == 5 })
	for _, d := range devs {
		if err := r.br.Approve(d.HWID()); err != nil {
			t.Fatal(err)
		}
		if err := r.br.Assign(d.HWID(), "w1"); err != nil {
			t.Fatal(err)
		}
	}
	r.eng.issue("A001")
	r.pad.Press(proto.KeyNext, 0)
	last := func(d *sim.Device) proto.Frame {
		s := d.Shown()
		if len(s) == 0 {
			return proto.Frame{}
		}
		return s[len(s)-1]
	}
	eventually(t, "the small board shows A001 as a number", func() bool {
		f := last(small)
		n, err := proto.ParseShowNumber(f.Payload)
		return f.Type == proto.MsgShowNumber && err == nil && n.Number == "A001"
	})
	eventually(t, "the big board gets the bitmap", func() bool {
		f := last(big)
		b, err := proto.ParseShowBitmap(f.Payload)
		return f.Type == proto.MsgShowBitmap && err == nil && b.Bitmap.W == 128 && b.Bitmap.H == 32
	})
	for _, f := range small.Shown() {
		if len(f.Payload) > proto.DefaultMaxPayload {
			t.Errorf("a %d-byte %s reached a board that takes %d", len(f.Payload), f.Type, proto.DefaultMaxPayload)
		}
	}
}

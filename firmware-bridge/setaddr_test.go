package bridge

import (
	"context"
	"net"
	"testing"

	"github.com/yimen-hall/yimen/firmware-bridge/proto"
)

// A SET_ADDR whose ACK is lost is sent again, byte for byte (same seq),
// until the device acknowledges from its new address (PROTOCOL.md §2).
func TestSetAddrRetried(t *testing.T) {
	br, err := New(Options{Engine: newFakeEngine("w1"), Registry: NewMemRegistry(), Logger: testLogger(t), ResponseTimeout: testResponseTimeout})
	if err != nil {
		t.Fatal(err)
	}
	host, device := net.Pipe()
	m := newMaster(context.Background(), host, &busLoop{name: "fake"}, testResponseTimeout)
	defer m.close()
	got := make(chan proto.Frame, 4)
	go func() {
		var fr proto.FrameReader
		buf := make([]byte, 256)
		for n := 0; ; {
			k, err := device.Read(buf)
			if err != nil {
				return
			}
			fr.Feed(buf[:k], func(f proto.Frame) {
				f.Payload = append([]byte(nil), f.Payload...)
				got <- f
				if n++; n == 2 { // the first ACK was lost on the line
					s, _ := proto.ParseSetAddr(f.Payload)
					ack, _ := proto.Frame{Dst: proto.AddrHost, Src: s.Addr, Seq: f.Seq, Type: proto.MsgAck}.Encode()
					go device.Write(ack)
				}
			})
		}
	}()
	hw := [8]byte{1, 2, 3, 4, 5, 6, 7, 8}
	ok, err := br.setAddr(m, proto.AddrUnprovisioned, hw, 0x42)
	if err != nil || !ok {
		t.Fatalf("setAddr = %v, %v; want acknowledged on the retry", ok, err)
	}
	first, second := <-got, <-got
	if first.Type != proto.MsgSetAddr || second.Type != proto.MsgSetAddr || first.Seq != second.Seq || string(first.Payload) != string(second.Payload) {
		t.Errorf("frames %v %x / %v %x: want the same SET_ADDR twice", first, first.Payload, second, second.Payload)
	}
	device.Close()
}

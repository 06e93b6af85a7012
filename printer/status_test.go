package printer

import (
	"testing"

	"github.com/yimen-hall/yimen/printer/escposemu"
)

func TestFromEOT(t *testing.T) {
	for _, tc := range []struct {
		r    [4]byte
		want State
	}{
		{[4]byte{0x12, 0x12, 0x12, 0x12}, StateOK},
		{[4]byte{0x1A, 0x32, 0x12, 0x7E}, StatePaperEnd}, // Epson's example
		{[4]byte{0x1A, 0x16, 0x12, 0x12}, StateCoverOpen},
		{[4]byte{0x1A, 0x52, 0x1A, 0x12}, StateCutterError},
		{[4]byte{0x12, 0x12, 0x12, 0x1E}, StateNearEnd},
		{[4]byte{0x1A, 0x12, 0x12, 0x12}, StateOffline},
		{[4]byte{0x1A, 0x52, 0x52, 0x12}, StateOffline}, // auto-recoverable
	} {
		if got, _ := fromEOT(tc.r); got != tc.want {
			t.Errorf("fromEOT(% X) = %s, want %s", tc.r, got, tc.want)
		}
	}
	// The fake's replies agree with the classifier.
	for _, tc := range []struct {
		s    escposemu.State
		want State
	}{
		{escposemu.State{}, StateOK},
		{escposemu.State{PaperEnd: true}, StatePaperEnd},
		{escposemu.State{CoverOpen: true}, StateCoverOpen},
		{escposemu.State{NearEnd: true}, StateNearEnd},
		{escposemu.State{CutterError: true}, StateCutterError},
		{escposemu.State{Offline: true}, StateOffline},
	} {
		var r [4]byte
		for i := range r {
			r[i] = tc.s.Reply(byte(i + 1))
			if r[i]&0x93 != 0x12 {
				t.Errorf("fake reply %#02x breaks the DLE EOT pattern", r[i])
			}
		}
		if got, _ := fromEOT(r); got != tc.want {
			t.Errorf("%+v classified %s, want %s", tc.s, got, tc.want)
		}
	}
}

func TestClassifier(t *testing.T) {
	var c classifier
	in := []byte{
		0x12,       // DLE EOT reply
		0x11, 0x13, // XON, XOFF
		0x10, 0x00, 0x13, 0x0C, 0x00, // ASB with an XOFF inside: paper end
		0x0F,       // GS r reply
		0xFF, 0x80, // noise
		0x7E, // DLE EOT reply, all faults
	}
	var got []eventKind
	var asb [4]byte
	for _, b := range in {
		ev := c.feed(b)
		if ev.kind != evNone {
			got = append(got, ev.kind)
		}
		if ev.kind == evASB {
			asb = ev.asb
		}
	}
	want := []eventKind{evEOT, evXON, evXOFF, evXOFF, evASB, evGSr, evGarbage, evGarbage, evEOT}
	if len(got) != len(want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("events %v, want %v", got, want)
		}
	}
	if s, _ := fromASB(asb); s != StatePaperEnd {
		t.Errorf("ASB % X classified %s", asb, s)
	}
}

// FuzzClassify: any byte stream classifies without panic, every EOT event
// carries a byte of the fixed pattern, and ASB blocks start with one.
func FuzzClassify(f *testing.F) {
	f.Add([]byte{0x12, 0x12, 0x12, 0x12})
	f.Add([]byte{0x10, 0x00, 0x0C, 0x00, 0x11, 0x13})
	f.Add([]byte{0x1A, 0x32, 0x7E, 0xFF, 0x00})
	f.Add([]byte{0x10, 0x13, 0x13, 0x10, 0x11})
	f.Fuzz(func(t *testing.T, p []byte) {
		var c classifier
		events := 0
		for _, b := range p {
			ev := c.feed(b)
			switch ev.kind {
			case evEOT:
				if ev.b&0x93 != 0x12 {
					t.Fatalf("%#02x classified as DLE EOT reply", ev.b)
				}
				fromEOT([4]byte{ev.b, ev.b, ev.b, ev.b})
			case evASB:
				if ev.asb[0]&0x93 != 0x10 {
					t.Fatalf("ASB block % X", ev.asb)
				}
				fromASB(ev.asb)
			}
			if ev.kind != evNone {
				events++
			}
		}
		if events > len(p) {
			t.Fatalf("%d events from %d bytes", events, len(p))
		}
	})
}

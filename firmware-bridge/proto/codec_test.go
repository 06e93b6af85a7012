package proto

import (
	"bytes"
	"testing"
)

func TestFrameReaderNoise(t *testing.T) {
	a, _ := Frame{Dst: 5, Seq: 1, Type: MsgPoll}.Encode()
	b, _ := Frame{Dst: 0, Src: 5, Seq: 7, Type: MsgKey, Payload: Key{Code: KeyNext}.Marshal()}.Encode()
	var stream []byte
	stream = append(stream, 0x13, 0xff, 0x42) // line noise with no delimiter
	stream = append(stream, a[:4]...)         // truncated frame, runs into noise
	stream = append(stream, 0x00, 0x00, 0x00) // idle zeros
	stream = append(stream, a...)
	stream = append(stream, 0x7f, 0x01, 0x00) // garbage frame
	stream = append(stream, b...)
	var r FrameReader
	var got []Frame
	// feed one byte at a time to exercise partial reads
	for i := range stream {
		r.Feed(stream[i:i+1], func(f Frame) { f.Payload = bytes.Clone(f.Payload); got = append(got, f) })
	}
	if len(got) != 2 || got[0].Type != MsgPoll || got[1].Type != MsgKey {
		t.Fatalf("frames = %v", got)
	}
	if r.Dropped != 2 {
		t.Errorf("dropped = %d, want 2", r.Dropped)
	}
}

func TestFrameReaderOverflow(t *testing.T) {
	var r FrameReader
	junk := bytes.Repeat([]byte{0x55}, 5000)
	good, _ := Frame{Dst: 1, Type: MsgPoll}.Encode()
	n := 0
	r.Feed(append(append(junk, 0), good...), func(Frame) { n++ })
	if n != 1 || r.Dropped != 1 {
		t.Fatalf("n=%d dropped=%d", n, r.Dropped)
	}
}

func FuzzDecode(f *testing.F) {
	for _, v := range vectorTable() {
		w, _ := v.f.Encode()
		f.Add(w)
	}
	f.Add([]byte{0, 0, 1})
	f.Fuzz(func(t *testing.T, wire []byte) {
		fr, err := Decode(wire)
		if err != nil {
			return
		}
		re, err := fr.Encode()
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		fr2, err := Decode(re)
		if err != nil || fr2.String() != fr.String() || !bytes.Equal(fr2.Payload, fr.Payload) {
			t.Fatalf("round trip %v -> %v (%v)", fr, fr2, err)
		}
		var r FrameReader
		r.Feed(wire, func(Frame) {})
		// payload parsers must not panic on anything
		ParseHello(fr.Payload)
		ParseKey(fr.Payload)
		ParseRating(fr.Payload)
		ParseSignIn(fr.Payload)
		ParseShowNumber(fr.Payload)
		ParseShowText(fr.Payload)
		ParseShowBitmap(fr.Payload)
		ParseSetAddr(fr.Payload)
	})
}

package proto

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Version is the protocol version carried in every frame.
const Version = 1

// Bus addresses.
const (
	AddrHost          = 0x00 // the daemon (bus master)
	AddrFirst         = 0x01 // first device address
	AddrLast          = 0xF6 // last assignable device address
	AddrUnprovisioned = 0xF7 // factory default of a device without an address
	AddrBroadcast     = 0xFF // every device; never answered
)

// Frame size limits.
const (
	headerLen  = 7 // ver dst src seq type len(2)
	crcLen     = 2
	MinFrame   = headerLen + crcLen
	MaxPayload = 1024
	MaxFrame   = MinFrame + MaxPayload
)

// Decode errors. Each is wrapped by Unmarshal so callers can count by cause.
var (
	ErrShort    = errors.New("bridge: frame too short")
	ErrCRC      = errors.New("bridge: crc mismatch")
	ErrLength   = errors.New("bridge: length field does not match frame")
	ErrVersion  = errors.New("bridge: unsupported protocol version")
	ErrCOBS     = errors.New("bridge: bad cobs encoding")
	ErrTooLarge = errors.New("bridge: frame too large")
)

// Frame is one decoded protocol message.
type Frame struct {
	Ver     uint8
	Dst     uint8
	Src     uint8
	Seq     uint8
	Type    MsgType
	Payload []byte
}

func (f Frame) String() string {
	return fmt.Sprintf("v%d %02x→%02x seq=%d %s len=%d", f.Ver, f.Src, f.Dst, f.Seq, f.Type, len(f.Payload))
}

// CRC16 computes CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection,
// no final xor). The check value of "123456789" is 0x29B1.
func CRC16(data []byte) uint16 {
	crc := uint16(0xFFFF)
	for _, b := range data {
		crc ^= uint16(b) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}

// Marshal returns the unframed bytes ver..crc (what a websocket binary
// message carries). The CRC is sent high byte first.
func (f Frame) Marshal() ([]byte, error) {
	if len(f.Payload) > MaxPayload {
		return nil, fmt.Errorf("bridge: marshal %s: %w", f.Type, ErrTooLarge)
	}
	ver := f.Ver
	if ver == 0 {
		ver = Version
	}
	b := make([]byte, headerLen, headerLen+len(f.Payload)+crcLen)
	b[0], b[1], b[2], b[3], b[4] = ver, f.Dst, f.Src, f.Seq, uint8(f.Type)
	binary.LittleEndian.PutUint16(b[5:], uint16(len(f.Payload)))
	b = append(b, f.Payload...)
	return binary.BigEndian.AppendUint16(b, CRC16(b)), nil
}

// Unmarshal parses unframed bytes ver..crc. The payload aliases b.
func Unmarshal(b []byte) (Frame, error) {
	if len(b) < MinFrame {
		return Frame{}, ErrShort
	}
	if len(b) > MaxFrame {
		return Frame{}, ErrTooLarge
	}
	n := len(b) - crcLen
	if CRC16(b[:n]) != binary.BigEndian.Uint16(b[n:]) {
		return Frame{}, ErrCRC
	}
	if int(binary.LittleEndian.Uint16(b[5:])) != n-headerLen {
		return Frame{}, ErrLength
	}
	if b[0] != Version {
		return Frame{}, ErrVersion
	}
	return Frame{Ver: b[0], Dst: b[1], Src: b[2], Seq: b[3], Type: MsgType(b[4]), Payload: b[headerLen:n]}, nil
}

// Encode returns the frame as it goes on a serial line: COBS-encoded and
// terminated by a single 0x00. A leading 0x00 is not added; receivers treat
// any run of zeros as delimiters.
func (f Frame) Encode() ([]byte, error) {
	raw, err := f.Marshal()
	if err != nil {
		return nil, err
	}
	return append(COBSEncode(nil, raw), 0), nil
}

// Decode parses one serial frame, with or without its trailing 0x00.
func Decode(wire []byte) (Frame, error) {
	if n := len(wire); n > 0 && wire[n-1] == 0 {
		wire = wire[:n-1]
	}
	raw, err := COBSDecode(nil, wire)
	if err != nil {
		return Frame{}, err
	}
	return Unmarshal(raw)
}

// COBSEncode appends the COBS encoding of src (no delimiter) to dst.
func COBSEncode(dst, src []byte) []byte {
	codeAt := len(dst)
	dst = append(dst, 0)
	code := byte(1)
	for i, b := range src {
		if b == 0 {
			dst[codeAt] = code
			codeAt = len(dst)
			dst = append(dst, 0)
			code = 1
			continue
		}
		dst = append(dst, b)
		code++
		if code == 0xFF && i+1 < len(src) {
			dst[codeAt] = code
			codeAt = len(dst)
			dst = append(dst, 0)
			code = 1
		}
	}
	dst[codeAt] = code
	return dst
}

// COBSDecode appends the decoding of src (no delimiter) to dst.
func COBSDecode(dst, src []byte) ([]byte, error) {
	for i := 0; i < len(src); {
		code := src[i]
		if code == 0 {
			return nil, ErrCOBS
		}
		i++
		end := i + int(code) - 1
		if end > len(src) {
			return nil, ErrCOBS
		}
		for _, b := range src[i:end] {
			if b == 0 {
				return nil, ErrCOBS
			}
		}
		dst = append(dst, src[i:end]...)
		i = end
		if code != 0xFF && i < len(src) {
			dst = append(dst, 0)
		}
	}
	return dst, nil
}

// FrameReader splits a serial byte stream on 0x00 delimiters and decodes
// each frame. Garbage between delimiters is dropped and counted; it never
// costs the next good frame.
type FrameReader struct {
	buf      []byte
	overflow bool
	// Dropped counts frames rejected (bad COBS, CRC, length, version, size).
	Dropped uint64
	// LastErr is the cause of the last drop.
	LastErr error
}

// Feed consumes bytes and calls fn for each good frame. The frame's payload
// is only valid during fn.
func (r *FrameReader) Feed(p []byte, fn func(Frame)) {
	for len(p) > 0 {
		i := indexZero(p)
		if i < 0 {
			r.appendBuf(p)
			return
		}
		r.appendBuf(p[:i])
		p = p[i+1:]
		if r.overflow {
			r.drop(ErrTooLarge)
		} else if len(r.buf) > 0 {
			f, err := Decode(r.buf)
			if err != nil {
				r.drop(err)
			} else {
				fn(f)
			}
		}
		r.buf = r.buf[:0]
		r.overflow = false
	}
}

func (r *FrameReader) drop(err error) {
	r.Dropped++
	r.LastErr = err
}

func (r *FrameReader) appendBuf(p []byte) {
	if r.overflow {
		return
	}
	// COBS adds one byte per 254 plus one.
	if len(r.buf)+len(p) > MaxFrame+MaxFrame/254+2 {
		r.overflow = true
		r.buf = r.buf[:0]
		return
	}
	r.buf = append(r.buf, p...)
}

func indexZero(p []byte) int {
	for i, b := range p {
		if b == 0 {
			return i
		}
	}
	return -1
}

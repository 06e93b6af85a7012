package proto

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// MsgType is the type byte of a frame.
type MsgType uint8

// Message types. See PROTOCOL.md for payload layouts.
const (
	MsgHello      MsgType = 0x01 // device → host: kind, hardware id, firmware, display size
	MsgHeartbeat  MsgType = 0x02 // device → host: alive, nothing queued
	MsgPoll       MsgType = 0x03 // host → device: send your oldest queued message; payload [ack seq]
	MsgPollAny    MsgType = 0x04 // host → broadcast: devices in [lo,hi] with a queued event answer
	MsgAck        MsgType = 0x05 // either way: seq = acknowledged seq
	MsgNak        MsgType = 0x06 // either way: seq = refused seq; payload [code]
	MsgChallenge  MsgType = 0x07 // host → Wi-Fi device: prove the pairing secret; payload nonce[16]
	MsgAuth       MsgType = 0x08 // Wi-Fi device → host: seq = challenge seq; payload mac[16]
	MsgKey        MsgType = 0x10 // device → host: key code, argument, flags
	MsgRating     MsgType = 0x11 // device → host: score 1–5, reason index
	MsgSignIn     MsgType = 0x12 // device → host: staff id + PIN typed on the pad
	MsgShowNumber MsgType = 0x20 // host → device: number + queue length
	MsgShowText   MsgType = 0x21 // host → device: UTF-8 text
	MsgShowBitmap MsgType = 0x22 // host → device: 1-bpp bitmap
	MsgSetAddr    MsgType = 0x30 // host → device: hardware id + new bus address
	MsgPair       MsgType = 0x31 // host → Wi-Fi device: hardware id + the pairing secret to keep
)

func (t MsgType) String() string {
	switch t {
	case MsgHello:
		return "HELLO"
	case MsgHeartbeat:
		return "HEARTBEAT"
	case MsgPoll:
		return "POLL"
	case MsgPollAny:
		return "POLL_ANY"
	case MsgAck:
		return "ACK"
	case MsgNak:
		return "NAK"
	case MsgKey:
		return "KEY"
	case MsgRating:
		return "RATING"
	case MsgSignIn:
		return "SIGN_IN"
	case MsgShowNumber:
		return "SHOW_NUMBER"
	case MsgShowText:
		return "SHOW_TEXT"
	case MsgShowBitmap:
		return "SHOW_BITMAP"
	case MsgSetAddr:
		return "SET_ADDR"
	case MsgChallenge:
		return "CHALLENGE"
	case MsgAuth:
		return "AUTH"
	case MsgPair:
		return "PAIR"
	}
	return fmt.Sprintf("0x%02x", uint8(t))
}

// NAK codes.
const (
	NakUnsupported = 0x01 // unknown type
	NakBadPayload  = 0x02 // payload too short or malformed
	NakBusy        = 0x03 // try again later
	NakRefused     = 0x04 // understood but refused (unassigned device, engine said no)
	NakUnpaired    = 0x05 // the device is not approved, or failed to prove its pairing secret
)

// Kind is a device class.
type Kind uint8

// Device kinds.
const (
	KindCallPad   Kind = 1 // 呼叫器
	KindRatingPad Kind = 2 // 评价器
	KindLEDBoard  Kind = 3 // 窗口屏
)

func (k Kind) String() string {
	switch k {
	case KindCallPad:
		return "call_pad"
	case KindRatingPad:
		return "rating_pad"
	case KindLEDBoard:
		return "led_board"
	}
	return fmt.Sprintf("kind_%d", uint8(k))
}

// Label is the Chinese name of the kind.
func (k Kind) Label() string {
	switch k {
	case KindCallPad:
		return "呼叫器"
	case KindRatingPad:
		return "评价器"
	case KindLEDBoard:
		return "窗口屏"
	}
	return "未知设备"
}

// Capability bits in HELLO.
const (
	CapText   = 0x01 // renders UTF-8 text itself (SHOW_TEXT)
	CapBitmap = 0x02 // blits SHOW_BITMAP
	CapNumber = 0x04 // shows SHOW_NUMBER on a small display (call pads)
)

// Hello is the payload of MsgHello (18 bytes; firmware before the
// MaxPayload field sent 16).
type Hello struct {
	Kind     Kind
	HWID     [8]byte
	Firmware [3]uint8
	Caps     uint8
	Width    uint16 // display pixels, 0 if none
	Height   uint8
	// MaxPayload is the largest payload the device accepts; 0 (or a
	// 16-byte HELLO) means DefaultMaxPayload.
	MaxPayload uint16
}

// DefaultMaxPayload is the payload limit of a device that does not say.
const DefaultMaxPayload = 300

// PayloadLimit is the largest payload the host may send to the device.
func (h Hello) PayloadLimit() int {
	if h.MaxPayload == 0 {
		return DefaultMaxPayload
	}
	return min(int(h.MaxPayload), MaxPayload)
}

// ID is the hardware id as 16 lowercase hex digits.
func (h Hello) ID() string { return hex.EncodeToString(h.HWID[:]) }

// FirmwareString formats the firmware version as "a.b.c".
func (h Hello) FirmwareString() string {
	return fmt.Sprintf("%d.%d.%d", h.Firmware[0], h.Firmware[1], h.Firmware[2])
}

const (
	helloLen   = 16 // the fields every firmware sends
	helloLenV2 = 18 // with MaxPayload
)

// Marshal encodes the payload.
func (h Hello) Marshal() []byte {
	b := make([]byte, 0, helloLenV2)
	b = append(b, uint8(h.Kind))
	b = append(b, h.HWID[:]...)
	b = append(b, h.Firmware[:]...)
	b = append(b, h.Caps)
	b = binary.LittleEndian.AppendUint16(b, h.Width)
	b = append(b, h.Height)
	return binary.LittleEndian.AppendUint16(b, h.MaxPayload)
}

// ParseHello decodes a MsgHello payload. Longer payloads are accepted
// (fields added by later firmware are ignored).
func ParseHello(p []byte) (Hello, error) {
	if len(p) < helloLen {
		return Hello{}, fmt.Errorf("bridge: hello: %d bytes: %w", len(p), ErrShort)
	}
	var h Hello
	h.Kind = Kind(p[0])
	copy(h.HWID[:], p[1:9])
	copy(h.Firmware[:], p[9:12])
	h.Caps = p[12]
	h.Width = binary.LittleEndian.Uint16(p[13:])
	h.Height = p[15]
	if len(p) >= helloLenV2 {
		h.MaxPayload = binary.LittleEndian.Uint16(p[16:])
	}
	return h, nil
}

// KeyCode is a call pad key.
type KeyCode uint8

// Call pad keys (呼叫器).
const (
	KeyNext     KeyCode = 0x01 // 叫号
	KeyRecall   KeyCode = 0x02 // 重呼
	KeyNoShow   KeyCode = 0x03 // 过号
	KeyTransfer KeyCode = 0x04 // 转办; Arg = category index (1-based)
	KeyPause    KeyCode = 0x05 // 暂停; Arg = reason index (0 = none)
	KeyResume   KeyCode = 0x06 // 恢复
	KeyFinish   KeyCode = 0x07 // 办结; Arg = outcome 0 即办 1 承诺 2 咨询
	KeyStart    KeyCode = 0x08 // 开始办理 (optional key)
	KeySignOut  KeyCode = 0x09 // 签退 (drop a pad sign-in)
	KeyHold     KeyCode = 0x0A // 挂起: park the current ticket, call the next
	KeyRequeue  KeyCode = 0x0B // 过号重排 of the window's last no-show
	KeyCallBack KeyCode = 0x0C // 叫回 a parked ticket; Arg = its number's last two digits (100: 00; 0: the first parked)
)

func (k KeyCode) String() string {
	switch k {
	case KeyNext:
		return "叫号"
	case KeyRecall:
		return "重呼"
	case KeyNoShow:
		return "过号"
	case KeyTransfer:
		return "转办"
	case KeyPause:
		return "暂停"
	case KeyResume:
		return "恢复"
	case KeyFinish:
		return "办结"
	case KeyStart:
		return "开始办理"
	case KeySignOut:
		return "签退"
	case KeyHold:
		return "挂起"
	case KeyRequeue:
		return "过号重排"
	case KeyCallBack:
		return "叫回"
	}
	return fmt.Sprintf("键0x%02x", uint8(k))
}

// Key is the payload of MsgKey (3 bytes).
type Key struct {
	Code  KeyCode
	Arg   uint8
	Flags uint8 // bit 0: long press
}

// Marshal encodes the payload.
func (k Key) Marshal() []byte { return []byte{uint8(k.Code), k.Arg, k.Flags} }

// ParseKey decodes a MsgKey payload.
func ParseKey(p []byte) (Key, error) {
	if len(p) < 3 {
		return Key{}, fmt.Errorf("bridge: key: %d bytes: %w", len(p), ErrShort)
	}
	return Key{Code: KeyCode(p[0]), Arg: p[1], Flags: p[2]}, nil
}

// Rating is the payload of MsgRating (2 bytes). Score 5 = 非常满意 …
// 1 = 非常不满意. Reason is 0 or a 1-based index into the reason list.
type Rating struct {
	Score  uint8
	Reason uint8
}

// Marshal encodes the payload.
func (r Rating) Marshal() []byte { return []byte{r.Score, r.Reason} }

// ParseRating decodes a MsgRating payload.
func ParseRating(p []byte) (Rating, error) {
	if len(p) < 2 {
		return Rating{}, fmt.Errorf("bridge: rating: %d bytes: %w", len(p), ErrShort)
	}
	r := Rating{Score: p[0], Reason: p[1]}
	if r.Score < 1 || r.Score > 5 {
		return Rating{}, fmt.Errorf("bridge: rating score %d out of 1..5: %w", r.Score, ErrBadPayload)
	}
	return r, nil
}

// ErrBadPayload reports a malformed payload.
var ErrBadPayload = fmt.Errorf("bridge: bad payload")

// SignIn is the payload of MsgSignIn: staff id and PIN as length-prefixed
// ASCII strings.
type SignIn struct {
	Staff string
	PIN   string
}

// Marshal encodes the payload.
func (s SignIn) Marshal() []byte {
	b := append([]byte{uint8(len(s.Staff))}, s.Staff...)
	b = append(b, uint8(len(s.PIN)))
	return append(b, s.PIN...)
}

// ParseSignIn decodes a MsgSignIn payload.
func ParseSignIn(p []byte) (SignIn, error) {
	str := func() (string, bool) {
		if len(p) < 1 || len(p) < 1+int(p[0]) {
			return "", false
		}
		s := string(p[1 : 1+p[0]])
		p = p[1+p[0]:]
		return s, true
	}
	staff, ok1 := str()
	pin, ok2 := str()
	if !ok1 || !ok2 {
		return SignIn{}, fmt.Errorf("bridge: sign-in: %w", ErrBadPayload)
	}
	return SignIn{Staff: staff, PIN: pin}, nil
}

// Show flags.
const (
	ShowBlink  = 0x01 // blink for a few seconds (a fresh call)
	ShowPaused = 0x02 // SHOW_NUMBER: the window is paused or nobody is signed in
)

// NoWaiting in ShowNumber.Waiting hides the queue length.
const NoWaiting = 0xFFFF

// ShowNumber is the payload of MsgShowNumber: flags, waiting (u16 LE),
// number length, number in ASCII. An empty number means idle.
type ShowNumber struct {
	Flags   uint8
	Waiting uint16
	Number  string
}

// Marshal encodes the payload.
func (s ShowNumber) Marshal() []byte {
	b := []byte{s.Flags}
	b = binary.LittleEndian.AppendUint16(b, s.Waiting)
	b = append(b, uint8(len(s.Number)))
	return append(b, s.Number...)
}

// ParseShowNumber decodes a MsgShowNumber payload.
func ParseShowNumber(p []byte) (ShowNumber, error) {
	if len(p) < 4 || len(p) < 4+int(p[3]) {
		return ShowNumber{}, fmt.Errorf("bridge: show-number: %w", ErrBadPayload)
	}
	return ShowNumber{Flags: p[0], Waiting: binary.LittleEndian.Uint16(p[1:]), Number: string(p[4 : 4+p[3]])}, nil
}

// ShowText is the payload of MsgShowText: flags then UTF-8 text to the end.
type ShowText struct {
	Flags uint8
	Text  string
}

// Marshal encodes the payload.
func (s ShowText) Marshal() []byte { return append([]byte{s.Flags}, s.Text...) }

// ParseShowText decodes a MsgShowText payload.
func ParseShowText(p []byte) (ShowText, error) {
	if len(p) < 1 {
		return ShowText{}, fmt.Errorf("bridge: show-text: %w", ErrBadPayload)
	}
	return ShowText{Flags: p[0], Text: string(p[1:])}, nil
}

// ShowBitmap is the payload of MsgShowBitmap: flags, width (u16 LE), height,
// then rows top to bottom, each ceil(width/8) bytes, MSB = leftmost pixel,
// 1 = lit.
type ShowBitmap struct {
	Flags  uint8
	Bitmap *Bitmap
}

// Marshal encodes the payload.
func (s ShowBitmap) Marshal() []byte {
	b := []byte{s.Flags}
	b = binary.LittleEndian.AppendUint16(b, uint16(s.Bitmap.W))
	b = append(b, uint8(s.Bitmap.H))
	return append(b, s.Bitmap.Pix...)
}

// ParseShowBitmap decodes a MsgShowBitmap payload.
func ParseShowBitmap(p []byte) (ShowBitmap, error) {
	if len(p) < 4 {
		return ShowBitmap{}, fmt.Errorf("bridge: show-bitmap: %w", ErrBadPayload)
	}
	w, h := int(binary.LittleEndian.Uint16(p[1:])), int(p[3])
	if len(p)-4 != (w+7)/8*h {
		return ShowBitmap{}, fmt.Errorf("bridge: show-bitmap %dx%d with %d bytes: %w", w, h, len(p)-4, ErrBadPayload)
	}
	return ShowBitmap{Flags: p[0], Bitmap: &Bitmap{W: w, H: h, Pix: append([]byte(nil), p[4:]...)}}, nil
}

// SetAddr is the payload of MsgSetAddr: hardware id then the new address.
type SetAddr struct {
	HWID [8]byte
	Addr uint8
}

// Marshal encodes the payload.
func (s SetAddr) Marshal() []byte { return append(append([]byte(nil), s.HWID[:]...), s.Addr) }

// ParseSetAddr decodes a MsgSetAddr payload.
func ParseSetAddr(p []byte) (SetAddr, error) {
	if len(p) < 9 {
		return SetAddr{}, fmt.Errorf("bridge: set-addr: %w", ErrBadPayload)
	}
	var s SetAddr
	copy(s.HWID[:], p)
	s.Addr = p[8]
	return s, nil
}

// PollAny is the payload of MsgPollAny: the inclusive address range asked.
type PollAny struct{ Lo, Hi uint8 }

// Marshal encodes the payload.
func (p PollAny) Marshal() []byte { return []byte{p.Lo, p.Hi} }

// PollAck is the payload of a POLL that acknowledges the device's event
// with seq Seq. Nak 0 accepts it; any other value is the NAK code the host
// refused it with (a bus has no NAK frame of its own towards a device's
// event: the verdict rides on the acknowledging POLL). A one-byte payload
// (older hosts) means accepted.
type PollAck struct {
	Seq uint8
	Nak uint8
}

// Marshal encodes the payload; an accepted event takes one byte.
func (p PollAck) Marshal() []byte {
	if p.Nak == 0 {
		return []byte{p.Seq}
	}
	return []byte{p.Seq, p.Nak}
}

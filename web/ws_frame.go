package web

import "encoding/binary"

// frame is a message as the bytes of one unmasked, uncompressed websocket
// text frame (RFC 6455 §5.2), the same for every screen: made once per
// message (display.Frame.Wire) and written as it is.
func frame(data []byte) any {
	n := len(data)
	b := make([]byte, 0, 10+n)
	b = append(b, 0x81) // FIN, text
	switch {
	case n < 126:
		b = append(b, byte(n))
	case n <= 0xFFFF:
		b = append(b, 126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, 127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return append(b, data...)
}

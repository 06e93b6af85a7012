package proto

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
)

// Pairing secrets and the challenge a Wi-Fi device answers on every
// connection (PROTOCOL.md §6).
const (
	SecretLen = 16
	NonceLen  = 16
	MACLen    = 16
)

// authLabel separates this MAC from any other use of the secret.
const authLabel = "YIMEN-AUTH-1"

// AuthMAC is the proof a device sends in AUTH: the first 16 bytes of
// HMAC-SHA256(secret, "YIMEN-AUTH-1" ‖ nonce ‖ hello), where hello is the
// HELLO payload the device sent on this connection. Binding the HELLO means
// a device cannot claim another kind or hwid under a valid proof.
func AuthMAC(secret, nonce, hello []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(authLabel))
	m.Write(nonce)
	m.Write(hello)
	return m.Sum(nil)[:MACLen]
}

// Pair is the payload of MsgPair: the device's hwid (it ignores a PAIR for
// another) and the secret it must keep (EEPROM/NVS) and prove from then on.
type Pair struct {
	HWID   [8]byte
	Secret [SecretLen]byte
}

// Marshal encodes the payload.
func (p Pair) Marshal() []byte { return append(p.HWID[:], p.Secret[:]...) }

// ParsePair decodes a MsgPair payload.
func ParsePair(b []byte) (Pair, error) {
	var p Pair
	if len(b) < 8+SecretLen {
		return p, fmt.Errorf("bridge: pair: %d bytes: %w", len(b), ErrBadPayload)
	}
	copy(p.HWID[:], b)
	copy(p.Secret[:], b[8:])
	return p, nil
}

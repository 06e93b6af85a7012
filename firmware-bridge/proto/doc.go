// Package proto is the firmware-bridge wire protocol (../PROTOCOL.md) in
// Go: frames with CRC-16 and COBS, the message payloads, the pairing proof
// and the serial link URI. The C firmware (../firmware/YimenProto) mirrors
// it; both are checked against testdata/vectors.txt.
package proto

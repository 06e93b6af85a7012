package printer

// Bytes a printer sends back are classified by their fixed bits (Citizen,
// "identification of send status"):
//
//	DLE EOT reply   0xx1xx10
//	ASB first byte  0xx1xx00, then 3 data bytes (XON/XOFF may interleave)
//	GS r reply      0xx0xxxx
//	XON 0x11, XOFF 0x13
//
// Anything else (bit 7 set, line noise) is counted as garbage.

// eventKind is what one received byte turned out to be.
type eventKind int

const (
	evNone    eventKind = iota // byte consumed, nothing complete yet (ASB data)
	evEOT                      // a DLE EOT reply byte
	evASB                      // a complete 4-byte ASB block
	evXON                      // resume sending
	evXOFF                     // pause sending
	evGSr                      // a GS r / GS I style reply byte
	evGarbage                  // matches no pattern
)

// event is one classified unit of the return stream.
type event struct {
	kind eventKind
	b    byte    // evEOT, evGSr, evGarbage
	asb  [4]byte // evASB
}

// classifier splits the printer's return stream into events. The zero value
// is ready.
type classifier struct {
	asb  [4]byte
	nasb int // bytes of an ASB block seen so far; 0 = none in progress
}

// feed classifies one received byte.
func (c *classifier) feed(b byte) event {
	switch b {
	case 0x11:
		return event{kind: evXON}
	case 0x13:
		return event{kind: evXOFF}
	}
	if c.nasb > 0 {
		c.asb[c.nasb] = b
		c.nasb++
		if c.nasb == 4 {
			c.nasb = 0
			return event{kind: evASB, asb: c.asb}
		}
		return event{kind: evNone}
	}
	switch {
	case b&0x93 == 0x12:
		return event{kind: evEOT, b: b}
	case b&0x93 == 0x10:
		c.asb[0], c.nasb = b, 1
		return event{kind: evNone}
	case b&0x90 == 0x00:
		return event{kind: evGSr, b: b}
	}
	return event{kind: evGarbage, b: b}
}

// fromEOT derives a state from the replies to DLE EOT 1, 2, 3 and 4.
func fromEOT(r [4]byte) (State, string) {
	s1, s2, s3, s4 := r[0], r[1], r[2], r[3]
	switch {
	case s2&0x04 != 0:
		return StateCoverOpen, details[StateCoverOpen]
	case s2&0x20 != 0 || s4&0x60 != 0:
		return StatePaperEnd, details[StatePaperEnd]
	case s3&0x08 != 0:
		return StateCutterError, details[StateCutterError]
	case s3&0x20 != 0:
		return StateOffline, "打印机发生不可恢复的故障，请断电检修"
	case s3&0x40 != 0:
		return StateOffline, "打印机暂时故障（如打印头过热），将自动恢复"
	case s3&0x04 != 0:
		return StateOffline, "打印机机械故障"
	case s1&0x08 != 0 || s2&0x40 != 0:
		return StateOffline, details[StateOffline]
	case s4&0x0C != 0:
		return StateNearEnd, details[StateNearEnd]
	}
	return StateOK, details[StateOK]
}

// fromASB derives a state from an Automatic Status Back block.
func fromASB(a [4]byte) (State, string) {
	switch {
	case a[0]&0x20 != 0:
		return StateCoverOpen, details[StateCoverOpen]
	case a[2]&0x0C != 0:
		return StatePaperEnd, details[StatePaperEnd]
	case a[1]&0x08 != 0:
		return StateCutterError, details[StateCutterError]
	case a[1]&0x64 != 0 || a[0]&0x08 != 0:
		return StateOffline, details[StateOffline]
	case a[2]&0x03 != 0:
		return StateNearEnd, details[StateNearEnd]
	}
	return StateOK, details[StateOK]
}

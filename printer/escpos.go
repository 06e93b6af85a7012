package printer

// ESC/POS command bytes used by the encoder and the status reader. See
// docs/printer.md for the subset and its sources.
const (
	esc = 0x1B
	fs  = 0x1C
	gs  = 0x1D
	dle = 0x10
	eot = 0x04
	lf  = 0x0A
)

// buf accumulates an ESC/POS byte stream. Appending cannot fail; writing
// the result to the device is where errors happen, and every one of those is
// returned.
type buf struct{ b []byte }

func (e *buf) raw(p ...byte) { e.b = append(e.b, p...) }

// init resets the printer and turns Chinese mode on (ESC @, FS &).
func (e *buf) init() { e.raw(esc, '@', fs, '&') }

// align sets justification: 0 left, 1 centre, 2 right (ESC a n).
func (e *buf) align(n byte) { e.raw(esc, 'a', n) }

// size sets the character size multipliers, 1..8 each (GS ! n).
func (e *buf) size(w, h int) {
	w, h = clamp(w, 1, 8), clamp(h, 1, 8)
	e.raw(gs, '!', byte((w-1)<<4|(h-1)))
}

// bold turns emphasis on or off (ESC E n).
func (e *buf) bold(on bool) { e.raw(esc, 'E', b2n(on)) }

// reverse turns white-on-black on or off (GS B n).
func (e *buf) reverse(on bool) { e.raw(gs, 'B', b2n(on)) }

// line writes GB18030 text (already cleaned) and LF.
func (e *buf) line(s string) {
	e.b = append(e.b, encodeGB(s)...)
	e.raw(lf)
}

// feed prints the buffer and feeds n lines (ESC d n).
func (e *buf) feed(n byte) { e.raw(esc, 'd', n) }

// cut feeds to the cutter and cuts partially (GS V 66 0).
func (e *buf) cut() { e.raw(gs, 'V', 66, 0) }

// qrNative stores and prints a QR code with GS ( k, functions 165, 167,
// 169, 180 and 181 (model 2, error correction M).
func (e *buf) qrNative(data []byte, module int) {
	e.raw(gs, '(', 'k', 4, 0, 0x31, 0x41, 0x32, 0x00)                 // 165 model 2
	e.raw(gs, '(', 'k', 3, 0, 0x31, 0x43, byte(clamp(module, 1, 16))) // 167 module size
	e.raw(gs, '(', 'k', 3, 0, 0x31, 0x45, 0x31)                       // 169 ECC M
	n := len(data) + 3
	e.raw(gs, '(', 'k', byte(n), byte(n>>8), 0x31, 0x50, 0x30) // 180 store
	e.b = append(e.b, data...)
	e.raw(gs, '(', 'k', 3, 0, 0x31, 0x51, 0x30) // 181 print
}

// rasterBand is the most rows sent in one GS v 0 command, so that printers
// with small buffers or a yH limit take tall images.
const rasterBand = 24

// raster prints a bitmap with GS v 0 in bands of rasterBand rows. Each
// source pixel becomes a scale×scale block of dots.
func (e *buf) raster(bits [][]bool, scale int) {
	if len(bits) == 0 || scale < 1 {
		return
	}
	w := len(bits[0]) * scale
	xb := (w + 7) / 8
	rows := make([][]byte, 0, len(bits)*scale)
	for _, src := range bits {
		row := make([]byte, xb)
		for x, on := range src {
			if !on {
				continue
			}
			for k := 0; k < scale; k++ {
				c := x*scale + k
				row[c/8] |= 0x80 >> (c % 8)
			}
		}
		for k := 0; k < scale; k++ {
			rows = append(rows, row)
		}
	}
	for len(rows) > 0 {
		n := min(len(rows), rasterBand)
		e.raw(gs, 'v', '0', 0, byte(xb), byte(xb>>8), byte(n), byte(n>>8))
		for _, r := range rows[:n] {
			e.b = append(e.b, r...)
		}
		rows = rows[n:]
	}
}

// statusQuery is DLE EOT 1..4, sent as one write; the printer answers each
// with one byte, in order.
var statusQuery = []byte{dle, eot, 1, dle, eot, 2, dle, eot, 3, dle, eot, 4}

func b2n(on bool) byte {
	if on {
		return 1
	}
	return 0
}

func clamp(v, lo, hi int) int { return max(lo, min(hi, v)) }

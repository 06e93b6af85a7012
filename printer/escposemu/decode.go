// Package escposemu decodes the ESC/POS subset that package printer emits
// and emulates a printer that answers status queries. It is the eye of the
// printer tests, the renderer behind the simulated printer's previews, and
// the fake device that both in-process and pseudo-terminal tests talk to.
package escposemu

import (
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Align is a line's justification as set by ESC a.
type Align int

// Alignments, in ESC a order.
const (
	Left Align = iota
	Center
	Right
)

func (a Align) String() string {
	switch a {
	case Center:
		return "center"
	case Right:
		return "right"
	}
	return "left"
}

// Kind tells what a Block holds.
type Kind int

// Block kinds.
const (
	KindText Kind = iota
	KindQR
	KindImage
	KindCut
)

// Line is one printed text line with the attributes in force at its first
// character.
type Line struct {
	Text    string
	Width   int // character width multiplier, 1..8 (GS !)
	Height  int // character height multiplier, 1..8 (GS !)
	Bold    bool
	Reverse bool
	Align   Align
}

// QR is a native QR code (GS ( k) as the printer would print it.
type QR struct {
	Payload string
	Module  int  // dots per module (fn 167)
	ECC     byte // '0'..'3' = L, M, Q, H (fn 169)
	Align   Align
}

// Image is a raster bit image (GS v 0). Bands printed one after another are
// joined into one Image when they have the same width.
type Image struct {
	Width, Height int // dots
	Align         Align
	Bits          [][]bool // [row][col], true = black
}

// Block is one printed element in order.
type Block struct {
	Kind    Kind
	Line    Line   // KindText
	QR      QR     // KindQR
	Image   *Image // KindImage
	Partial bool   // KindCut
}

// Doc is a decoded byte stream.
type Doc struct {
	Blocks   []Block
	Queries  []byte // n of each DLE EOT n, in order
	Inits    int    // ESC @ count
	Chinese  bool   // Chinese mode (FS &) in force at the end
	Unknown  int    // bytes of commands outside the subset
	Feeds    int    // lines fed by ESC d and empty LFs
	Warnings []string
}

// Lines returns the text lines in order.
func (d *Doc) Lines() []Line {
	var out []Line
	for _, b := range d.Blocks {
		if b.Kind == KindText {
			out = append(out, b.Line)
		}
	}
	return out
}

// Text returns the text lines joined by newlines.
func (d *Doc) Text() string {
	var sb strings.Builder
	for _, l := range d.Lines() {
		sb.WriteString(l.Text)
		sb.WriteByte('\n')
	}
	return sb.String()
}

// QRs returns the native QR codes in order.
func (d *Doc) QRs() []QR {
	var out []QR
	for _, b := range d.Blocks {
		if b.Kind == KindQR {
			out = append(out, b.QR)
		}
	}
	return out
}

// Images returns the raster images in order.
func (d *Doc) Images() []*Image {
	var out []*Image
	for _, b := range d.Blocks {
		if b.Kind == KindImage {
			out = append(out, b.Image)
		}
	}
	return out
}

// Cuts returns the number of cuts.
func (d *Doc) Cuts() int {
	n := 0
	for _, b := range d.Blocks {
		if b.Kind == KindCut {
			n++
		}
	}
	return n
}

// Decode decodes a complete byte stream. An incomplete trailing command is
// reported in Warnings.
func Decode(p []byte) *Doc {
	d := NewDecoder()
	d.Write(p)
	return d.Finish()
}

// Decoder decodes a stream fed in pieces, as a printer receives it.
type Decoder struct {
	// OnRealtime, if set, is called for each real-time command
	// (DLE EOT n, DLE ENQ n) as soon as it is complete.
	OnRealtime func(cmd, n byte)
	// OnCommand, if set, is called after each complete non-real-time command
	// with its first byte(s) and parameter n, e.g. ESC @, GS V, GS r.
	OnCommand func(cmd string, n byte)

	doc     Doc
	pos     int // stream offset of the command being decoded
	pend    []byte
	line    []byte
	lineAt  Line // attributes captured at the line's first byte
	cur     Line // current attributes (Text unused)
	chinese bool
	qrData  []byte
	qrMod   int
	qrECC   byte
}

// NewDecoder returns a decoder in the power-on state (Chinese mode on, as
// Chinese firmware starts).
func NewDecoder() *Decoder {
	d := &Decoder{chinese: true, qrMod: 3, qrECC: '0'}
	d.reset()
	return d
}

func (d *Decoder) reset() {
	d.cur = Line{Width: 1, Height: 1}
	d.qrMod, d.qrECC, d.qrData = 3, '0', nil
}

// Doc returns the document decoded so far (lines not yet ended by LF are
// not included). The caller must not modify it.
func (d *Decoder) Doc() *Doc { return &d.doc }

// Pos returns the stream offset of the command being decoded; inside
// OnCommand and OnRealtime it is where that command starts.
func (d *Decoder) Pos() int { return d.pos }

// Take returns the document decoded so far and starts a new one, keeping the
// printer modes.
func (d *Decoder) Take() *Doc {
	doc := d.doc
	d.doc = Doc{}
	return &doc
}

// Finish flushes a pending partial line and returns the document.
func (d *Decoder) Finish() *Doc {
	if len(d.line) > 0 {
		d.flushLine()
	}
	if len(d.pend) > 0 {
		d.doc.Warnings = append(d.doc.Warnings, fmt.Sprintf("incomplete command at end: % X", head(d.pend, 8)))
	}
	d.doc.Chinese = d.chinese
	return &d.doc
}

func head(p []byte, n int) []byte {
	if len(p) > n {
		return p[:n]
	}
	return p
}

// Write feeds bytes to the decoder. It never fails.
func (d *Decoder) Write(p []byte) (int, error) {
	d.pend = append(d.pend, p...)
	for len(d.pend) > 0 {
		n := d.step(d.pend)
		if n == 0 { // incomplete command: wait for more
			break
		}
		d.pend = d.pend[n:]
		d.pos += n
	}
	if len(d.pend) == 0 {
		d.pend = nil // let the buffer go
	}
	return len(p), nil
}

// need reports whether p holds at least n bytes.
func need(p []byte, n int) bool { return len(p) >= n }

// step decodes one command or text byte at the start of p and returns how
// many bytes it used, or 0 if p holds only part of a command.
func (d *Decoder) step(p []byte) int {
	b := p[0]
	switch b {
	case 0x0A: // LF
		d.flushLine()
		return 1
	case 0x0D: // CR: ignored, as on most thermal printers
		return 1
	case 0x10: // DLE
		if !need(p, 3) {
			return 0
		}
		if p[1] == 0x04 || p[1] == 0x05 {
			if p[1] == 0x04 {
				d.doc.Queries = append(d.doc.Queries, p[2])
			}
			if d.OnRealtime != nil {
				d.OnRealtime(p[1], p[2])
			}
			return 3
		}
		d.doc.Unknown++
		return 1
	case 0x1B:
		return d.esc(p)
	case 0x1C:
		return d.fs(p)
	case 0x1D:
		return d.gs(p)
	}
	if b < 0x20 || b == 0x7F {
		d.doc.Unknown++
		return 1
	}
	if b >= 0x80 && d.chinese {
		// A 2-byte GB code; a 4-byte GB18030 code has a digit second byte.
		if !need(p, 2) {
			return 0
		}
		if p[1] >= 0x30 && p[1] <= 0x39 {
			if !need(p, 4) {
				return 0
			}
			d.text(p[:4])
			return 4
		}
		d.text(p[:2])
		return 2
	}
	d.text(p[:1])
	return 1
}

func (d *Decoder) text(p []byte) {
	if len(d.line) == 0 {
		d.lineAt = d.cur
	}
	d.line = append(d.line, p...)
}

func (d *Decoder) cmd(name string, n byte) {
	if d.OnCommand != nil {
		d.OnCommand(name, n)
	}
}

func (d *Decoder) esc(p []byte) int {
	if !need(p, 2) {
		return 0
	}
	switch p[1] {
	case '@':
		d.doc.Inits++
		d.line = d.line[:0]
		d.reset()
		d.cmd("ESC @", 0)
		return 2
	case 'E', 'a', 'd', '-', '!', '3', 'J', 't', 'M':
		if !need(p, 3) {
			return 0
		}
		n := p[2]
		switch p[1] {
		case 'E':
			d.cur.Bold = n&1 == 1
		case 'a':
			if len(d.line) == 0 {
				d.cur.Align = Align(n & 3 % 3)
			} else {
				d.warn("ESC a not at beginning of line")
			}
		case 'd':
			if len(d.line) > 0 {
				d.flushLine()
				if n > 0 {
					n--
				}
			}
			d.doc.Feeds += int(n)
		case '!':
			d.cur.Bold = n&0x08 != 0
			d.cur.Width, d.cur.Height = 1+int(n>>5&1), 1+int(n>>4&1)
		}
		d.cmd("ESC "+string(p[1]), n)
		return 3
	case '2':
		return 2
	}
	d.doc.Unknown += 2
	return 2
}

func (d *Decoder) fs(p []byte) int {
	if !need(p, 2) {
		return 0
	}
	switch p[1] {
	case '&':
		d.chinese = true
		return 2
	case '.':
		d.chinese = false
		return 2
	case '!', 'W', 'C':
		if !need(p, 3) {
			return 0
		}
		return 3
	}
	d.doc.Unknown += 2
	return 2
}

func (d *Decoder) gs(p []byte) int {
	if !need(p, 2) {
		return 0
	}
	switch p[1] {
	case '!', 'B', 'r', 'a':
		if !need(p, 3) {
			return 0
		}
		n := p[2]
		switch p[1] {
		case '!':
			d.cur.Width, d.cur.Height = 1+int(n>>4&7), 1+int(n&7)
		case 'B':
			d.cur.Reverse = n&1 == 1
		}
		d.cmd("GS "+string(p[1]), n)
		return 3
	case 'V':
		if !need(p, 3) {
			return 0
		}
		m := p[2]
		size := 3
		if m == 'A' || m == 'B' || m == 65 || m == 66 {
			if !need(p, 4) {
				return 0
			}
			size = 4
		}
		if len(d.line) > 0 {
			d.warn("GS V not at beginning of line")
			d.flushLine()
		}
		partial := m == 1 || m == '1' || m == 66
		d.doc.Blocks = append(d.doc.Blocks, Block{Kind: KindCut, Partial: partial})
		d.cmd("GS V", m)
		return size
	case 'v':
		return d.raster(p)
	case '(':
		return d.twoD(p)
	}
	d.doc.Unknown += 2
	return 2
}

// raster decodes GS v 0 m xL xH yL yH d1..dk.
func (d *Decoder) raster(p []byte) int {
	if !need(p, 8) {
		return 0
	}
	if p[2] != '0' {
		d.doc.Unknown += 3
		return 3
	}
	xb := int(p[4]) | int(p[5])<<8
	rows := int(p[6]) | int(p[7])<<8
	k := xb * rows
	if !need(p, 8+k) {
		return 0
	}
	if len(d.line) > 0 {
		d.warn("GS v 0 not at beginning of line")
		d.flushLine()
	}
	data := p[8 : 8+k]
	w := xb * 8
	var img *Image
	if n := len(d.doc.Blocks); n > 0 && d.doc.Blocks[n-1].Kind == KindImage &&
		d.doc.Blocks[n-1].Image.Width == w && d.doc.Blocks[n-1].Image.Align == d.cur.Align {
		img = d.doc.Blocks[n-1].Image // a further band
	} else {
		img = &Image{Width: w, Align: d.cur.Align}
		d.doc.Blocks = append(d.doc.Blocks, Block{Kind: KindImage, Image: img})
	}
	for r := 0; r < rows; r++ {
		row := make([]bool, w)
		for c := 0; c < w; c++ {
			row[c] = data[r*xb+c/8]&(0x80>>(c%8)) != 0
		}
		img.Bits = append(img.Bits, row)
	}
	img.Height += rows
	d.cmd("GS v 0", p[3])
	return 8 + k
}

// twoD decodes GS ( k pL pH cn fn ... (QR, cn = 0x31).
func (d *Decoder) twoD(p []byte) int {
	if !need(p, 5) {
		return 0
	}
	if p[2] != 'k' {
		d.doc.Unknown += 3
		return 3
	}
	plen := int(p[3]) | int(p[4])<<8
	if !need(p, 5+plen) {
		return 0
	}
	body := p[5 : 5+plen]
	if len(body) < 2 || body[0] != 0x31 {
		d.doc.Unknown += 5 + plen
		return 5 + plen
	}
	switch body[1] {
	case 0x41: // 165 model
	case 0x43: // 167 module size
		if len(body) >= 3 {
			d.qrMod = int(body[2])
		}
	case 0x45: // 169 error correction
		if len(body) >= 3 {
			d.qrECC = body[2]
		}
	case 0x50: // 180 store
		if len(body) >= 3 {
			d.qrData = append(d.qrData[:0], body[3:]...)
		}
	case 0x51: // 181 print
		if len(d.line) > 0 {
			d.warn("QR print not at beginning of line")
			d.flushLine()
		}
		d.doc.Blocks = append(d.doc.Blocks, Block{Kind: KindQR, QR: QR{
			Payload: string(d.qrData), Module: d.qrMod, ECC: d.qrECC, Align: d.cur.Align}})
	default:
		d.doc.Unknown += 5 + plen
	}
	d.cmd("GS ( k", body[1])
	return 5 + plen
}

func (d *Decoder) warn(s string) {
	if len(d.doc.Warnings) < 100 {
		d.doc.Warnings = append(d.doc.Warnings, s)
	}
}

var gb = simplifiedchinese.GB18030

func (d *Decoder) flushLine() {
	if len(d.line) == 0 {
		d.doc.Feeds++
		return
	}
	var text string
	if d.chinese {
		s, err := gb.NewDecoder().Bytes(d.line)
		if err != nil {
			text = string(bytes.ToValidUTF8(d.line, []byte("\uFFFD")))
		} else {
			text = string(s)
		}
	} else {
		text = string(bytes.ToValidUTF8(d.line, []byte("\uFFFD")))
	}
	l := d.lineAt
	l.Text = text
	d.doc.Blocks = append(d.doc.Blocks, Block{Kind: KindText, Line: l})
	d.line = d.line[:0]
}

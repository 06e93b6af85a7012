package proto

import "strings"

// Bitmap is a 1-bpp image: rows top to bottom, each (W+7)/8 bytes, most
// significant bit = leftmost pixel, 1 = lit. It is the SHOW_BITMAP layout.
type Bitmap struct {
	W, H int
	Pix  []byte
}

// NewBitmap returns a blank w×h bitmap.
func NewBitmap(w, h int) *Bitmap {
	return &Bitmap{W: w, H: h, Pix: make([]byte, (w+7)/8*h)}
}

// Set lights pixel (x, y); out-of-range pixels are ignored.
func (b *Bitmap) Set(x, y int) {
	if x < 0 || y < 0 || x >= b.W || y >= b.H {
		return
	}
	b.Pix[y*((b.W+7)/8)+x/8] |= 0x80 >> (x % 8)
}

// At reports whether pixel (x, y) is lit.
func (b *Bitmap) At(x, y int) bool {
	if x < 0 || y < 0 || x >= b.W || y >= b.H {
		return false
	}
	return b.Pix[y*((b.W+7)/8)+x/8]&(0x80>>(x%8)) != 0
}

// String draws the bitmap with '#' and '.', one line per row (for tests).
func (b *Bitmap) String() string {
	var s strings.Builder
	for y := range b.H {
		for x := range b.W {
			if b.At(x, y) {
				s.WriteByte('#')
			} else {
				s.WriteByte('.')
			}
		}
		s.WriteByte('\n')
	}
	return s.String()
}

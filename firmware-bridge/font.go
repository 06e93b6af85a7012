package bridge

//go:generate go run gen_font.go

import (
	_ "embed"
	"encoding/hex"
	"fmt"
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"strconv"
	"strings"
)

//go:embed font/unifont-subset.hex
var unifontSubset string

// Font is a 16-pixel-high bitmap font in GNU Unifont .hex form: glyphs are
// 8 (half width) or 16 (full width) pixels wide.
type Font struct {
	glyphs map[rune][]byte // 16 or 32 bytes
}

// DefaultFont parses the embedded Unifont subset.
func DefaultFont() *Font {
	f, err := ParseHexFont(unifontSubset)
	if err != nil {
		panic(err) // the embedded file is checked by tests
	}
	return f
}

// ParseHexFont parses Unifont .hex text ("XXXX:hexbits" lines).
func ParseHexFont(s string) (*Font, error) {
	f := &Font{glyphs: map[rune][]byte{}}
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cp, bits, ok := strings.Cut(line, ":")
		n, err := strconv.ParseUint(cp, 16, 32)
		if !ok || err != nil {
			return nil, fmt.Errorf("bridge: font line %d: bad code point", i+1)
		}
		g, err := hex.DecodeString(bits)
		if err != nil || (len(g) != 16 && len(g) != 32) {
			return nil, fmt.Errorf("bridge: font line %d: bad glyph", i+1)
		}
		f.glyphs[rune(n)] = g
	}
	return f, nil
}

// Has reports whether the font has a glyph for r.
func (f *Font) Has(r rune) bool { _, ok := f.glyphs[r]; return ok }

// Width is the pixel width of s; runes without a glyph count as 8 (they are
// drawn as a hollow box).
func (f *Font) Width(s string) int {
	w := 0
	for _, r := range s {
		w += f.advance(r)
	}
	return w
}

func (f *Font) advance(r rune) int {
	if g, ok := f.glyphs[r]; ok && len(g) == 32 {
		return 16
	}
	return 8
}

// Render draws s centred in a w×h bitmap (the 16-pixel line is centred
// vertically). Text wider than w is cut on the right.
func (f *Font) Render(s string, w, h int) *proto.Bitmap {
	b := proto.NewBitmap(w, h)
	x := (w - f.Width(s)) / 2
	if x < 0 {
		x = 0
	}
	y0 := (h - 16) / 2
	for _, r := range s {
		g, ok := f.glyphs[r]
		adv := f.advance(r)
		for row := range 16 {
			for col := range adv {
				var lit bool
				if ok {
					bpr := len(g) / 16
					lit = g[row*bpr+col/8]&(0x80>>(col%8)) != 0
				} else { // hollow box for a missing glyph
					lit = (row == 2 || row == 13) && col >= 1 && col <= 6 || (col == 1 || col == 6) && row >= 2 && row <= 13
				}
				if lit {
					b.Set(x+col, y0+row)
				}
			}
		}
		x += adv
	}
	return b
}

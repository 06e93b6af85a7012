package printer

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Placeholder is printed for a rune the printer's 2-byte GB font cannot
// show (4-byte GB18030 codes such as rare name characters and emoji). It is
// "□", A1 F5, itself a 2-byte code.
const Placeholder = '□'

var placeholderGB = []byte{0xA1, 0xF5}

// gbRune returns the GB18030 bytes for r, restricted to the 1- and 2-byte
// repertoire; anything else becomes the placeholder. Control characters are
// the caller's business (see clean).
func gbRune(r rune) []byte {
	if r < 0x80 {
		return []byte{byte(r)}
	}
	var buf [utf8.UTFMax]byte
	n := utf8.EncodeRune(buf[:], r)
	enc := simplifiedchinese.GB18030.NewEncoder()
	out, err := enc.Bytes(buf[:n])
	if err != nil || len(out) != 2 {
		return placeholderGB
	}
	return out
}

// encodeGB encodes s rune by rune with the placeholder policy. It never
// emits 0x1A or a 4-byte sequence.
func encodeGB(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		out = append(out, gbRune(r)...)
	}
	return out
}

// clean makes a field safe to print: control characters (which would be
// printer commands) become spaces, runs of space collapse, and the ends are
// trimmed.
func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// cols returns the printed width of r in font-A columns: 1 for ASCII, 2 for
// anything printed from the GB font (including the placeholder).
func cols(r rune) int {
	if r < 0x80 {
		return 1
	}
	return 2
}

// wrap splits s into lines of at most max columns. ASCII words are kept
// together where they fit; Chinese breaks anywhere, but closing punctuation
// is not put at the start of a line.
func wrap(s string, max int) []string {
	if max < 2 {
		max = 2
	}
	var lines []string
	rs := []rune(s)
	for len(rs) > 0 {
		w, i := 0, 0
		for i < len(rs) && w+cols(rs[i]) <= max {
			w += cols(rs[i])
			i++
		}
		if i < len(rs) {
			// prefer breaking after a space inside ASCII text
			if rs[i] != ' ' && rs[i] < 0x80 {
				for j := i - 1; j > 0; j-- {
					if rs[j] == ' ' {
						i = j + 1
						break
					}
					if rs[j] >= 0x80 {
						i = j + 1
						break
					}
				}
			}
			// keep closing punctuation with the previous character
			if i > 1 && strings.ContainsRune("，。、；：？！）》」』,.;:?!)", rs[i]) {
				i--
			}
		}
		lines = append(lines, strings.TrimRight(string(rs[:i]), " "))
		rs = rs[i:]
		for len(rs) > 0 && rs[0] == ' ' {
			rs = rs[1:]
		}
	}
	return lines
}

// width returns the printed width of s in font-A columns.
func width(s string) int {
	w := 0
	for _, r := range s {
		w += cols(r)
	}
	return w
}

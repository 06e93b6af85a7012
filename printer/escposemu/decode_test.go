package escposemu

import (
	"bytes"
	"strings"
	"testing"
)

func TestDecodeSubset(t *testing.T) {
	p := []byte{0x1B, '@', 0x1C, '&', 0x1B, 'a', 1, 0x1D, '!', 0x55, 0x1B, 'E', 1}
	p = append(p, "A001\n"...)
	p = append(p, 0x1D, '!', 0x00, 0x1B, 'E', 0, 0xC7, 0xEB, '\n') // 请
	p = append(p, 0x10, 0x04, 0x01)
	p = append(p, 0x1D, 'v', '0', 0, 1, 0, 2, 0, 0x80, 0x01) // 8x2 raster
	p = append(p, 0x1D, 'v', '0', 0, 1, 0, 1, 0, 0xFF)       // a second band
	p = append(p, 0x1D, 'V', 66, 0)
	d := Decode(p)
	l := d.Lines()
	if len(l) != 2 || l[0].Text != "A001" || l[0].Width != 6 || l[0].Height != 6 || !l[0].Bold || l[0].Align != Center {
		t.Errorf("lines %+v", l)
	}
	if l[1].Text != "请" || l[1].Bold || l[1].Width != 1 {
		t.Errorf("line 2 %+v", l[1])
	}
	if !bytes.Equal(d.Queries, []byte{1}) || d.Inits != 1 || d.Cuts() != 1 {
		t.Errorf("queries %v inits %d cuts %d", d.Queries, d.Inits, d.Cuts())
	}
	imgs := d.Images()
	if len(imgs) != 1 || imgs[0].Height != 3 || imgs[0].Width != 8 || !imgs[0].Bits[0][0] || !imgs[0].Bits[1][7] || !imgs[0].Bits[2][3] {
		t.Errorf("images %+v", imgs)
	}
	h := string(HTML(d, 384))
	if !strings.Contains(h, "A001") || !strings.Contains(h, "请") || !strings.Contains(h, "escpos-cut") {
		t.Errorf("HTML %s", h)
	}
}

// FuzzDecode: the decoder takes any byte stream, in any split, without
// panicking, and the split does not change the result.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("\x1b@\x1c&\x1ba\x01\x1d!\x55A001\n\x1dVB\x00"), 3)
	f.Add([]byte("\x1d(k\x04\x001A2\x00\x1d(k\x06\x001P0abc\x1d(k\x03\x001Q0"), 7)
	f.Add([]byte("\x1dv0\x00\x02\x00\x02\x00\xff\x00\x00\xff\x10\x04\x02"), 1)
	f.Add([]byte{0xC7, 0xEB, 0x81, 0x30, 0x81, 0x30, 0x0A, 0xFF, 0x0A}, 2)
	f.Add([]byte("\x1dv0\x00\xff\xff\xff\xff"), 4)
	f.Fuzz(func(t *testing.T, p []byte, split int) {
		whole := Decode(p)
		d := NewDecoder()
		if split <= 0 || split > len(p) {
			split = 1
		}
		for i := 0; i < len(p); i += split {
			d.Write(p[i:min(i+split, len(p))])
		}
		parts := d.Finish()
		if whole.Text() != parts.Text() || len(whole.Blocks) != len(parts.Blocks) || whole.Cuts() != parts.Cuts() {
			t.Fatalf("split %d changes the result:\n%q\n%q", split, whole.Text(), parts.Text())
		}
		HTML(whole, 576)
	})
}

package bridge

import "testing"

func TestRender(t *testing.T) {
	f := DefaultFont()
	for _, r := range "暂停服务请号到窗口办理满意0123456789AZaz" {
		if !f.Has(r) {
			t.Errorf("font lacks %q", r)
		}
	}
	b := f.Render("A1", 32, 16)
	if b.W != 32 || b.H != 16 || len(b.Pix) != 64 {
		t.Fatalf("bitmap %dx%d %d", b.W, b.H, len(b.Pix))
	}
	if f.Width("暂停服务") != 64 || f.Width("A012") != 32 {
		t.Errorf("widths %d %d", f.Width("暂停服务"), f.Width("A012"))
	}
	lit := 0
	for _, p := range f.Render("暂", 16, 16).Pix {
		for ; p != 0; p &= p - 1 {
			lit++
		}
	}
	if lit < 30 {
		t.Errorf("暂 has %d lit pixels", lit)
	}
}

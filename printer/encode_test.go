package printer

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/yimen-hall/yimen/printer/escposemu"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func sampleTicket() Ticket {
	return Ticket{
		Hall:     "乐昌镇便民服务中心",
		Number:   "B012",
		Service:  "新农合报销",
		Category: "民生事业",
		Window:   "3号窗口 / 5号窗口",
		Priority: true,
		Kind:     "绿色通道",
		Ahead:    3,
		Wait:     14*time.Minute + 10*time.Second,
		Issued:   time.Date(2026, 11, 21, 9, 32, 5, 0, time.FixedZone("CST", 8*3600)),
		URL:      "http://192.168.1.10:8080/t/20261121-B012",
		Note:     "请留意叫号，过号请重新取号",
	}
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		l    Layout
	}{
		{"ticket_80_native", Layout{Dots80, QRNative}},
		{"ticket_58_native", Layout{Dots58, QRNative}},
		{"ticket_80_raster", Layout{Dots80, QRRaster}},
		{"ticket_58_raster", Layout{Dots58, QRRaster}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Encode(sampleTicket(), tc.l)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", tc.name+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./printer -run TestGolden -update)", err)
			}
			if !bytes.Equal(got, want) {
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				t.Errorf("bytes differ from %s at offset %d (got %d bytes, want %d)", path, i, len(got), len(want))
			}
		})
	}
}

// TestTicketAsSeen checks what a visitor would read on the printed ticket.
func TestTicketAsSeen(t *testing.T) {
	for _, dots := range []int{Dots58, Dots80} {
		t.Run(fmt.Sprint(dots), func(t *testing.T) {
			p, err := Encode(sampleTicket(), Layout{dots, QRNative})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(p, []byte{0x1B, 0x40, 0x1C, 0x26}) {
				t.Errorf("ticket starts % X, want ESC @ FS &", p[:4])
			}
			if !bytes.HasSuffix(p, []byte{0x1D, 0x56, 0x42, 0x00}) {
				t.Errorf("ticket ends % X, want GS V 66 0", p[len(p)-4:])
			}
			if dots == Dots80 && len(p) >= 1024 {
				t.Errorf("native ticket is %d bytes, want < 1 KB", len(p))
			}
			doc := escposemu.Decode(p)
			if len(doc.Warnings) > 0 || doc.Unknown > 0 {
				t.Errorf("decoder: %d unknown bytes, warnings %q", doc.Unknown, doc.Warnings)
			}
			lines := doc.Lines()
			find := func(s string) escposemu.Line {
				t.Helper()
				for _, l := range lines {
					if l.Text == s {
						return l
					}
				}
				t.Errorf("no line %q in\n%s", s, doc.Text())
				return escposemu.Line{}
			}
			if l := find("乐昌镇便民服务中心"); !l.Bold || l.Align != escposemu.Center {
				t.Errorf("hall line %+v", l)
			}
			num := find("B012")
			if num.Width < 4 || num.Height < 4 || !num.Bold {
				t.Errorf("number printed at %dx%d bold=%v, want very large", num.Width, num.Height, num.Bold)
			}
			for _, l := range lines {
				if l.Text != "B012" && l.Width*l.Height >= num.Width*num.Height {
					t.Errorf("line %q is as large as the number", l.Text)
				}
			}
			if l := find(" 优先 "); !l.Reverse {
				t.Errorf("priority marker not reversed: %+v", l)
			}
			find("新农合报销")
			find("（民生事业）")
			find("您前面还有 3 人")
			find("预计等候约 15 分钟")
			find("办理窗口：3号窗口 / 5号窗口")
			find("请留意叫号，过号请重新取号")
			find("取号时间 2026-11-21 09:32:05")
			qrs := doc.QRs()
			if len(qrs) != 1 || qrs[0].Payload != sampleTicket().URL {
				t.Errorf("QR payloads %+v, want %q", qrs, sampleTicket().URL)
			}
			if doc.Cuts() != 1 {
				t.Errorf("%d cuts, want 1", doc.Cuts())
			}
		})
	}
}

// The ticket says which priority it is, and for a line nobody serves it
// gives no estimate but says so.
func TestTicketPriorityKindAndNoWindow(t *testing.T) {
	tk := sampleTicket()
	tk.Kind, tk.NoWindow = "老弱病残孕优先", true
	p, err := Encode(tk, Layout{Dots80, QRNative})
	if err != nil {
		t.Fatal(err)
	}
	text := escposemu.Decode(p).Text()
	for _, want := range []string{"老弱病残孕优先", NoWindowText} {
		if !strings.Contains(text, want) {
			t.Errorf("ticket lacks %q:\n%s", want, text)
		}
	}
	for _, bad := range []string{"绿色通道", "预计等候"} {
		if strings.Contains(text, bad) {
			t.Errorf("ticket says %q:\n%s", bad, text)
		}
	}
}

// TestRasterQR decodes the raster image back into modules and compares them
// with the symbol go-qrcode makes for the URL.
func TestRasterQR(t *testing.T) {
	for _, dots := range []int{Dots58, Dots80} {
		t.Run(fmt.Sprint(dots), func(t *testing.T) {
			tk := sampleTicket()
			p, err := Encode(tk, Layout{dots, QRRaster})
			if err != nil {
				t.Fatal(err)
			}
			doc := escposemu.Decode(p)
			if len(doc.QRs()) != 0 {
				t.Errorf("raster ticket has native QR")
			}
			imgs := doc.Images()
			if len(imgs) != 1 {
				t.Fatalf("%d images, want 1 (bands joined)", len(imgs))
			}
			img := imgs[0]
			if img.Width > dots {
				t.Errorf("image %d dots wide on %d-dot paper", img.Width, dots)
			}
			mods, err := escposemu.Modules(img)
			if err != nil {
				t.Fatal(err)
			}
			q, _ := qrcode.New(tk.URL, qrcode.Medium)
			q.DisableBorder = true
			want := q.Bitmap()
			if len(mods) != len(want) {
				t.Fatalf("decoded %d modules a side, want %d", len(mods), len(want))
			}
			for y := range want {
				for x := range want[y] {
					if mods[y][x] != want[y][x] {
						t.Fatalf("module (%d,%d) differs", x, y)
					}
				}
			}
		})
	}
}

func TestTextPolicy(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"请A001号到3号窗口", "请A001号到3号窗口"},
		{"张喆 李堃 王镕", "张喆 李堃 王镕"}, // outside GB2312 but 2-byte GBK
		{"𠮷田🙂", "□田□"},           // 4-byte GB18030 → placeholder
		{"€·—é", "€·—é"},
		{"a\x1b@b\x1a\tc\n", "a @b c"}, // control bytes never reach the printer
	} {
		got := encodeGB(clean(tc.in))
		if bytes.IndexByte(got, 0x1A) >= 0 || bytes.IndexByte(got, 0x1B) >= 0 {
			t.Errorf("%q encodes to control bytes % X", tc.in, got)
		}
		doc := escposemu.Decode(append(got, '\n'))
		if l := doc.Lines(); len(l) != 1 || l[0].Text != tc.want {
			t.Errorf("%q printed as %q, want %q", tc.in, doc.Text(), tc.want)
		}
	}
}

func TestWrap(t *testing.T) {
	long := strings.Repeat("便民", 15) // 60 columns
	for _, w := range []int{32, 48} {
		for _, l := range wrap(long, w) {
			if width(l) > w {
				t.Errorf("line %q is %d columns, max %d", l, width(l), w)
			}
		}
	}
	got := wrap("请留意叫号，过号请重新取号", 10)
	for _, l := range got[1:] {
		if strings.HasPrefix(l, "，") {
			t.Errorf("line starts with punctuation: %q", got)
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	if _, err := Encode(sampleTicket(), Layout{Dots: 500}); err == nil {
		t.Error("500 dots accepted")
	}
	tk := sampleTicket()
	tk.URL = strings.Repeat("x", MaxURL+1)
	if _, err := Encode(tk, Layout{Dots: Dots80}); err == nil {
		t.Error("long URL accepted")
	}
	tk.URL = "http://h/t/乐昌"
	p, _ := Encode(tk, Layout{Dots: Dots80})
	if q := escposemu.Decode(p).QRs(); len(q) != 1 || q[0].Payload != "http://h/t/%E4%B9%90%E6%98%8C" {
		t.Errorf("non-ASCII URL payload %+v", q)
	}
}

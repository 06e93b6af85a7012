package printer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"
)

// QRMode chooses how the ticket's QR code is sent.
type QRMode string

// QR modes.
const (
	QRNative QRMode = "native" // GS ( k: the printer draws it; about 80 bytes
	QRRaster QRMode = "raster" // GS v 0 bit image from go-qrcode; a few KB
)

// Paper widths in dots at 203 dpi.
const (
	Dots58 = 384 // 58 mm roll: 32 columns, 16 Chinese characters
	Dots80 = 576 // 80 mm roll: 48 columns, 24 Chinese characters
)

// Layout is how a ticket is laid out on paper.
type Layout struct {
	Dots int    // Dots58 or Dots80
	QR   QRMode // QRNative or QRRaster
}

// MaxURL is the longest QR payload Encode accepts. Status-page URLs are far
// shorter; a long payload would make a dense code that cheap heads blur.
const MaxURL = 300

// Encode renders a ticket as the ESC/POS byte stream for l: ESC @ and FS &
// first, GB18030 text, the QR code, then feed and cut.
func Encode(t Ticket, l Layout) ([]byte, error) {
	var colsMax, bigMax, module int
	switch l.Dots {
	case Dots80:
		colsMax, bigMax, module = 48, 6, 6
	case Dots58:
		colsMax, bigMax, module = 32, 5, 5
	default:
		return nil, fmt.Errorf("printer: width %d dots not supported (384 or 576)", l.Dots)
	}
	if l.QR == "" {
		l.QR = QRNative
	}
	if l.QR != QRNative && l.QR != QRRaster {
		return nil, fmt.Errorf("printer: qr mode %q not supported (native or raster)", l.QR)
	}
	url, err := qrPayload(t.URL)
	if err != nil {
		return nil, err
	}

	var e buf
	e.init()
	e.align(1)

	if h := clean(t.Hall); h != "" {
		e.bold(true)
		e.size(1, 2)
		for _, s := range wrap(h, colsMax) {
			e.line(s)
		}
		e.size(1, 1)
		e.bold(false)
	}
	if t.Priority {
		e.size(2, 2)
		e.reverse(true)
		e.line(" 优先 ")
		e.reverse(false)
		e.size(1, 1)
		if k := clean(t.Kind); k != "" {
			e.line(k)
		}
	}
	if s := clean(t.Service); s != "" {
		m := 2
		if width(s)*2 > colsMax {
			m = 1
		}
		e.bold(true)
		e.size(m, 2)
		for _, s := range wrap(s, colsMax/m) {
			e.line(s)
		}
		e.size(1, 1)
		e.bold(false)
	}
	if c := clean(t.Category); c != "" {
		for _, s := range wrap("（"+c+"）", colsMax) {
			e.line(s)
		}
	}
	if n := clean(t.Number); n != "" {
		m := bigMax
		if w := width(n); w > 0 {
			m = clamp(colsMax/w, 1, bigMax)
		}
		e.bold(true)
		e.size(m, m)
		for _, s := range wrap(n, colsMax/m) {
			e.line(s)
		}
		e.size(1, 1)
		e.bold(false)
	}
	e.size(1, 2)
	e.line("您前面还有 " + strconv.Itoa(max(t.Ahead, 0)) + " 人")
	e.size(1, 1)
	switch {
	case t.NoWindow:
		for _, s := range wrap(NoWindowText, colsMax) {
			e.line(s)
		}
	case t.Wait > 0:
		e.line(waitText(t.Wait))
	}
	if w := clean(t.Window); w != "" {
		for _, s := range wrap("办理窗口："+w, colsMax) {
			e.line(s)
		}
	}
	if url != "" {
		e.feed(1)
		switch l.QR {
		case QRNative:
			e.qrNative([]byte(url), module)
		case QRRaster:
			q, err := qrcode.New(url, qrcode.Medium)
			if err != nil {
				return nil, fmt.Errorf("printer: qr: %w", err)
			}
			q.DisableBorder = true
			bits := q.Bitmap()
			for module > 1 && len(bits)*module > l.Dots {
				module--
			}
			e.raster(bits, module)
		}
		e.raw(lf)
		e.line("扫码查看排队进度")
	}
	if n := clean(t.Note); n != "" {
		for _, s := range wrap(n, colsMax) {
			e.line(s)
		}
	}
	if !t.Issued.IsZero() {
		e.line("取号时间 " + t.Issued.Format("2006-01-02 15:04:05"))
	}
	e.cut()
	return e.b, nil
}

// waitText words an estimated wait, rounded up to whole minutes.
// NoWindowText replaces the estimate when no open window serves the line.
const NoWindowText = "暂无窗口办理，请稍候或到咨询台"

func waitText(d time.Duration) string {
	m := int((d + time.Minute - 1) / time.Minute)
	if d < time.Minute {
		return "预计等候不到 1 分钟"
	}
	if m >= 120 {
		return fmt.Sprintf("预计等候约 %d 小时 %d 分钟", m/60, m%60)
	}
	return fmt.Sprintf("预计等候约 %d 分钟", m)
}

// qrPayload keeps the QR payload to printable ASCII (scanners differ on
// anything else) by percent-encoding other bytes.
func qrPayload(u string) (string, error) {
	u = strings.TrimSpace(u)
	var sb strings.Builder
	for i := 0; i < len(u); i++ {
		c := u[i]
		if c > 0x20 && c < 0x7F {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, "%%%02X", c)
		}
	}
	if sb.Len() > MaxURL {
		return "", errors.New("printer: QR payload longer than " + strconv.Itoa(MaxURL) + " bytes")
	}
	return sb.String(), nil
}

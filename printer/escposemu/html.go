package escposemu

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"image"
	"image/color"
	"image/png"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// dotsPerPx maps printer dots to CSS pixels in previews: a 576-dot line is
// 288 px wide.
const dotsPerPx = 2

// HTML renders a decoded ticket as a self-contained HTML fragment the size of
// the paper (dots wide): each text line at its printed size, bold, reversed
// and aligned as printed, QR codes and raster images as PNG, cuts as a
// dashed line. Fonts fall back to whatever CJK font the browser has.
func HTML(d *Doc, dots int) template.HTML {
	if dots <= 0 {
		dots = 576
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="escpos-ticket" lang="zh-CN" style="width:%dpx;background:#fff;color:#000;padding:8px 0;font-family:'Noto Sans CJK SC','Source Han Sans SC','WenQuanYi Micro Hei',sans-serif;line-height:1.15">`, dots/dotsPerPx)
	for _, blk := range d.Blocks {
		switch blk.Kind {
		case KindText:
			l := blk.Line
			// Font A is 12x24 dots per ASCII column: 24 dots tall.
			px := 24 * l.Height / dotsPerPx
			style := fmt.Sprintf("text-align:%s;font-size:%dpx;white-space:pre;margin:0", l.Align, px)
			if l.Bold {
				style += ";font-weight:bold"
			}
			inner := template.HTMLEscapeString(l.Text)
			if l.Width != l.Height {
				inner = fmt.Sprintf(`<span style="display:inline-block;transform:scaleX(%.2f)">%s</span>`, float64(l.Width)/float64(l.Height), inner)
			}
			if l.Reverse {
				inner = `<span style="background:#000;color:#fff">` + inner + `</span>`
			}
			if l.Text == "" {
				inner = "&nbsp;"
			}
			fmt.Fprintf(&b, `<p class="escpos-line" data-size="%dx%d" style="%s">%s</p>`, l.Width, l.Height, style, inner)
		case KindQR:
			q, err := qrcode.New(blk.QR.Payload, eccLevel(blk.QR.ECC))
			if err != nil {
				fmt.Fprintf(&b, `<p style="text-align:center;color:#a00">[二维码无法生成：%s]</p>`, template.HTMLEscapeString(err.Error()))
				continue
			}
			q.DisableBorder = true
			writeImg(&b, bitsImage(q.Bitmap(), min(max(blk.QR.Module, 1), 16)), blk.QR.Align, "escpos-qr", blk.QR.Payload)
		case KindImage:
			writeImg(&b, bitsImage(blk.Image.Bits, 1), blk.Image.Align, "escpos-image", "")
		case KindCut:
			b.WriteString(`<hr class="escpos-cut" style="border:0;border-top:2px dashed #999;margin:8px 0">`)
		}
	}
	b.WriteString(`</div>`)
	return template.HTML(b.String())
}

func eccLevel(b byte) qrcode.RecoveryLevel {
	switch b & 3 {
	case 0:
		return qrcode.Low
	case 2:
		return qrcode.High
	case 3:
		return qrcode.Highest
	}
	return qrcode.Medium
}

func bitsImage(bits [][]bool, scale int) image.Image {
	if len(bits) == 0 {
		return image.NewGray(image.Rect(0, 0, 1, 1))
	}
	w, h := len(bits[0])*scale, len(bits)*scale
	img := image.NewGray(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.Gray{Y: 255}
			if row := bits[y/scale]; x/scale < len(row) && row[x/scale] {
				c.Y = 0
			}
			img.SetGray(x, y, c)
		}
	}
	return img
}

func writeImg(b *strings.Builder, img image.Image, a Align, class, title string) {
	var pb bytes.Buffer
	if err := png.Encode(&pb, img); err != nil {
		return
	}
	w := img.Bounds().Dx() / dotsPerPx
	fmt.Fprintf(b, `<p class="%s" style="text-align:%s;margin:4px 0"><img alt="二维码" title="%s" width="%d" style="image-rendering:pixelated" src="data:image/png;base64,%s"></p>`,
		class, a, template.HTMLEscapeString(title), w, base64.StdEncoding.EncodeToString(pb.Bytes()))
}

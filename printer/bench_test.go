package printer_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/printer"
	"github.com/yimen-hall/yimen/printer/escposemu"
	"github.com/yimen-hall/yimen/printer/printertest"
)

// BenchmarkEncode reports bytes per ticket and their time on a serial wire
// (8N1: 10 bits a byte) at 9600 and 115200 baud.
func BenchmarkEncode(b *testing.B) {
	tk := printertest.Ticket()
	for _, l := range []printer.Layout{
		{Dots: printer.Dots80, QR: printer.QRNative},
		{Dots: printer.Dots80, QR: printer.QRRaster},
		{Dots: printer.Dots58, QR: printer.QRNative},
		{Dots: printer.Dots58, QR: printer.QRRaster},
	} {
		b.Run(fmt.Sprintf("%d_%s", l.Dots, l.QR), func(b *testing.B) {
			var n int
			for b.Loop() {
				p, err := printer.Encode(tk, l)
				if err != nil {
					b.Fatal(err)
				}
				n = len(p)
			}
			b.ReportMetric(float64(n), "bytes/ticket")
			b.ReportMetric(float64(n*10)/9600*1000, "wire-ms@9600")
			b.ReportMetric(float64(n*10)/115200*1000, "wire-ms@115200")
		})
	}
}

// BenchmarkFirstByte measures, on the real serial transport against the
// fake printer on a pseudo-terminal, the time from the Print call to the
// ticket's first byte (ESC @) reaching the printer, which includes the
// DLE EOT 1..4 status round trip; and the whole Print call, which also
// waits for the delivery confirmation after the ticket.
func BenchmarkFirstByte(b *testing.B) {
	f := escposemu.NewFake()
	seen := make(chan time.Time, 1)
	f.OnJobStart = func() {
		select {
		case seen <- time.Now():
		default:
		}
	}
	uri := printertest.PTYURI(b, f)
	p, err := printer.Open(uri+"?baud=9600&poll=1h", printer.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	tk := printertest.Ticket()
	var first, total []time.Duration
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		start := time.Now()
		err := p.Print(ctx, tk)
		end := time.Now()
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		first = append(first, (<-seen).Sub(start))
		total = append(total, end.Sub(start))
	}
	b.ReportMetric(pct(first, 50), "first-byte-p50-µs")
	b.ReportMetric(pct(first, 99), "first-byte-p99-µs")
	b.ReportMetric(pct(total, 99), "print-p99-µs")
}

func pct(d []time.Duration, p int) float64 {
	s := slices.Clone(d)
	slices.Sort(s)
	i := min(len(s)-1, (len(s)*p+99)/100-1)
	return float64(s[max(i, 0)].Microseconds())
}

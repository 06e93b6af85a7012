package main

import (
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/printer/escposemu"
	"github.com/yimen-hall/yimen/printer/printertest"
)

// BenchmarkKioskToFirstByte measures, through the whole daemon, the time
// from a kiosk's POST /api/tickets to the first byte of the ticket (ESC @)
// at a printer on a serial line: routing, the fsync'd commit, the status
// check and the encoding. The printer is the fake on a pseudo-terminal,
// driven by the real serial transport.
func BenchmarkKioskToFirstByte(b *testing.B) {
	fake := escposemu.NewFake()
	started := make(chan time.Time, 1)
	fake.OnJobStart = func() {
		select {
		case started <- time.Now():
		default:
		}
	}
	uri := printertest.PTYURI(b, fake) + "?baud=115200"
	m := startMain(b, func(m *Main) { m.PrinterURI = uri })
	hc := &http.Client{Timeout: 10 * time.Second}
	token := kioskToken(b, m.URL, testAdminPassword)
	var lat []time.Duration
	for b.Loop() {
		t0 := time.Now()
		resp, err := kioskPost(hc, m.URL, token, `{"service":"medicare"}`)
		if err != nil {
			b.Fatal(err)
		}
		select {
		case at := <-started:
			lat = append(lat, at.Sub(t0))
		case <-time.After(5 * time.Second):
			b.Fatal("no ticket reached the printer")
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), `"printed":true`) {
			b.Fatalf("not printed: %s", body)
		}
	}
	slices.Sort(lat)
	if testing.Verbose() {
		for _, q := range []int{50, 90, 95, 98, 99, 100} {
			b.Logf("p%d %v", q, lat[min(len(lat)-1, len(lat)*q/100)])
		}
	}
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "first-byte-p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "first-byte-p99-ms")
}

package printer

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"go.bug.st/serial/enumerator"

	"github.com/yimen-hall/yimen/printer/escposemu"
)

// SampleTicket is the ticket PrintTest prints.
func SampleTicket(now time.Time) Ticket {
	return Ticket{
		Hall:     "乐昌镇便民服务中心",
		Number:   "A001",
		Service:  "打印测试",
		Category: "系统",
		Window:   "1号窗口",
		Ahead:    0,
		Wait:     time.Minute,
		Issued:   now,
		URL:      "http://yimen.local/t/test",
		Note:     "这是一张测试票，请勿使用",
	}
}

// PrintTest opens the printer uri names, prints SampleTicket, and writes to
// w the printer's status before and after, the bytes sent and their wire
// time. For sim it also writes the decoded ticket text. It returns Print's
// error.
func PrintTest(ctx context.Context, uri string, w io.Writer, o Options) error {
	o = o.withDefaults()
	t, err := parseURI(uri)
	if err != nil {
		return err
	}
	p, err := Open(uri, o)
	if err != nil {
		return err
	}
	defer p.Close()
	tk := SampleTicket(o.Now())
	raw, err := Encode(tk, t.cfg.Layout)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "打印机 printer: %s (width %d dots, qr %s, status %v)\n", t.cfg.Name, t.cfg.Dots, t.cfg.QR, t.cfg.Status)
	start := time.Now()
	perr := p.Print(ctx, tk)
	took := time.Since(start)
	st := p.Status()
	fmt.Fprintf(w, "状态 status: %s %s\n", st.State, st.Detail)
	fmt.Fprintf(w, "字节 bytes: %d", len(raw))
	if t.cfg.Baud > 0 {
		fmt.Fprintf(w, " (%v on the wire at %d baud)", wireTime(len(raw), t.cfg.Baud).Round(time.Millisecond), t.cfg.Baud)
	}
	fmt.Fprintf(w, "\n耗时 took: %v\n", took.Round(time.Millisecond))
	if sim, ok := p.(*Sim); ok && perr == nil {
		fmt.Fprintf(w, "--- 模拟打印 sim ---\n%s", escposemu.Decode(raw).Text())
		if pv := sim.Previews(); len(pv) > 0 {
			fmt.Fprintf(w, "preview: %d bytes of HTML\n", len(pv[0].HTML))
		}
	}
	if perr != nil {
		fmt.Fprintf(w, "结果 result: 失败 %v\n", perr)
		return perr
	}
	fmt.Fprintln(w, "结果 result: 已打印 printed")
	return nil
}

// wireTime is how long n bytes take on a serial line at 8N1.
func wireTime(n, baud int) time.Duration {
	return time.Duration(n) * 10 * time.Second / time.Duration(baud)
}

// ListPorts writes the serial ports with their USB VID:PID, product and
// serial number, the /dev/serial/by-id links pointing at them, USB printer
// class devices (/dev/usb/lp*), and a printer URI for each.
func ListPorts(w io.Writer) error {
	ports, err := enumerator.GetDetailedPortsList()
	if err != nil {
		return fmt.Errorf("printer: list serial ports: %w", err)
	}
	byID := map[string][]string{}
	links, _ := filepath.Glob("/dev/serial/by-id/*")
	for _, l := range links {
		if real, err := filepath.EvalSymlinks(l); err == nil {
			byID[real] = append(byID[real], l)
		}
	}
	sort.Slice(ports, func(i, j int) bool { return ports[i].Name < ports[j].Name })
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PORT\tVID:PID\tPRODUCT\tSERIAL\tURI")
	for _, p := range ports {
		vidpid, uri := "-", "serial:"+p.Name+"?baud=9600"
		if p.IsUSB {
			vidpid = strings.ToUpper(p.VID + ":" + p.PID)
			uri += "  or  serial:usb=" + vidpid
		}
		prod := strings.TrimSpace(p.Manufacturer + " " + p.Product)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.Name, vidpid, orDash(prod), orDash(p.SerialNumber), uri)
		for _, l := range byID[p.Name] {
			fmt.Fprintf(tw, "  %s\t\t\t\tserial:%s\n", l, l)
		}
	}
	lps, _ := filepath.Glob("/dev/usb/lp*")
	for _, lp := range lps {
		if fi, err := os.Stat(lp); err == nil && fi.Mode()&os.ModeDevice != 0 {
			fmt.Fprintf(tw, "%s\t-\tUSB printer class\t-\tfile:%s\n", lp, lp)
		}
	}
	if len(ports) == 0 && len(lps) == 0 {
		fmt.Fprintln(tw, "(no serial ports or USB printers found)\t\t\t\t")
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

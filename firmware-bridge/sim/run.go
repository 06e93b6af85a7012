package sim

import (
	"context"
	"errors"
	"fmt"
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/creack/pty"
	"go.bug.st/serial"
)

// Run plays a call pad (address 1), a new LED board (learn mode,
// 64×16 bitmap) and a rating pad (address 3) against a bridge, printing
// what the displays show to w. target is one of:
//
//	pty                          create a pseudo-terminal and print its path
//	serial:/dev/ttyUSB0?baud=N   the device end of a real serial link
//	ws://host:port/path          three Wi-Fi devices on the websocket endpoint
//
// Every few seconds the pad presses 叫号, then 办结, and the villager rates:
// 非常满意, and every third time 不满意 with the reason key 1 (等候时间长),
// as the rating pad's firmware sends it. It runs until ctx ends.
func Run(ctx context.Context, target string, w io.Writer) error {
	var mu sync.Mutex
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, format+"\n", args...)
	}
	pad := NewDevice(proto.KindCallPad, 0x594d53494d000001, 1, proto.CapNumber, 0, 0)
	board := NewDevice(proto.KindLEDBoard, 0x594d53494d000002, proto.AddrUnprovisioned, proto.CapBitmap, 64, 16)
	rater := NewDevice(proto.KindRatingPad, 0x594d53494d000003, 3, 0, 0, 0)
	devs := []*Device{pad, board, rater}
	for _, d := range devs {
		d.OnShow(func(f proto.Frame) { say("%s", describeShow(d, f)) })
		say("模拟%s 硬件编号 %s", d.hello.Kind.Label(), d.HWID())
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	wg.Go(func() { script(ctx, pad, rater, say) })

	switch {
	case target == "pty":
		m, s, err := pty.Open()
		if err != nil {
			return fmt.Errorf("bridge: simulator pty: %w", err)
		}
		say("串口已就绪：%s\n请运行：yimen --bridge serial:%s?baud=9600\n然后在管理页开启学习模式，确认新设备并分配窗口", s.Name(), s.Name())
		// the master fd is in blocking mode: closing our slave fd is what
		// makes its pending Read return (EIO)
		go func() { <-ctx.Done(); s.Close(); m.Close() }()
		return serveUntil(ctx, NewBus(devs...), m)
	case strings.HasPrefix(target, "serial:"):
		c, err := proto.ParseSerialURI(target)
		if err != nil {
			return err
		}
		p, err := serial.Open(c.Path, &serial.Mode{BaudRate: c.Baud})
		if err != nil {
			return fmt.Errorf("bridge: simulator open %s: %w", c.Path, err)
		}
		go func() { <-ctx.Done(); p.Close() }()
		say("在 %s 上模拟设备（%d 波特）", c.Path, c.Baud)
		return serveUntil(ctx, NewBus(devs...), p)
	case strings.HasPrefix(target, "ws://") || strings.HasPrefix(target, "wss://"):
		errc := make(chan error, len(devs))
		for _, d := range devs {
			go func() { errc <- WS(ctx, target, d) }()
		}
		var first error
		for range devs {
			if err := <-errc; err != nil && first == nil {
				first = err
				cancel()
			}
		}
		return first
	}
	return fmt.Errorf("bridge: simulator target %q: want pty, serial:/dev/… or ws://…", target)
}

func serveUntil(ctx context.Context, bus *Bus, rw io.ReadWriter) error {
	for ctx.Err() == nil {
		err := bus.Serve(ctx, rw)
		if ctx.Err() != nil || errors.Is(err, os.ErrClosed) {
			return nil
		}
		// a pty master reads EIO until the bridge opens the port
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
	return nil
}

func script(ctx context.Context, pad, rater *Device, say func(string, ...any)) {
	step := func(d time.Duration) bool {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(d):
			return true
		}
	}
	for n := 1; step(4 * time.Second); n++ {
		say("呼叫器：按【叫号】")
		pad.Press(proto.KeyNext, 0)
		if !step(3 * time.Second) {
			return
		}
		say("呼叫器：按【办结】")
		pad.Press(proto.KeyFinish, 0)
		if !step(time.Second) {
			return
		}
		if n%3 == 0 {
			say("评价器：按【不满意】，再按原因键【1 等候时间长】")
			rater.Rate(2, 1)
			continue
		}
		say("评价器：按【非常满意】")
		rater.Rate(5, 0)
	}
}

func describeShow(d *Device, f proto.Frame) string {
	label := d.hello.Kind.Label()
	switch f.Type {
	case proto.MsgShowNumber:
		s, err := proto.ParseShowNumber(f.Payload)
		if err != nil {
			return label + "：无效显示"
		}
		num := s.Number
		if num == "" {
			num = "----"
		}
		out := label + " 显示 " + num
		if s.Waiting != proto.NoWaiting {
			out += fmt.Sprintf("  等候 %d 人", s.Waiting)
		}
		if s.Flags&proto.ShowPaused != 0 {
			out += "  暂停服务"
		}
		return out
	case proto.MsgShowText:
		s, _ := proto.ParseShowText(f.Payload)
		return label + " 显示文字「" + s.Text + "」"
	case proto.MsgShowBitmap:
		s, err := proto.ParseShowBitmap(f.Payload)
		if err != nil {
			return label + "：无效点阵"
		}
		art := strings.NewReplacer("#", "█", ".", " ").Replace(s.Bitmap.String())
		return fmt.Sprintf("%s 显示点阵 %d×%d：\n%s", label, s.Bitmap.W, s.Bitmap.H, art)
	}
	return label + " 收到 " + f.Type.String()
}

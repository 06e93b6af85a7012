package printertest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/yimen-hall/yimen/printer"
	"github.com/yimen-hall/yimen/printer/escposemu"
)

// Ticket is the ticket the suite prints.
func Ticket() printer.Ticket {
	return printer.Ticket{
		Hall: "乐昌镇便民服务中心", Number: "B012", Service: "新农合报销", Category: "民生事业",
		Window: "3号窗口 / 5号窗口", Ahead: 3, Wait: 15 * time.Minute,
		Issued: time.Date(2026, 11, 21, 9, 32, 5, 0, time.UTC),
		URL:    "http://192.168.1.10:8080/t/20261121-B012", Note: "请留意叫号，过号请重新取号",
	}
}

// deadline is what the kiosk gives Print here. It is longer than Timeout so
// that a refusal shows the printer's own verdict (no answer), not the
// caller's expired context.
const deadline = 10 * time.Second

// slack absorbs scheduling delays on a loaded machine. The timing checks
// below catch a Print that ignores its deadline or the status timeout
// (it would hang for good or for seconds more), not small overruns.
const slack = 2 * time.Second

// Conformance runs the behaviour every printer transport must show against
// a scripted Fake: printing, refusing when not ready, no answer, stray and
// unsolicited bytes, unplug mid-ticket, deadlines and concurrent callers.
func Conformance(t *testing.T, open Opener) {
	type env struct {
		f   *escposemu.Fake
		p   printer.Printer
		rec *Recorder
	}
	setup := func(t *testing.T, st escposemu.State) env {
		f := escposemu.NewFake()
		f.SetState(st)
		rec := &Recorder{}
		return env{f, open(t, f, printer.Options{OnStatus: rec.On}), rec}
	}
	print := func(t *testing.T, p printer.Printer) (error, time.Duration) {
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		start := time.Now()
		err := p.Print(ctx, Ticket())
		took := time.Since(start)
		if took > deadline+slack {
			t.Errorf("Print took %v, deadline %v", took, deadline)
		}
		return err, took
	}
	checkTicket := func(t *testing.T, j escposemu.Job) {
		t.Helper()
		var num *escposemu.Line
		for _, l := range j.Doc.Lines() {
			if l.Text == "B012" {
				num = &l
			}
		}
		if num == nil || num.Height < 4 {
			t.Errorf("number not printed large: %+v\n%s", num, j.Doc.Text())
		}
		if q := j.Doc.QRs(); len(q) != 1 || q[0].Payload != Ticket().URL {
			t.Errorf("QR %+v, want %q", q, Ticket().URL)
		}
		if j.Doc.Cuts() != 1 || j.Doc.Unknown != 0 || len(j.Doc.Warnings) > 0 {
			t.Errorf("cuts %d unknown %d warnings %q", j.Doc.Cuts(), j.Doc.Unknown, j.Doc.Warnings)
		}
	}
	wantFault := func(t *testing.T, err error, states ...printer.State) *printer.Fault {
		t.Helper()
		var f *printer.Fault
		if !errors.As(err, &f) {
			t.Fatalf("Print = %v, want *Fault %v", err, states)
		}
		for _, s := range states {
			if f.State == s {
				if f.Detail == "" {
					t.Errorf("fault %v has no Chinese detail", s)
				}
				return f
			}
		}
		t.Errorf("fault state %q (%s), want one of %v", f.State, f.Detail, states)
		return f
	}

	t.Run("ok", func(t *testing.T) {
		e := setup(t, escposemu.State{})
		if err, _ := print(t, e.p); err != nil {
			t.Fatal(err)
		}
		jobs := e.f.Jobs()
		if len(jobs) != 1 {
			t.Fatalf("printer got %d tickets, want 1", len(jobs))
		}
		checkTicket(t, jobs[0])
		if s := e.p.Status(); s.State != printer.StateOK {
			t.Errorf("status %+v", s)
		}
		if !Eventually(Patience, func() bool { return e.rec.Saw(printer.StateOK) }) {
			t.Errorf("OnStatus saw %v, want ok", e.rec.States())
		}
	})

	for _, tc := range []struct {
		name string
		st   escposemu.State
		want printer.State
	}{
		{"paper_end", escposemu.State{PaperEnd: true}, printer.StatePaperEnd},
		{"cover_open", escposemu.State{CoverOpen: true}, printer.StateCoverOpen},
		{"cutter_error", escposemu.State{CutterError: true}, printer.StateCutterError},
		{"offline", escposemu.State{Offline: true}, printer.StateOffline},
		{"no_answer", escposemu.State{Silent: true}, printer.StateNoAnswer},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := setup(t, tc.st)
			err, took := print(t, e.p)
			wantFault(t, err, tc.want)
			// At worst Print waits out a status poll already under way,
			// then its own query: two status timeouts.
			if took > 2*Timeout+slack {
				t.Errorf("refusal took %v, want it within two status timeouts (%v each)", took, Timeout)
			}
			if n := len(e.f.Jobs()); n != 0 {
				t.Errorf("printer got %d tickets while %s", n, tc.want)
			}
			if !Eventually(Patience, func() bool { return e.rec.Saw(tc.want) }) {
				t.Errorf("OnStatus saw %v, want %s", e.rec.States(), tc.want)
			}
			// Fixed: the next ticket prints.
			e.f.SetState(escposemu.State{})
			if err, _ := print(t, e.p); err != nil {
				t.Errorf("after recovery: %v", err)
			}
		})
	}

	t.Run("near_end", func(t *testing.T) {
		e := setup(t, escposemu.State{NearEnd: true})
		if err, _ := print(t, e.p); err != nil {
			t.Fatalf("near end must still print: %v", err)
		}
		if s := e.p.Status(); s.State != printer.StateNearEnd {
			t.Errorf("status %+v", s)
		}
		if !Eventually(Patience, func() bool { return e.rec.Saw(printer.StateNearEnd) }) {
			t.Errorf("OnStatus saw %v", e.rec.States())
		}
	})

	t.Run("garbage", func(t *testing.T) {
		e := setup(t, escposemu.State{})
		// noise, XOFF/XON, a stray DLE EOT reply, an ASB block saying all
		// is well, GS r replies
		e.f.Inject([]byte{0xFF, 0x80, 0xAA, 0x13, 0x11, 0x12, 0x12, 0x10, 0x00, 0x00, 0x00, 0x0F, 0x00, 0xFE})
		for range 3 {
			if err, _ := print(t, e.p); err != nil {
				t.Fatal(err)
			}
			// 0x7E is a well-formed DLE EOT reply nobody asked for
			// ("everything wrong"); a fault must be confirmed before
			// a ticket is refused.
			e.f.Inject([]byte{0x12, 0xC3, 0x7E})
		}
		jobs := e.f.Jobs()
		if len(jobs) != 3 {
			t.Fatalf("printer got %d tickets, want 3", len(jobs))
		}
		for _, j := range jobs {
			checkTicket(t, j)
		}
		// An unsolicited ASB block reporting paper end is noticed without
		// a query. (The fake still answers queries with "ok", so the idle
		// poller may turn the status back at once: look at what OnStatus
		// was told, not at the status afterwards.)
		e.f.Inject([]byte{0x10, 0x00, 0x0C, 0x00})
		if !Eventually(Patience, func() bool { return e.rec.Saw(printer.StatePaperEnd) }) {
			t.Errorf("ASB paper end not noticed: OnStatus saw %v", e.rec.States())
		}
	})

	t.Run("unplug_mid_ticket", func(t *testing.T) {
		e := setup(t, escposemu.State{})
		e.f.UnplugMidTicket(100)
		err, _ := print(t, e.p)
		f := wantFault(t, err, printer.StateOffline, printer.StateNoAnswer)
		if f.Sent == 0 {
			t.Logf("fault reports 0 bytes sent (write buffered before unplug): %v", err)
		}
		if !Eventually(Patience, func() bool { return e.p.Status().State == printer.StateOffline }) {
			t.Errorf("status after unplug %+v", e.p.Status())
		}
		if !Eventually(Patience, func() bool { return e.rec.Saw(printer.StateOffline) }) {
			t.Errorf("OnStatus saw %v, want offline", e.rec.States())
		}
		// A Print while unplugged fails fast with a Fault, never a panic.
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		start := time.Now()
		err = e.p.Print(ctx, Ticket())
		var pf *printer.Fault
		if err == nil || !errors.As(err, &pf) {
			// The in-process link redials the same Fake, which is back.
			if err != nil {
				t.Errorf("Print while unplugged = %v", err)
			}
		} else if time.Since(start) > Timeout+slack {
			t.Errorf("Print while unplugged took %v", time.Since(start))
		}
	})

	t.Run("deadline", func(t *testing.T) {
		e := setup(t, escposemu.State{Silent: true})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := e.p.Print(ctx, Ticket())
		// Ignoring ctx would wait out the status timeout (3 s).
		if took := time.Since(start); took > Timeout/2 {
			t.Errorf("Print took %v with a 50ms deadline", took)
		}
		wantFault(t, err, printer.StateNoAnswer)
	})

	t.Run("concurrent", func(t *testing.T) {
		e := setup(t, escposemu.State{})
		var wg sync.WaitGroup
		errs := make(chan error, 5)
		for range 5 {
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				errs <- e.p.Print(ctx, Ticket())
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Error(err)
			}
		}
		jobs := e.f.Jobs()
		if len(jobs) != 5 {
			t.Fatalf("printer got %d tickets, want 5", len(jobs))
		}
		for _, j := range jobs {
			checkTicket(t, j)
		}
	})

	t.Run("close", func(t *testing.T) {
		e := setup(t, escposemu.State{})
		if err := e.p.Close(); err != nil {
			t.Fatal(err)
		}
		if err := e.p.Close(); err != nil {
			t.Fatal(err)
		}
		if err := e.p.Print(context.Background(), Ticket()); !errors.Is(err, printer.ErrClosed) {
			t.Errorf("Print after Close = %v", err)
		}
	})
}

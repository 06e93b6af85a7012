// Package kiosk issues a ticket end to end: routing and the durable commit
// (queue), then the print job, then the answer the touchscreen shows. A
// printer fault never costs the villager their number: the ticket is
// issued first, the answer says it did not print, the manager is told, and
// the ticket can be reprinted.
package kiosk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/yimen-hall/yimen/printer"
	"github.com/yimen-hall/yimen/queue"
)

// Printer prints one ticket; printer.Printer satisfies it.
type Printer interface {
	Print(ctx context.Context, t printer.Ticket) error
}

// Kiosk issues and reprints tickets.
type Kiosk struct {
	engine  *queue.Engine
	printer Printer
	logger  *slog.Logger
	// PrintTimeout bounds how long a kiosk waits on the printer.
	printTimeout time.Duration
}

// Options configures a kiosk.
type Options struct {
	Logger       *slog.Logger
	PrintTimeout time.Duration // 2 s when zero
}

// New returns a kiosk printing on p (nil: no printer).
func New(e *queue.Engine, p Printer, o Options) *Kiosk {
	k := &Kiosk{engine: e, printer: p, logger: o.Logger, printTimeout: o.PrintTimeout}
	if k.logger == nil {
		k.logger = slog.New(slog.DiscardHandler)
	}
	if k.printTimeout == 0 {
		k.printTimeout = 2 * time.Second
	}
	return k
}

// Result is what the kiosk screen shows after a tap.
type Result struct {
	queue.Issued
	Printed    bool
	PrintError string // Chinese, when it did not print
}

// Issue takes a number for a service and prints it. url gives the status
// page address for a token (the QR code's payload).
func (k *Kiosk) Issue(ctx context.Context, service string, priority bool, url func(token string) string) (Result, error) {
	kind := ""
	if priority {
		kind = queue.PriorityAny
	}
	return k.IssueKind(ctx, service, kind, url)
}

// IssueKind is Issue with the priority kind the villager chose (see
// queue.Engine.IssueKind).
func (k *Kiosk) IssueKind(ctx context.Context, service, kind string, url func(token string) string) (Result, error) {
	is, err := k.engine.IssueKind(ctx, service, kind)
	return k.printIssued(ctx, is, err, url)
}

// printIssued prints a ticket the engine has just issued (unless it
// refused).
func (k *Kiosk) printIssued(ctx context.Context, is queue.Issued, err error, url func(token string) string) (Result, error) {
	if err != nil {
		return Result{}, err
	}
	r := Result{Issued: is}
	r.Printed, r.PrintError = k.print(ctx, is, url(is.Ticket.Token()))
	return r, nil
}

// Pickup gives a villager who came back for a finished 承诺件 a ticket
// ahead of the walk-ins, and prints it; ref is the old ticket's number or
// token (queue.Engine.Pickup).
func (k *Kiosk) Pickup(ctx context.Context, ref string, url func(token string) string) (Result, error) {
	is, err := k.engine.Pickup(ctx, ref)
	return k.printIssued(ctx, is, err, url)
}

// CheckIn gives a villager with an appointment (预约) their ticket, and
// prints it; code is the six-digit booking code (queue.Engine.CheckIn).
func (k *Kiosk) CheckIn(ctx context.Context, code string, url func(token string) string) (Result, error) {
	is, err := k.engine.CheckIn(ctx, code)
	return k.printIssued(ctx, is, err, url)
}

// CheckInByPhone is CheckIn for a villager without the code: the booking
// of today for a service and slot whose phone ends with last4, picked on
// the kiosk from the list it showed (queue.Engine.CheckInByPhone).
func (k *Kiosk) CheckInByPhone(ctx context.Context, last4, service, slot string, url func(token string) string) (Result, error) {
	is, err := k.engine.CheckInByPhone(ctx, last4, service, slot)
	return k.printIssued(ctx, is, err, url)
}

// Reprint prints one of today's tickets again, e.g. after the printer was
// refilled.
func (k *Kiosk) Reprint(ctx context.Context, ticketID string, url func(token string) string) (Result, error) {
	var (
		is    queue.Issued
		found bool
	)
	k.engine.Read(func(s *queue.State) {
		if p := s.Tickets[ticketID]; p != nil {
			found = true
			is = queue.Issued{Ticket: *p, Ahead: s.Ahead(p), Wait: s.EstimatedWait(p), NoWindow: p.Waiting() && s.OpenWindows(p.Category) == 0}
		}
	})
	if !found {
		return Result{}, &queue.Error{Kind: queue.NotFound, Code: "unknown_ticket", Message: "没有这张号票"}
	}
	r := Result{Issued: is}
	r.Printed, r.PrintError = k.print(ctx, is, url(is.Ticket.Token()))
	return r, nil
}

func (k *Kiosk) print(ctx context.Context, is queue.Issued, url string) (bool, string) {
	if k.printer == nil {
		return false, "本机未连接打印机"
	}
	h := k.engine.Hall()
	t := is.Ticket
	pt := printer.Ticket{
		Hall: h.Name, Number: t.Number, Priority: t.Priority,
		Ahead: is.Ahead, Wait: is.Wait, NoWindow: is.NoWindow,
		Issued: t.IssuedAt().In(h.Location()), URL: url,
	}
	if t.Priority {
		pt.Kind = queue.PriorityNames[t.Kind()]
	}
	if svc, ok := h.Service(t.Service); ok {
		pt.Service, pt.Note = svc.Name, serviceNote(svc)
	}
	if t.Pickup() != "" {
		pt.Note = "取件号：请凭身份证到窗口领取办结的材料"
	}
	if c, ok := h.Category(t.Category); ok {
		pt.Category = c.Name
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), k.printTimeout)
	defer cancel()
	err := k.printer.Print(pctx, pt)
	if errors.Is(err, printer.ErrNoPrinter) {
		// The hall has no printer (--printer none): as without one,
		// nothing to record, and no second commit for every ticket.
		return false, "本机未连接打印机"
	}
	detail := ""
	if err != nil {
		detail = faultText(err)
		k.logger.Warn("ticket not printed", "ticket", t.ID, "err", err)
	}
	// Recorded either way, so that the ledger and the manager know which
	// tickets never came out whole.
	if merr := k.engine.MarkPrinted(context.WithoutCancel(ctx), t.ID, err == nil, detail); merr != nil {
		k.logger.Error("print result not recorded", "ticket", t.ID, "err", merr)
	}
	return err == nil, detail
}

// serviceNote is the line printed under the code: what to bring (一次性告知)
// and the service's own note, unless that says what to bring already.
func serviceNote(svc *queue.Service) string {
	if len(svc.Bring) == 0 {
		return svc.Note
	}
	note := "请带好：" + strings.Join(svc.Bring, "、") + "。"
	if svc.Note != "" && !strings.HasPrefix(svc.Note, "请带好") {
		note += svc.Note
	}
	return note
}

// faultText says in Chinese why a ticket did not print.
func faultText(err error) string {
	var f *printer.Fault
	if errors.As(err, &f) && f.Detail != "" {
		return fmt.Sprintf("打印失败：%s", f.Detail)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "打印机无响应"
	}
	return "打印失败"
}

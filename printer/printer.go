package printer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Ticket is what goes on paper. All strings are UTF-8; Issued is already in
// hall local time.
type Ticket struct {
	Hall     string        // "乐昌镇便民服务中心"
	Number   string        // "B012", printed very large
	Service  string        // "新农合报销"
	Category string        // "民生事业"
	Window   string        // optional hint, e.g. "3号窗口 / 5号窗口"
	Priority bool          // print the "优先" marker
	Kind     string        // under it, why: "老弱病残孕优先", "绿色通道"
	Ahead    int           // people ahead: "您前面还有 3 人"
	Wait     time.Duration // estimated wait: "预计等候约 15 分钟"
	// NoWindow: no open window serves the ticket's line, so there is no
	// estimate; the ticket says so instead.
	NoWindow bool
	Issued   time.Time
	URL      string // QR payload: the ticket's live status page
	Note     string // a short line from the service commitment
}

// Options are the hooks a printer reports through.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time
	// OnStatus is called on every status change, from one goroutine, in
	// order. It may be nil. It must not call Print.
	OnStatus func(Status)
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Printer prints tickets.
type Printer interface {
	// Print prints one ticket. It returns within ctx's deadline. When the
	// printer is not ready, or fails while printing, the error is a *Fault
	// (use errors.As) carrying the State. The "none" printer returns
	// ErrNoPrinter. After Close it returns ErrClosed.
	Print(ctx context.Context, t Ticket) error
	// Status returns the last known status.
	Status() Status
	// Close stops the status poller and closes the device.
	Close() error
}

// State is a printer condition.
type State string

// States, from healthy to faulty.
const (
	StateOK          State = "ok"
	StateNearEnd     State = "near_end"     // paper near end: prints, but warn
	StatePaperEnd    State = "paper_end"    // out of paper
	StateCoverOpen   State = "cover_open"   // cover open
	StateOffline     State = "offline"      // offline, other error, or device gone
	StateCutterError State = "cutter_error" // auto-cutter jammed
	StateNoAnswer    State = "no_answer"    // no reply to status queries
	StateUnknown     State = "unknown"      // not yet checked, or no return line
)

// Ready reports whether a ticket may be sent in this state. StateUnknown is
// ready only on printers wired write-only (status=none), which never leave
// it.
func (s State) Ready() bool { return s == StateOK || s == StateNearEnd || s == StateUnknown }

// Status is a printer's condition at a moment.
type Status struct {
	State  State
	Detail string // Chinese, for the manager: "打印机缺纸"
	At     time.Time
}

func (s Status) same(o Status) bool { return s.State == o.State && s.Detail == o.Detail }

// details are the default Chinese texts for each state.
var details = map[State]string{
	StateOK:          "打印机正常",
	StateNearEnd:     "打印纸即将用完，请准备换纸",
	StatePaperEnd:    "打印机缺纸",
	StateCoverOpen:   "打印机上盖未合上",
	StateOffline:     "打印机离线",
	StateCutterError: "打印机切刀故障",
	StateNoAnswer:    "打印机无应答，请检查电源和连线",
	StateUnknown:     "打印机状态未知",
}

// Detail returns the standard Chinese description of s.
func (s State) Detail() string { return details[s] }

// Fault is the error Print returns when the printer is not ready or fails
// while printing.
type Fault struct {
	Status       // the printer's condition when Print gave up
	Sent   int   // ticket bytes written before the failure (0: nothing printed)
	Err    error // underlying I/O error, if any
}

func (f *Fault) Error() string {
	s := fmt.Sprintf("printer: %s (%s)", f.State, f.Detail)
	if f.Sent > 0 {
		s += fmt.Sprintf(", after %d bytes", f.Sent)
	}
	if f.Err != nil {
		s += ": " + f.Err.Error()
	}
	return s
}

func (f *Fault) Unwrap() error { return f.Err }

var (
	// ErrNoPrinter is returned by the "none" printer: the hall has no
	// printer, the ticket is shown on screen only, and nothing is wrong.
	ErrNoPrinter = errors.New("printer: no printer configured")
	// ErrClosed is returned by Print after Close.
	ErrClosed = errors.New("printer: closed")
)

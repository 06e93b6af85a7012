package printer

import (
	"context"
	"html/template"
	"io"
	"sync"
	"time"

	"github.com/yimen-hall/yimen/printer/escposemu"
)

// Preview is a ticket the simulated printer printed, rendered for the
// manager's page.
type Preview struct {
	Number string
	At     time.Time
	HTML   template.HTML // the decoded byte stream rendered by escposemu
	Bytes  int           // ESC/POS bytes of the ticket
}

// Previewer is implemented by printers that keep previews (the sim).
type Previewer interface {
	Previews() []Preview
}

// MaxPreviews is how many tickets the sim keeps.
const MaxPreviews = 20

type simOptions struct{ state State }

// Sim is the simulated printer: the real Device driving an in-process
// escposemu.Fake, so previews show exactly the bytes a paper printer would
// get, decoded.
type Sim struct {
	*Device
	fake *escposemu.Fake
	now  func() time.Time

	mu       sync.Mutex
	previews []Preview // oldest first
}

var (
	_ Printer   = (*Sim)(nil)
	_ Previewer = (*Sim)(nil)
)

func newSim(c Config, so simOptions, o Options) (*Sim, error) {
	o = o.withDefaults()
	s := &Sim{fake: escposemu.NewFake(), now: o.Now}
	s.SetState(so.state)
	c.Status = true
	c.Baud = 0
	s.Device = New(func(context.Context) (io.ReadWriteCloser, error) { return s.fake.Conn(), nil }, c, o)
	return s, nil
}

// SetState makes the simulated printer report s ("" or ok = healthy), to
// rehearse the manager's alarms. The change shows at the next check.
func (s *Sim) SetState(st State) {
	var fs escposemu.State
	switch st {
	case StateNearEnd:
		fs.NearEnd = true
	case StatePaperEnd:
		fs.PaperEnd = true
	case StateCoverOpen:
		fs.CoverOpen = true
	case StateOffline:
		fs.Offline = true
	case StateCutterError:
		fs.CutterError = true
	case StateNoAnswer:
		fs.Silent = true
	}
	s.fake.SetState(fs)
}

// Print prints through the Device and keeps a preview of what arrived.
func (s *Sim) Print(ctx context.Context, t Ticket) error {
	err := s.Device.Print(ctx, t)
	jobs := s.fake.TakeJobs()
	if err != nil || len(jobs) == 0 {
		return err
	}
	j := jobs[len(jobs)-1]
	p := Preview{Number: t.Number, At: s.now(), HTML: escposemu.HTML(j.Doc, s.cfg.Dots), Bytes: len(j.Raw)}
	s.mu.Lock()
	s.previews = append(s.previews, p)
	if len(s.previews) > MaxPreviews {
		s.previews = append([]Preview(nil), s.previews[len(s.previews)-MaxPreviews:]...)
	}
	s.mu.Unlock()
	return nil
}

// Previews returns the last MaxPreviews tickets, newest first.
func (s *Sim) Previews() []Preview {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Preview, len(s.previews))
	for i, p := range s.previews {
		out[len(out)-1-i] = p
	}
	return out
}

// none is the "none" printer.
type none struct{ st Status }

func newNone(o Options) *none {
	o = o.withDefaults()
	return &none{st: Status{State: StateUnknown, Detail: "未配置打印机（仅屏幕显示）", At: o.Now()}}
}

func (n *none) Print(ctx context.Context, t Ticket) error { return ErrNoPrinter }
func (n *none) Status() Status                            { return n.st }
func (n *none) Close() error                              { return nil }

package printer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Dialer opens the byte link to a printer. The Device calls it again, with
// backoff, after the link fails, so a replugged printer is found again by
// path, by-id link or VID:PID.
//
// Read on the link may return (0, nil) on a timeout. Close must unblock a
// pending Read where the platform allows it.
type Dialer func(ctx context.Context) (io.ReadWriteCloser, error)

// Config is how a Device drives its printer.
type Config struct {
	Layout
	Name    string        // shown in logs, e.g. "serial:/dev/ttyUSB0"
	Status  bool          // the link has a return line: query DLE EOT 1..4
	Poll    time.Duration // status query interval while idle; default 5s
	Timeout time.Duration // wait for status replies; default 500ms
	Baud    int           // for the wire-time estimate; 0 = fast link
}

// Device is an ESC/POS printer on a Dialer's link. It checks status before
// each ticket and every Poll while idle, confirms delivery after each ticket
// with a second real-time query, and reconnects after failures.
type Device struct {
	cfg  Config
	dial Dialer
	log  *slog.Logger
	now  func() time.Time

	sem chan struct{} // one Print or poll at a time

	mu       sync.Mutex
	link     *link
	status   Status
	backoff  time.Duration
	nextDial time.Time

	notify chan Status
	closed chan struct{}
	once   sync.Once
	wg     sync.WaitGroup
}

var _ Printer = (*Device)(nil)

const (
	backoffMin = 250 * time.Millisecond
	backoffMax = 5 * time.Second
	chunk      = 256 // bytes per write, so XOFF is honoured within a chunk
)

// New returns a Device that reaches its printer through dial. It starts the
// status poller; call Close to stop it.
func New(dial Dialer, c Config, o Options) *Device {
	o = o.withDefaults()
	if c.Dots == 0 {
		c.Dots = Dots80
	}
	if c.QR == "" {
		c.QR = QRNative
	}
	if c.Poll <= 0 {
		c.Poll = 5 * time.Second
	}
	if c.Timeout <= 0 {
		c.Timeout = 500 * time.Millisecond
	}
	d := &Device{
		cfg:    c,
		dial:   dial,
		log:    o.Logger.With("printer", c.Name),
		now:    o.Now,
		sem:    make(chan struct{}, 1),
		notify: make(chan Status, 64),
		closed: make(chan struct{}),
	}
	d.status = Status{State: StateUnknown, Detail: details[StateUnknown], At: d.now()}
	if !c.Status {
		d.status.Detail = "只写连接，无状态回传"
	}
	d.wg.Add(2)
	go d.notifier(o.OnStatus)
	go d.poller()
	return d
}

// Status returns the last known status.
func (d *Device) Status() Status {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.status
}

// Close stops the poller and closes the link. It is safe to call twice.
func (d *Device) Close() error {
	d.once.Do(func() {
		close(d.closed)
		d.mu.Lock()
		l := d.link
		d.link = nil
		d.mu.Unlock()
		if l != nil {
			l.kill(ErrClosed)
		}
		d.wg.Wait()
	})
	return nil
}

// Print sends one ticket. See Printer.
func (d *Device) Print(ctx context.Context, t Ticket) error {
	select {
	case <-d.closed:
		return ErrClosed
	default:
	}
	p, err := Encode(t, d.cfg.Layout)
	if err != nil {
		return err
	}
	select {
	case d.sem <- struct{}{}:
	case <-ctx.Done():
		return &Fault{Status: d.faultStatus(StateNoAnswer, "打印机忙，上一张票尚未完成"), Err: ctx.Err()}
	case <-d.closed:
		return ErrClosed
	}
	defer func() { <-d.sem }()

	l, err := d.connect(ctx)
	if err != nil {
		return &Fault{Status: d.Status(), Err: err}
	}
	if !d.cfg.Status {
		n, err := l.send(ctx, p)
		if err != nil {
			return d.writeFault(l, n, len(p), err)
		}
		return nil
	}
	st, err := d.check(ctx, l, nil)
	if err == nil && !st.State.Ready() && st.State != StateNoAnswer {
		// Confirm a fault: a stray status byte (a reply to DLE EOT that
		// raster data happened to contain, or line noise) shifts the replies
		// of one round, never of two.
		st, err = d.check(ctx, l, nil)
	}
	if err != nil || !st.State.Ready() || st.State == StateUnknown {
		return d.fault(st, err, 0, len(p))
	}
	// The ticket and, behind it, a second real-time query: its replies
	// arrive only once the printer has received the whole ticket, and they
	// tell whether it ran out of paper or lost its cover on the way.
	st, err = d.check(ctx, l, p)
	if err == nil && !st.State.Ready() && st.State != StateNoAnswer {
		st, err = d.check(ctx, l, nil)
	}
	if err != nil || !st.State.Ready() {
		return d.fault(st, err, min(int(l.sent.Load()), len(p)), len(p))
	}
	return nil
}

// fault builds Print's error. A context that ended first is reported as
// no_answer without being recorded as the printer's status.
func (d *Device) fault(st Status, err error, sent, total int) *Fault {
	f := &Fault{Status: st, Sent: sent, Err: err}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		f.Status = d.faultStatus(StateNoAnswer, "打印机未在时限内应答")
		if sent > 0 {
			f.Detail = fmt.Sprintf("打印确认超时（已发送 %d/%d 字节），票据可能仍在打印", sent, total)
		}
	}
	return f
}

// faultStatus describes a condition for a Fault without recording it as
// the printer's status.
func (d *Device) faultStatus(s State, detail string) Status {
	return Status{State: s, Detail: detail, At: d.now()}
}

func (d *Device) writeFault(l *link, n, total int, err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return &Fault{Status: d.faultStatus(StateNoAnswer, fmt.Sprintf("打印写入超时（已发送 %d/%d 字节）", n, total)), Sent: n, Err: err}
	}
	d.lost(l, err)
	return &Fault{Status: d.Status(), Sent: n, Err: err}
}

// connect returns the live link, dialling if there is none and the backoff
// allows.
func (d *Device) connect(ctx context.Context) (*link, error) {
	d.mu.Lock()
	if l := d.link; l != nil && !l.dead() {
		d.mu.Unlock()
		return l, nil
	}
	if wait := d.nextDial.Sub(d.now()); wait > 0 {
		d.mu.Unlock()
		return nil, fmt.Errorf("printer: reconnecting in %v", wait.Round(time.Millisecond))
	}
	d.mu.Unlock()

	rwc, err := d.dial(ctx)
	d.mu.Lock()
	defer d.mu.Unlock()
	if err != nil {
		d.backoff = min(max(d.backoff*2, backoffMin), backoffMax)
		d.nextDial = d.now().Add(d.backoff)
		d.setStatusLocked(StateOffline, "打印机未连接")
		d.log.Debug("dial failed", "err", err, "retry", d.backoff)
		return nil, err
	}
	select {
	case <-d.closed:
		rwc.Close()
		return nil, ErrClosed
	default:
	}
	d.backoff, d.nextDial = 0, time.Time{}
	l := newLink(rwc)
	d.link = l
	d.log.Info("printer connected")
	go d.reader(l)
	return l, nil
}

// lost forgets a failed link and records the printer as gone.
func (d *Device) lost(l *link, err error) {
	l.kill(err)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.link != l {
		return
	}
	d.link = nil
	select {
	case <-d.closed:
		return
	default:
	}
	d.log.Warn("printer link lost", "err", err)
	d.setStatusLocked(StateOffline, "打印机已断开")
}

// check sends ticket (may be nil) followed by DLE EOT 1..4 and waits for
// the four replies. It records and returns the resulting status.
func (d *Device) check(ctx context.Context, l *link, ticket []byte) (Status, error) {
	l.drain()
	p := append(append([]byte(nil), ticket...), statusQuery...)
	if n, err := l.send(ctx, p); err != nil {
		return d.statusOf(d.writeFault(l, n, len(p), err)), err
	}
	wait := d.cfg.Timeout
	if d.cfg.Baud > 0 {
		wait += time.Duration(len(p)) * 10 * time.Second / time.Duration(d.cfg.Baud)
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	var r [4]byte
	for i := range r {
		select {
		case r[i] = <-l.eot:
		case <-l.done:
			d.lost(l, l.err)
			return d.Status(), l.err
		case <-timer.C:
			detail := details[StateNoAnswer]
			if i > 0 {
				detail = "打印机应答不完整，请检查连线"
			}
			return d.setStatus(StateNoAnswer, detail), nil
		case <-ctx.Done():
			return d.Status(), ctx.Err()
		}
	}
	s, detail := fromEOT(r)
	return d.setStatus(s, detail), nil
}

func (d *Device) statusOf(err error) Status {
	var f *Fault
	if errors.As(err, &f) {
		return f.Status
	}
	return d.Status()
}

// reader classifies everything the printer sends until the link dies.
func (d *Device) reader(l *link) {
	var c classifier
	buf := make([]byte, 64)
	for {
		n, err := l.rwc.Read(buf)
		for _, b := range buf[:n] {
			ev := c.feed(b)
			switch ev.kind {
			case evEOT:
				select {
				case l.eot <- ev.b:
				default: // nobody asked; drop
				}
			case evXOFF:
				l.xoff.Store(true)
			case evXON:
				l.xoff.Store(false)
				select {
				case l.xon <- struct{}{}:
				default:
				}
			case evASB:
				s, detail := fromASB(ev.asb)
				d.setStatus(s, detail)
			case evGarbage:
				d.log.Debug("unexpected byte from printer", "byte", fmt.Sprintf("%#02x", ev.b))
			}
		}
		if err != nil {
			d.lost(l, err)
			return
		}
		if l.dead() {
			return
		}
	}
}

// poller checks the printer every Poll while idle, and reconnects.
func (d *Device) poller() {
	defer d.wg.Done()
	t := time.NewTicker(d.cfg.Poll)
	defer t.Stop()
	first := time.After(0)
	for {
		select {
		case <-d.closed:
			return
		case <-first:
		case <-t.C:
		}
		select {
		case d.sem <- struct{}{}:
		default:
			continue // a ticket is printing; its check is fresher
		}
		ctx, cancel := context.WithTimeout(context.Background(), d.cfg.Timeout+time.Second)
		go func() { // Close cancels a poll in progress
			select {
			case <-d.closed:
				cancel()
			case <-ctx.Done():
			}
		}()
		if l, err := d.connect(ctx); err == nil && d.cfg.Status {
			d.check(ctx, l, nil)
		}
		cancel()
		<-d.sem
	}
}

// setStatus records a status and queues OnStatus if it changed.
func (d *Device) setStatus(s State, detail string) Status {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.setStatusLocked(s, detail)
}

func (d *Device) setStatusLocked(s State, detail string) Status {
	st := Status{State: s, Detail: detail, At: d.now()}
	changed := !st.same(d.status)
	d.status = st
	if changed {
		d.log.Info("printer status", "state", s, "detail", detail)
		select {
		case d.notify <- st:
		default:
			d.log.Warn("status callback lagging; change dropped", "state", s)
		}
	}
	return st
}

// notifier calls OnStatus in order, outside any lock, and survives a
// panicking callback.
func (d *Device) notifier(fn func(Status)) {
	defer d.wg.Done()
	call := func(st Status) {
		defer func() {
			if r := recover(); r != nil {
				d.log.Error("OnStatus panicked", "panic", r)
			}
		}()
		fn(st)
	}
	for {
		select {
		case st := <-d.notify:
			if fn != nil {
				call(st)
			}
		case <-d.closed:
			return
		}
	}
}

// link is one open connection to the printer.
type link struct {
	rwc  io.ReadWriteCloser
	eot  chan byte     // DLE EOT replies
	xon  chan struct{} // XON seen
	xoff atomic.Bool   // printer asked us to pause
	wmu  chan struct{} // serialises writes; a stuck write keeps it
	sent atomic.Int64  // bytes of the current send written

	done chan struct{}
	once sync.Once
	err  error // why the link died; set before done is closed
}

func newLink(rwc io.ReadWriteCloser) *link {
	return &link{
		rwc:  rwc,
		eot:  make(chan byte, 16),
		xon:  make(chan struct{}, 1),
		wmu:  make(chan struct{}, 1),
		done: make(chan struct{}),
	}
}

func (l *link) kill(err error) {
	l.once.Do(func() {
		if err == nil {
			err = io.ErrClosedPipe
		}
		l.err = err
		close(l.done)
		l.rwc.Close()
	})
}

func (l *link) dead() bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

// drain discards stale status replies before a query.
func (l *link) drain() {
	for {
		select {
		case <-l.eot:
		default:
			return
		}
	}
}

// send writes p in chunks, pausing while the printer has sent XOFF. It
// returns when p is written, the link fails, or ctx ends; in the last case
// the write goes on in the background (a ticket is never cut off half-way by
// us) and later writes queue behind it.
func (l *link) send(ctx context.Context, p []byte) (int, error) {
	select {
	case l.wmu <- struct{}{}:
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-l.done:
		return 0, l.err
	}
	l.sent.Store(0)
	res := make(chan error, 1)
	go func() {
		defer func() { <-l.wmu }()
		res <- l.write(p)
	}()
	select {
	case err := <-res:
		return int(l.sent.Load()), err
	case <-ctx.Done():
		return int(l.sent.Load()), ctx.Err()
	}
}

// xoffLimit is how long an XOFF may hold a write before the link is
// treated as dead.
const xoffLimit = 30 * time.Second

func (l *link) write(p []byte) error {
	for len(p) > 0 {
		if l.xoff.Load() {
			select {
			case <-l.xon:
			case <-l.done:
				return l.err
			case <-time.After(xoffLimit):
				err := errors.New("printer: paused by XOFF for too long")
				l.kill(err)
				return err
			}
			continue
		}
		n, err := l.rwc.Write(p[:min(len(p), chunk)])
		l.sent.Add(int64(n))
		if err != nil {
			return err
		}
		p = p[n:]
	}
	return nil
}

package escposemu

import (
	"errors"
	"io"
	"sync"
	"syscall"
)

// State is the condition a Fake reports to DLE EOT.
type State struct {
	Offline     bool
	CoverOpen   bool
	PaperEnd    bool
	NearEnd     bool
	CutterError bool
	Silent      bool // answer nothing, as a powered-off printer
}

// Reply returns the byte a printer in state s sends for DLE EOT n.
func (s State) Reply(n byte) byte {
	r := byte(0x12)
	switch n {
	case 1:
		if s.Offline || s.CoverOpen || s.PaperEnd || s.CutterError {
			r |= 0x08
		}
	case 2:
		if s.CoverOpen {
			r |= 0x04
		}
		if s.PaperEnd {
			r |= 0x20
		}
		if s.CutterError {
			r |= 0x40
		}
	case 3:
		if s.CutterError {
			r |= 0x08
		}
	case 4:
		if s.NearEnd || s.PaperEnd {
			r |= 0x0C
		}
		if s.PaperEnd {
			r |= 0x60
		}
	}
	return r
}

// Job is one ticket the Fake received: from ESC @ to the cut.
type Job struct {
	Doc *Doc
	Raw []byte
}

// ErrUnplugged is what writing to an unplugged Fake connection returns; it
// wraps EIO as a vanished tty does.
var ErrUnplugged = &unpluggedError{}

type unpluggedError struct{}

func (*unpluggedError) Error() string        { return "escposemu: unplugged: input/output error" }
func (*unpluggedError) Unwrap() error        { return syscall.EIO }
func (*unpluggedError) Is(target error) bool { return target == syscall.EIO }

// Fake is an emulated ESC/POS printer. It decodes what it receives, answers
// DLE EOT from a scripted State, splits the stream into jobs at each cut,
// and can be unplugged mid-ticket. Use Conn for an in-process connection or
// Serve to put it behind a pseudo-terminal master or a socket.
type Fake struct {
	// OnJobStart, if set, is called when ESC @ arrives (under the Fake's
	// lock: it must not call the Fake).
	OnJobStart func()

	mu       sync.Mutex
	cond     *sync.Cond
	state    State
	dec      *Decoder
	raw      []byte
	jobStart int // offset of the current job's ESC @, or -1
	jobs     []Job
	out      []byte // bytes for the host
	cur      *conn
	unplugIn int // unplug after this many bytes of the next job; 0 = never
	queries  int
}

// NewFake returns a healthy Fake.
func NewFake() *Fake {
	f := &Fake{jobStart: -1}
	f.cond = sync.NewCond(&f.mu)
	f.dec = NewDecoder()
	f.dec.OnRealtime = func(cmd, n byte) {
		if cmd != 0x04 {
			return
		}
		f.queries++
		if !f.state.Silent {
			f.out = append(f.out, f.state.Reply(n))
			f.cond.Broadcast()
		}
	}
	f.dec.OnCommand = func(cmd string, n byte) {
		switch cmd {
		case "ESC @":
			f.dec.Take()
			f.jobStart = f.dec.Pos()
			if f.OnJobStart != nil {
				f.OnJobStart()
			}
		case "GS V":
			if f.jobStart >= 0 {
				end := f.dec.Pos() + 4
				if n != 65 && n != 66 {
					end = f.dec.Pos() + 3
				}
				f.jobs = append(f.jobs, Job{Doc: f.dec.Take(), Raw: append([]byte(nil), f.raw[f.jobStart:min(end, len(f.raw))]...)})
				f.jobStart = -1
			}
		case "GS r":
			if !f.state.Silent && n&0x0F == 1 {
				r := byte(0)
				if f.state.PaperEnd {
					r = 0x0F
				} else if f.state.NearEnd {
					r = 0x03
				}
				f.out = append(f.out, r)
				f.cond.Broadcast()
			}
		}
	}
	return f
}

// SetState changes what the Fake reports.
func (f *Fake) SetState(s State) {
	f.mu.Lock()
	f.state = s
	f.mu.Unlock()
}

// Inject sends unsolicited bytes to the host (ASB blocks, XON/XOFF, noise).
func (f *Fake) Inject(p []byte) {
	f.mu.Lock()
	f.out = append(f.out, p...)
	f.cond.Broadcast()
	f.mu.Unlock()
}

// UnplugMidTicket makes the Fake vanish after it has received n bytes of
// the next ticket (counted from its ESC @).
func (f *Fake) UnplugMidTicket(n int) {
	f.mu.Lock()
	f.unplugIn = max(n, 1)
	f.mu.Unlock()
}

// Unplug cuts the current connection now.
func (f *Fake) Unplug() {
	f.mu.Lock()
	c := f.cur
	f.mu.Unlock()
	if c != nil {
		c.Close()
	}
}

// Jobs returns the tickets received so far.
func (f *Fake) Jobs() []Job {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Job(nil), f.jobs...)
}

// TakeJobs returns the tickets received so far and forgets them.
func (f *Fake) TakeJobs() []Job {
	f.mu.Lock()
	defer f.mu.Unlock()
	j := f.jobs
	f.jobs = nil
	return j
}

// Queries returns how many DLE EOT queries the Fake has answered or ignored.
func (f *Fake) Queries() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.queries
}

// Received returns every byte received so far.
func (f *Fake) Received() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]byte(nil), f.raw...)
}

// Conn returns a new in-process connection to the Fake as the host sees it:
// Write sends to the printer, Read returns its replies and blocks until
// there are some. A previous connection is cut.
func (f *Fake) Conn() io.ReadWriteCloser {
	f.mu.Lock()
	old := f.cur
	c := &conn{f: f}
	f.cur = c
	f.out = nil
	f.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return c
}

// Serve bridges rwc (a pseudo-terminal master, a socket) to the Fake until
// rwc fails or the Fake is unplugged, which closes rwc.
func (f *Fake) Serve(rwc io.ReadWriteCloser) error {
	c := f.Conn().(*conn)
	c.onClose = func() { rwc.Close() }
	go func() {
		buf := make([]byte, 256)
		for {
			n, err := c.Read(buf)
			if n > 0 {
				if _, werr := rwc.Write(buf[:n]); werr != nil {
					c.Close()
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	buf := make([]byte, 4096)
	for {
		n, err := rwc.Read(buf)
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return werr
			}
		}
		if err != nil {
			c.Close()
			if errors.Is(err, io.EOF) || errors.Is(err, syscall.EIO) {
				return nil
			}
			return err
		}
	}
}

// feed takes bytes from the host; it returns how many were taken before an
// unplug. Called with f.mu held.
func (f *Fake) feed(p []byte) (int, bool) {
	n := len(p)
	cut := false
	if f.unplugIn > 0 {
		// find how many bytes of p belong to the job before the unplug point
		for i := range p {
			f.raw = append(f.raw, p[i])
			f.dec.Write(p[i : i+1])
			if f.jobStart >= 0 && len(f.raw)-f.jobStart >= f.unplugIn {
				f.unplugIn = 0
				return i + 1, true
			}
		}
		return n, cut
	}
	f.raw = append(f.raw, p...)
	f.dec.Write(p)
	return n, cut
}

type conn struct {
	f       *Fake
	closed  bool // guarded by f.mu
	onClose func()
}

func (c *conn) Read(p []byte) (int, error) {
	f := c.f
	f.mu.Lock()
	defer f.mu.Unlock()
	for len(f.out) == 0 && !c.closed {
		f.cond.Wait()
	}
	if c.closed {
		return 0, io.EOF
	}
	n := copy(p, f.out)
	f.out = f.out[n:]
	return n, nil
}

func (c *conn) Write(p []byte) (int, error) {
	f := c.f
	f.mu.Lock()
	if c.closed {
		f.mu.Unlock()
		return 0, ErrUnplugged
	}
	n, cut := f.feed(p)
	f.mu.Unlock()
	if cut {
		c.Close()
		return n, ErrUnplugged
	}
	return n, nil
}

func (c *conn) Close() error {
	f := c.f
	f.mu.Lock()
	if c.closed {
		f.mu.Unlock()
		return nil
	}
	c.closed = true
	if f.cur == c {
		f.cur = nil
	}
	f.cond.Broadcast()
	fn := c.onClose
	f.mu.Unlock()
	if fn != nil {
		fn()
	}
	return nil
}

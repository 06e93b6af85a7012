package bridge

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// Options configure a Bridge. Engine and Registry are required.
type Options struct {
	Engine   Engine
	Registry Registry
	Logger   *slog.Logger     // default: discard
	Now      func() time.Time // default: time.Now
	// OnAlarm is called (from Serve's goroutines; must not block) when a
	// device stops answering, comes back, or a bus goes down or up.
	OnAlarm func(Alarm)
	// Verify checks a staff id + PIN typed on the call pad with hardware
	// id device (the source whose wrong PINs are throttled). Nil disables
	// pad sign-in: pads act as the clerk signed in at the window.
	Verify func(device, staff, pin string) bool
	// RatingReasons are the reason keys of a rating pad, 1-based.
	// Default: DefaultRatingReasons().
	RatingReasons []string
	// PauseReasons are the reasons a 暂停 key argument selects, 1-based.
	PauseReasons []string
	// Font renders text for bitmap-only boards. Default: DefaultFont().
	Font *Font

	// ResponseTimeout is how long a device has to start answering on a
	// bus, on top of the request's wire time. Default 30 ms.
	ResponseTimeout time.Duration
	// Retries of a SHOW (same seq) before the device counts as missing. Default 3.
	Retries int
	// MissedPolls after which a device raises an offline alarm. Default 3.
	MissedPolls int
	// CycleInterval is the minimum time between polling cycles. Default 50 ms.
	CycleInterval time.Duration
	// LivenessPerCycle is how many devices are polled individually per
	// cycle besides the group poll. Default 4.
	LivenessPerCycle int
	// ReopenMin and ReopenMax bound the reopen backoff. Default 200 ms, 5 s.
	ReopenMin, ReopenMax time.Duration
	// WSHeartbeat is how often a websocket device must send something.
	// Default 10 s; a device silent for three intervals is dropped.
	WSHeartbeat time.Duration
	// WSToken, when set, must match the ?token= query of a websocket device.
	WSToken string
	// MaxPending bounds the proposals waiting for approval. Default 32.
	MaxPending int
	// PendingTTL is how long a proposal waits for approval. Default 15 min.
	PendingTTL time.Duration
	// MaxUnpairedWS bounds the websocket connections of devices that have
	// not (yet) proven a pairing. Default 64.
	MaxUnpairedWS int
	// MissingGrace is how long after Serve starts the devices assigned to
	// a window have to come back before AlarmMissing names the ones that
	// did not. Default 2 min.
	MissingGrace time.Duration
}

// DefaultRatingReasons returns the reasons offered after a low rating:
// the hall's list, the same as the rating tablet's.
func DefaultRatingReasons() []string { return queue.RatingReasons() }

func (o *Options) defaults() {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.OnAlarm == nil {
		o.OnAlarm = func(Alarm) {}
	}
	if o.RatingReasons == nil {
		o.RatingReasons = DefaultRatingReasons()
	}
	if o.Font == nil {
		o.Font = DefaultFont()
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.ResponseTimeout, 30*time.Millisecond)
	def(&o.CycleInterval, 50*time.Millisecond)
	def(&o.ReopenMin, 200*time.Millisecond)
	def(&o.ReopenMax, 5*time.Second)
	def(&o.WSHeartbeat, 10*time.Second)
	def(&o.PendingTTL, 15*time.Minute)
	def(&o.MissingGrace, 2*time.Minute)
	if o.MaxPending <= 0 {
		o.MaxPending = 32
	}
	if o.MaxUnpairedWS <= 0 {
		o.MaxUnpairedWS = 64
	}
	if o.Retries <= 0 {
		o.Retries = 3
	}
	if o.MissedPolls <= 0 {
		o.MissedPolls = 3
	}
	if o.LivenessPerCycle <= 0 {
		o.LivenessPerCycle = 4
	}
}

// Alarm codes.
const (
	AlarmOffline = "device_offline"  // …无响应 / …已断开
	AlarmOnline  = "device_online"   // …恢复连接
	AlarmPending = "devices_pending" // N 台新设备待确认 (Count 0: none left)
	AlarmBusDown = "bus_down"        // 串口断开
	AlarmBusUp   = "bus_up"          // 串口已连接
	AlarmMissing = "devices_missing" // N 台已分配的设备重启后未连接：… (Count 0: all back)
)

// Alarm reports a device or bus problem to the hall manager. Message names
// a device by its number and window, never by its hwid, so that it may be
// shown wherever alarms go.
type Alarm struct {
	At      time.Time
	Code    string
	Message string // Chinese, for the admin page
	HWID    string // for the log and the manager's device page only
	No      int    // the device's number (编号), 0 for bus and pending alarms
	Count   int    // AlarmPending: proposals waiting; AlarmMissing: devices missing
	Kind    proto.Kind
	Window  string
	Bus     string
	Err     error
}

// Bridge connects call pads, rating pads and LED boards to the engine.
type Bridge struct {
	o   Options
	log *slog.Logger
	reg *registryWriter // writes the devices' records off mu

	mu      sync.Mutex
	devs    map[string]*device // by hwid
	buses   []*busLoop
	changed chan struct{} // closed and replaced when any device's wanted display changes

	events chan []Event
	alarms chan Alarm

	learnUntil      time.Time // learn mode is open before this
	pendingReported int       // proposals last reported by AlarmPending
	refused         uint64    // HELLOs refused (not paired)
	refusedLogged   time.Time
	unpairedWS      atomic.Int64 // websocket connections not (yet) paired

	started         time.Time       // when New ran: a device seen after it came back
	missing         map[string]bool // hwids AlarmMissing names; nil before the grace period or once all came back
	missingReported int             // devices last reported by AlarmMissing
}

// device is the live state of one device. Guarded by Bridge.mu.
type device struct {
	info DeviceInfo

	lastEvent    int // last device seq acted on, -1 = none
	signedIn     string
	want         []byte // wanted display frame: type byte + payload
	wantVer      uint64
	shownVer     uint64
	missed       int
	blinkPending bool
	showSeq      uint8      // the host's seq for this device's SHOW/PAIR frames
	prop         *proposal  // waiting for the manager's approval
	session      *wsSession // the authenticated websocket, if any
	saves        uint64     // changes of its record queued (saveLocked)
}

// New returns a Bridge. It loads the registry and subscribes to the engine;
// call Serve to run the buses.
func New(o Options) (*Bridge, error) {
	if o.Engine == nil || o.Registry == nil {
		return nil, errors.New("bridge: Options.Engine and Options.Registry are required")
	}
	o.defaults()
	b := &Bridge{o: o, log: o.Logger, reg: newRegistryWriter(o.Registry, o.Logger), devs: map[string]*device{}, changed: make(chan struct{}), events: make(chan []Event, 256), alarms: make(chan Alarm, 256), started: o.Now()}
	infos, err := o.Registry.Load()
	if err != nil {
		return nil, err
	}
	for _, in := range infos {
		if in.State != StateApproved && !b.migrateLocked(&in) {
			continue
		}
		in.Online = false
		b.devs[in.HWID] = &device{info: in, lastEvent: -1}
	}
	if err := o.Engine.Subscribe(func(evs []Event) {
		select {
		case b.events <- evs:
		default: // refresh everything; nothing is lost but the blink
			select {
			case b.events <- nil:
			default:
			}
		}
	}); err != nil {
		return nil, fmt.Errorf("bridge: subscribe: %w", err)
	}
	b.mu.Lock()
	for _, d := range b.devs {
		b.refreshLocked(d, false)
	}
	b.mu.Unlock()
	return b, nil
}

// Serve runs every bus added with AddBus and the engine event pump until
// ctx ends. Websocket devices are served by ServeWS independently.
func (b *Bridge) Serve(ctx context.Context) error {
	var wg sync.WaitGroup
	b.mu.Lock()
	buses := slices.Clone(b.buses)
	b.mu.Unlock()
	for _, l := range buses {
		wg.Go(func() { b.supervise(ctx, l) })
	}
	grace := time.NewTimer(b.o.MissingGrace)
	defer grace.Stop()
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			b.reg.close() // the last changes are on disk before the store closes
			return nil
		case <-grace.C:
			b.checkMissing()
		case evs := <-b.events:
			b.applyEvents(evs)
		case a := <-b.alarms:
			b.alarm(a)
		}
	}
}

// migrateLocked decides about a record stored before pairing existed: a
// device the manager had assigned to a window is approved (a serial device
// needs nothing more; a Wi-Fi one must pair again, having no secret); any
// other was only ever a stranger's HELLO and is deleted.
func (b *Bridge) migrateLocked(in *DeviceInfo) bool {
	if in.Window == "" {
		if err := b.o.Registry.Delete(in.HWID); err != nil {
			b.log.Error("删除未确认的旧设备记录失败", "hwid", in.HWID, "err", err)
		}
		return false
	}
	in.State = StateApproved
	in.No = b.nextNoLocked()
	if err := b.o.Registry.Save(*in); err != nil {
		b.log.Error("保存设备失败", "hwid", in.HWID, "err", err)
	}
	b.devs[in.HWID] = &device{info: *in, lastEvent: -1} // so nextNoLocked counts it
	return true
}

// Devices lists every known device for the manager: proposals first, then
// unassigned devices, then by window.
func (b *Bridge) Devices() []DeviceInfo {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pruneLocked(b.o.Now())
	out := make([]DeviceInfo, 0, len(b.devs))
	for _, d := range b.devs {
		out = append(out, d.info)
	}
	slices.SortFunc(out, func(a, c DeviceInfo) int {
		if (a.State == StatePending || a.ProposedKind != 0) != (c.State == StatePending || c.ProposedKind != 0) {
			if a.State == StatePending || a.ProposedKind != 0 {
				return -1
			}
			return 1
		}
		if (a.Window == "") != (c.Window == "") {
			if a.Window == "" {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Window+a.HWID, c.Window+c.HWID)
	})
	return out
}

// ErrUnknownDevice is returned by Assign for a hardware id never seen.
var ErrUnknownDevice = errors.New("bridge: unknown device")

// Assign puts a device on a window ("" unassigns it). The device shows the
// window's state at once.
func (b *Bridge) Assign(hwid, window string) error {
	b.mu.Lock()
	d := b.devs[normHWID(hwid)]
	if d == nil || d.info.State != StateApproved {
		b.mu.Unlock()
		return fmt.Errorf("bridge: assign %s: %w", hwid, ErrUnknownDevice)
	}
	old := d.info
	d.info.Window = window
	d.signedIn = ""
	w, saves := b.saveLocked(d)
	b.log.Info("设备分配", "hwid", d.info.HWID, "kind", d.info.Kind.String(), "window", window)
	b.refreshLocked(d, false)
	b.missingAlarmLocked()
	b.mu.Unlock()
	if err := w.wait(); err != nil {
		b.mu.Lock()
		defer b.mu.Unlock()
		if b.revertLocked(d, saves, old) {
			b.refreshLocked(d, false)
			b.missingAlarmLocked()
		}
		return fmt.Errorf("bridge: assign %s: %w", hwid, err)
	}
	return nil
}

// saveLocked queues d's record for the registry, and returns the write
// and d's count of queued changes with it. b.mu is held.
func (b *Bridge) saveLocked(d *device) (*regWrite, uint64) {
	d.saves++
	return b.reg.save(d.info), d.saves
}

// revertLocked puts back d's record as it was before a change that could
// not be stored (saves being the change's count), unless d is gone or
// changed again since; it keeps what was seen of the device meanwhile.
// It reports whether it put it back. b.mu is held.
func (b *Bridge) revertLocked(d *device, saves uint64, old DeviceInfo) bool {
	if b.devs[d.info.HWID] != d || d.saves != saves {
		return false // a later change decides what is stored
	}
	seen := d.info
	d.info = old
	d.info.Online, d.info.LastSeen = seen.Online, seen.LastSeen
	d.info.Bus, d.info.Addr = seen.Bus, seen.Addr
	return true
}

func (b *Bridge) alarm(a Alarm) {
	a.At = b.o.Now()
	b.log.Warn(a.Message, "code", a.Code, "hwid", a.HWID, "bus", a.Bus, "window", a.Window)
	b.o.OnAlarm(a)
}

// applyEvents refreshes the displays of the windows the events touch; a
// nil batch (overflow) or any queue change refreshes call pads everywhere,
// since queue lengths change.
func (b *Bridge) applyEvents(evs []Event) {
	blink := map[string]bool{}
	for _, e := range evs {
		if e.Type == "called" && e.Window != "" {
			blink[e.Window] = true
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, d := range b.devs {
		b.refreshLocked(d, blink[d.info.Window])
	}
}

// refreshLocked recomputes the wanted display of d and wakes the links if
// it changed. Caller holds b.mu.
func (b *Bridge) refreshLocked(d *device, blink bool) {
	want := b.display(d, blink)
	if !blink && bytes.Equal(want, d.want) {
		return
	}
	d.want = want
	d.wantVer++
	b.notifyLocked()
}

// notifyLocked wakes every link waiting for display work.
func (b *Bridge) notifyLocked() {
	close(b.changed)
	b.changed = make(chan struct{})
}

// normHWID is the registry's spelling of a hardware id.
func normHWID(hwid string) string { return strings.ToLower(hwid) }

// display computes the frame (type byte + payload) a device should show;
// nil for a device that is not approved (it is shown nothing).
func (b *Bridge) display(d *device, blink bool) []byte {
	if d.info.State != StateApproved {
		return nil
	}
	var flags uint8
	if blink {
		flags |= proto.ShowBlink
	}
	var v WindowView
	if d.info.Window != "" {
		v = b.o.Engine.Window(d.info.Window)
	}
	switch d.info.Kind {
	case proto.KindCallPad:
		s := proto.ShowNumber{Flags: flags, Waiting: uint16(min(v.Waiting, 0xFFFE)), Number: v.Number}
		if d.info.Window == "" {
			s.Waiting = proto.NoWaiting
		}
		if v.Paused || (d.info.Window != "" && v.Staff == "" && v.Number == "") {
			s.Flags |= proto.ShowPaused
		}
		return append([]byte{byte(proto.MsgShowNumber)}, s.Marshal()...)
	case proto.KindRatingPad:
		if d.info.Caps&proto.CapText != 0 {
			text := "欢迎光临"
			if v.ToRate != "" {
				text = "请评价 " + v.ToRate
			}
			return append([]byte{byte(proto.MsgShowText)}, proto.ShowText{Text: text}.Marshal()...)
		}
		return append([]byte{byte(proto.MsgShowNumber)}, proto.ShowNumber{Waiting: proto.NoWaiting, Number: v.ToRate}.Marshal()...)
	default: // LED board
		return b.boardFrame(d, v, flags)
	}
}

// BoardText is the text an LED board of width w pixels shows for a window.
func (b *Bridge) BoardText(v WindowView, assigned bool, w int) string {
	switch {
	case !assigned:
		return "未分配"
	case v.Paused:
		return "暂停服务"
	case v.Number == "" && v.Staff == "":
		return "暂未开放" // nobody signed in: what the lobby screen says too
	case v.Number == "":
		return ""
	}
	for _, s := range []string{"请" + v.Number + "号办理", v.Number + "号", v.Number} {
		if w == 0 || b.o.Font.Width(s) <= w {
			return s
		}
	}
	return v.Number
}

func (b *Bridge) boardFrame(d *device, v WindowView, flags uint8) []byte {
	text := b.BoardText(v, d.info.Window != "", d.info.Width)
	switch {
	case d.info.Caps&proto.CapText != 0:
		return append([]byte{byte(proto.MsgShowText)}, proto.ShowText{Flags: flags, Text: text}.Marshal()...)
	case d.info.Caps&proto.CapBitmap != 0 && d.info.Width > 0 && d.info.Height > 0 && bitmapPayload(d.info.Width, d.info.Height) <= d.limit():
		bm := b.o.Font.Render(text, d.info.Width, d.info.Height)
		return append([]byte{byte(proto.MsgShowBitmap)}, proto.ShowBitmap{Flags: flags, Bitmap: bm}.Marshal()...)
	default: // number-only, or a panel whose bitmap exceeds its frame limit
		if v.Paused || (d.info.Window != "" && v.Staff == "" && v.Number == "") {
			flags |= proto.ShowPaused
		}
		return append([]byte{byte(proto.MsgShowNumber)}, proto.ShowNumber{Flags: flags, Waiting: proto.NoWaiting, Number: v.Number}.Marshal()...)
	}
}

// bitmapPayload is the size of a SHOW_BITMAP payload for a w×h panel.
func bitmapPayload(w, h int) int { return 4 + (w+7)/8*h }

// limit is the largest payload the device accepts.
func (d *device) limit() int {
	if d.info.MaxPayload <= 0 {
		return proto.DefaultMaxPayload
	}
	return d.info.MaxPayload
}

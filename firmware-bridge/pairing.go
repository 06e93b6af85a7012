package bridge

import (
	"crypto/rand"
	"errors"
	"fmt"
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"time"
)

// Pairing (PROTOCOL.md §6): a HELLO only proposes a device, and only while
// the manager has learn mode open. The manager approves a proposal; a
// Wi-Fi device then receives a secret it proves on every connection, a
// serial device is trusted by its wiring. Proposals are few (MaxPending)
// and short-lived (PendingTTL), so strangers saying HELLO cost nothing
// that lasts.

// proposal is a device waiting for the manager's approval: a new device,
// or an approved one that came back as another kind or over another link.
type proposal struct {
	hello   proto.Hello
	bus     string
	addr    uint8
	expires time.Time
	session *wsSession // the Wi-Fi link a PAIR goes over; nil on a bus
}

// Pairing errors.
var (
	ErrNotProposed   = errors.New("bridge: the device is not waiting for approval")
	ErrDeviceOffline = errors.New("bridge: the device is not connected; let it reconnect, then approve")
)

// admission is what a HELLO may do.
type admission int

const (
	admitRefused  admission = iota // not paired, learn mode closed or full: NAK 5
	admitPending                   // a proposal, waiting for the manager
	admitApproved                  // approved: it acts and shows
)

// Learn opens learn mode for d (closed when d ≤ 0; at most an hour) and
// returns when it ends.
func (b *Bridge) Learn(d time.Duration) time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	if d <= 0 {
		b.learnUntil = time.Time{}
	} else {
		b.learnUntil = b.o.Now().Add(min(d, time.Hour))
	}
	b.log.Info("学习模式", "until", b.learnUntil)
	return b.learnUntil
}

// LearnUntil returns when learn mode ends (zero or past: closed).
func (b *Bridge) LearnUntil() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.o.Now().Before(b.learnUntil) {
		return time.Time{}
	}
	return b.learnUntil
}

// helloAdmission decides, without changing anything, whether a HELLO
// arriving on bus would be admitted. proven says the device answered the
// challenge with its secret. Caller holds b.mu.
func (b *Bridge) helloAdmissionLocked(h proto.Hello, bus string, proven bool) admission {
	now := b.o.Now()
	b.pruneLocked(now)
	d := b.devs[h.ID()]
	if d != nil && d.info.State == StateApproved && d.info.Kind == h.Kind && (bus != "ws" || proven) {
		return admitApproved
	}
	if d != nil && d.prop != nil {
		return admitPending // an open proposal is refreshed even after learn mode closed
	}
	if !now.Before(b.learnUntil) || b.pendingLocked() >= b.o.MaxPending {
		return admitRefused
	}
	return admitPending
}

// proposeLocked records (or refreshes) the proposal of h. Caller holds b.mu
// and has checked helloAdmissionLocked.
func (b *Bridge) proposeLocked(h proto.Hello, bus string, addr uint8, s *wsSession) *device {
	now := b.o.Now()
	id := h.ID()
	d := b.devs[id]
	if d == nil {
		d = &device{info: DeviceInfo{HWID: id, State: StatePending}, lastEvent: -1}
		b.devs[id] = d
	}
	if d.prop == nil {
		d.prop = &proposal{expires: now.Add(b.o.PendingTTL)}
	}
	d.prop.hello, d.prop.bus, d.prop.addr, d.prop.session = h, bus, addr, s
	if d.info.State == StatePending {
		d.info.Kind, d.info.Bus, d.info.Addr = h.Kind, bus, addr
		d.info.Firmware, d.info.Caps, d.info.Width, d.info.Height = h.FirmwareString(), h.Caps, int(h.Width), int(h.Height)
		d.info.MaxPayload = h.PayloadLimit()
	} else {
		d.info.ProposedKind = h.Kind
	}
	d.info.Expires = d.prop.expires
	d.info.LastSeen, d.info.Online = now, true
	b.pendingAlarmLocked()
	return d
}

// pendingLocked counts open proposals. Caller holds b.mu.
func (b *Bridge) pendingLocked() int {
	n := 0
	for _, d := range b.devs {
		if d.prop != nil {
			n++
		}
	}
	return n
}

// pruneLocked forgets expired proposals. Caller holds b.mu.
func (b *Bridge) pruneLocked(now time.Time) {
	changed := false
	for id, d := range b.devs {
		if d.prop == nil || now.Before(d.prop.expires) {
			continue
		}
		changed = true
		if s := d.prop.session; s != nil {
			s.close()
		}
		if d.info.State == StatePending {
			delete(b.devs, id)
			continue
		}
		d.prop, d.info.ProposedKind, d.info.Expires = nil, 0, time.Time{}
	}
	if changed {
		b.pendingAlarmLocked()
	}
}

// pendingAlarmLocked reports the number of proposals as one alarm, however
// many there are, when it changed. Caller holds b.mu.
func (b *Bridge) pendingAlarmLocked() {
	n := b.pendingLocked()
	if n == b.pendingReported {
		return
	}
	b.pendingReported = n
	msg := fmt.Sprintf("%d 台新设备待确认", n)
	if n == 0 {
		msg = "新设备均已处理" // clears the alarm
	}
	b.alarmLocked(Alarm{Code: AlarmPending, Count: n, Message: msg})
}

// Approve accepts the device's proposal: its kind, link and address. A
// Wi-Fi device is sent its pairing secret (PAIR) and must acknowledge it
// first. The device shows its window's state at once (未分配 when new).
func (b *Bridge) Approve(hwid string) error {
	id := normHWID(hwid)
	b.mu.Lock()
	b.pruneLocked(b.o.Now())
	d := b.devs[id]
	if d == nil || d.prop == nil {
		b.mu.Unlock()
		return fmt.Errorf("bridge: approve %s: %w", hwid, ErrNotProposed)
	}
	p := *d.prop
	b.mu.Unlock()

	var secret []byte
	if p.bus == "ws" {
		if p.session == nil {
			return fmt.Errorf("bridge: approve %s: %w", hwid, ErrDeviceOffline)
		}
		var err error
		if secret, err = newRandom(proto.SecretLen); err != nil {
			return err
		}
		pair := proto.Pair{HWID: p.hello.HWID}
		copy(pair.Secret[:], secret)
		if err := p.session.request(proto.Frame{Type: proto.MsgPair, Payload: pair.Marshal()}); err != nil {
			return fmt.Errorf("bridge: approve %s: pair: %w", hwid, err)
		}
	}

	if err := b.approve(id, d, p, secret); err != nil {
		return fmt.Errorf("bridge: approve %s: %w", hwid, err)
	}
	if p.session != nil {
		p.session.approved(id)
	}
	return nil
}

// approve records the approval of d's proposal p.
func (b *Bridge) approve(id string, d *device, p proposal, secret []byte) error {
	b.mu.Lock()
	if d != b.devs[id] || d.prop == nil {
		b.mu.Unlock()
		return ErrNotProposed
	}
	old, oldSession := d.info, d.session
	h := p.hello
	d.info.State, d.info.Kind, d.info.ProposedKind, d.info.Expires = StateApproved, h.Kind, 0, time.Time{}
	d.info.Bus, d.info.Addr = p.bus, p.addr
	d.info.Firmware, d.info.Caps, d.info.Width, d.info.Height = h.FirmwareString(), h.Caps, int(h.Width), int(h.Height)
	d.info.MaxPayload = h.PayloadLimit()
	d.info.Secret = secret
	if d.info.No == 0 {
		d.info.No = b.nextNoLocked()
	}
	w, saves := b.saveLocked(d)
	d.prop = nil
	d.lastEvent = -1
	d.shownVer = 0
	d.session = p.session
	b.log.Info("设备已确认", "hwid", id, "no", d.info.No, "kind", h.Kind.String(), "bus", p.bus, "addr", p.addr)
	b.pendingAlarmLocked()
	b.refreshLocked(d, false)
	b.mu.Unlock()
	if err := w.wait(); err != nil {
		b.mu.Lock()
		defer b.mu.Unlock()
		if b.revertLocked(d, saves, old) { // still a proposal
			d.prop, d.session = &p, oldSession
			b.pendingAlarmLocked()
			b.refreshLocked(d, false)
		}
		return err
	}
	return nil
}

// Forget unpairs a device (or drops its proposal): it must be proposed and
// approved again before it may act.
func (b *Bridge) Forget(hwid string) error {
	id := normHWID(hwid)
	b.mu.Lock()
	d := b.devs[id]
	if d == nil {
		b.mu.Unlock()
		return fmt.Errorf("bridge: forget %s: %w", hwid, ErrUnknownDevice)
	}
	var w *regWrite
	if d.info.State == StateApproved {
		d.saves++
		w = b.reg.remove(id)
	}
	if d.prop != nil && d.prop.session != nil {
		d.prop.session.close()
	}
	if d.session != nil {
		d.session.close()
	}
	delete(b.devs, id)
	b.pendingAlarmLocked()
	b.missingAlarmLocked()
	b.notifyLocked()
	b.log.Info("设备已移除", "hwid", id)
	b.mu.Unlock()
	if w == nil {
		return nil
	}
	if err := w.wait(); err != nil {
		// Still paired on disk: so it is here too, offline until it
		// says HELLO again, unless it was proposed anew meanwhile.
		b.mu.Lock()
		defer b.mu.Unlock()
		if b.devs[id] == nil {
			d.prop, d.session, d.info.Online = nil, nil, false
			b.devs[id] = d
			b.missingAlarmLocked()
			b.notifyLocked()
		}
		return fmt.Errorf("bridge: forget %s: %w", hwid, err)
	}
	return nil
}

func (b *Bridge) nextNoLocked() int {
	n := 0
	for _, d := range b.devs {
		n = max(n, d.info.No)
	}
	return n + 1
}

// secretOf returns the pairing secret of an approved Wi-Fi device, or nil.
func (b *Bridge) secretOf(id string) []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	if d := b.devs[id]; d != nil && d.info.State == StateApproved {
		return d.info.Secret
	}
	return nil
}

// refusedHello counts a HELLO that was refused; it is logged at most once a
// minute so that a flood of them cannot flood the log either.
func (b *Bridge) refusedHelloLocked(h proto.Hello, bus string) {
	b.refused++
	now := b.o.Now()
	if now.Sub(b.refusedLogged) < time.Minute {
		return
	}
	b.refusedLogged = now
	b.log.Warn("未配对设备被拒绝（需在学习模式下由管理员确认）", "hwid", h.ID(), "kind", h.Kind.String(), "bus", bus, "refused_total", b.refused)
}

// newRandom returns n random bytes (pairing secrets, nonces).
func newRandom(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return nil, fmt.Errorf("bridge: random: %w", err)
	}
	return b, nil
}

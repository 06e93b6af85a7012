package bridge

import (
	"context"
	"errors"
	"fmt"
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
)

// onHello admits the device announcing itself on a link (PROTOCOL.md §6)
// and returns its hwid and what it may do. An approved device of the same
// kind comes online; anything else is at most a proposal for the manager,
// and only while learn mode is open. proven says a Wi-Fi device answered
// the challenge with its secret; s is its websocket session.
func (b *Bridge) onHello(h proto.Hello, bus string, addr uint8, proven bool, s *wsSession) (string, admission) {
	id := h.ID()
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.helloAdmissionLocked(h, bus, proven) {
	case admitRefused:
		b.refusedHelloLocked(h, bus)
		return id, admitRefused
	case admitPending:
		b.proposeLocked(h, bus, addr, s)
		b.log.Info("设备请求配对", "hwid", id, "kind", h.Kind.String(), "bus", bus, "addr", addr)
		return id, admitPending
	}
	d := b.devs[id]
	// an address belongs to one device per bus
	if bus != "ws" {
		for _, o := range b.devs {
			if o != d && o.info.Bus == bus && o.info.Addr == addr {
				o.info.Addr = 0
				o.info.Online = false
				if o.info.State == StateApproved {
					b.saveLocked(o)
				}
			}
		}
	}
	d.info.Bus, d.info.Addr = bus, addr
	d.info.Firmware, d.info.Caps = h.FirmwareString(), h.Caps
	d.info.Width, d.info.Height = int(h.Width), int(h.Height)
	d.info.MaxPayload = h.PayloadLimit()
	d.info.LastSeen, d.info.Online = b.o.Now(), true
	d.lastEvent = -1 // a device that booted restarts its sequence
	d.missed = 0
	d.shownVer = 0 // whatever it showed is gone
	if s != nil {
		d.session = s
	}
	b.saveLocked(d) // not waited for: the writer logs a failure
	b.refreshLocked(d, false)
	b.missingAlarmLocked()
	b.notifyLocked()
	b.log.Info("设备上线", "hwid", id, "no", d.info.No, "kind", h.Kind.String(), "bus", bus, "addr", addr, "firmware", d.info.Firmware)
	return id, admitApproved
}

// name is how alarms call a device: kind, number and window, no hwid.
func (d *device) name() string {
	if d.info.Window == "" {
		return fmt.Sprintf("%s（编号 %d，未分配）", d.info.Kind.Label(), d.info.No)
	}
	return fmt.Sprintf("%s（编号 %d，窗口 %s）", d.info.Kind.Label(), d.info.No, d.info.Window)
}

func (d *device) alarm(code, msg string) Alarm {
	return Alarm{Code: code, Message: d.name() + msg, HWID: d.info.HWID, No: d.info.No, Kind: d.info.Kind, Window: d.info.Window, Bus: d.info.Bus}
}

// alarmLocked queues an alarm for Serve to deliver in order (OnAlarm must
// not run under b.mu). Alarms beyond the queue's capacity are logged only.
func (b *Bridge) alarmLocked(a Alarm) {
	select {
	case b.alarms <- a:
	default:
		b.log.Warn("告警队列已满", "code", a.Code, "hwid", a.HWID)
	}
}

// seen marks a device alive; it raises AlarmOnline after an offline spell.
func (b *Bridge) seen(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d := b.devs[id]
	if d == nil {
		return
	}
	d.missed = 0
	d.info.LastSeen = b.o.Now()
	if !d.info.Online {
		b.missingAlarmLocked()
		d.info.Online = true
		if d.info.State == StateApproved {
			b.alarmLocked(d.alarm(AlarmOnline, "恢复连接"))
		}
	}
}

// missedOne counts a missed answer and raises AlarmOffline once.
func (b *Bridge) missedOne(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d := b.devs[id]
	if d == nil {
		return
	}
	d.missed++
	if d.missed >= b.o.MissedPolls && d.info.Online {
		d.info.Online = false
		d.shownVer = 0 // resend the display when it returns
		if d.info.State == StateApproved {
			b.alarmLocked(d.alarm(AlarmOffline, "无响应"))
		}
	}
}

// disconnected marks a websocket device gone at once, and forgets session
// s wherever it was the device's link.
func (b *Bridge) disconnected(id string, s *wsSession) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d := b.devs[id]
	if d == nil {
		return
	}
	if d.prop != nil && d.prop.session == s {
		d.prop.session = nil
	}
	if d.session != s {
		return
	}
	d.session = nil
	if d.info.Online && d.info.State == StateApproved {
		d.info.Online = false
		d.shownVer = 0
		b.alarmLocked(d.alarm(AlarmOffline, "已断开"))
	}
}

// onEvent acts on a KEY, RATING or SIGN_IN from device id, heard on link
// (a bus name, or "ws" for an authenticated websocket). It returns 0 to
// acknowledge or a NAK code. A repeat of the last seq is acknowledged
// without acting again (the retry of a lost acknowledgement).
func (b *Bridge) onEvent(ctx context.Context, id, link string, f proto.Frame) uint8 {
	b.mu.Lock()
	d := b.devs[id]
	if d == nil || d.info.State != StateApproved || d.reproposedLocked(link) {
		b.mu.Unlock()
		return proto.NakUnpaired // not approved, or came back as another kind
	}
	if d.lastEvent == int(f.Seq) {
		b.mu.Unlock()
		return 0
	}
	d.lastEvent = int(f.Seq)
	window, signedIn, kind := d.info.Window, d.signedIn, d.info.Kind
	b.mu.Unlock()

	log := b.log.With("hwid", id, "window", window, "seq", f.Seq)
	if window == "" {
		log.Warn("未分配的设备按键，已忽略", "type", f.Type.String())
		return proto.NakRefused
	}
	var err error
	switch f.Type {
	case proto.MsgKey:
		k, perr := proto.ParseKey(f.Payload)
		if perr != nil || kind != proto.KindCallPad {
			return proto.NakBadPayload
		}
		if k.Code == proto.KeySignOut {
			b.setSignIn(id, "")
			return 0
		}
		staff := signedIn
		if staff == "" {
			staff = b.o.Engine.Window(window).Staff
		}
		if staff == "" {
			log.Warn("窗口无人登录，呼叫器按键无效", "key", k.Code.String())
			return proto.NakRefused
		}
		a := Action{Key: k.Code, Window: window, Staff: staff}
		switch k.Code {
		case proto.KeyTransfer:
			cats := b.o.Engine.Categories()
			if k.Arg < 1 || int(k.Arg) > len(cats) {
				return proto.NakBadPayload
			}
			a.Category = cats[k.Arg-1]
		case proto.KeyFinish:
			a.Outcome = outcomeFor(k.Arg)
		case proto.KeyPause:
			if k.Arg >= 1 && int(k.Arg) <= len(b.o.PauseReasons) {
				a.Reason = b.o.PauseReasons[k.Arg-1]
			}
		case proto.KeyCallBack:
			if k.Arg > 100 {
				return proto.NakBadPayload
			}
			a.Number = int(k.Arg)
		case proto.KeyNext, proto.KeyRecall, proto.KeyNoShow, proto.KeyResume, proto.KeyStart, proto.KeyHold, proto.KeyRequeue:
		default:
			return proto.NakBadPayload
		}
		err = b.o.Engine.Act(ctx, a)
		log.Info("呼叫器按键", "key", k.Code.String(), "staff", staff, "err", err)
	case proto.MsgRating:
		r, perr := proto.ParseRating(f.Payload)
		if perr != nil {
			return proto.NakBadPayload
		}
		reason := ""
		if r.Reason >= 1 && int(r.Reason) <= len(b.o.RatingReasons) {
			reason = b.o.RatingReasons[r.Reason-1]
		}
		err = b.o.Engine.Rate(ctx, window, int(r.Score), reason)
		log.Info("评价", "score", r.Score, "reason", reason, "err", err)
	case proto.MsgSignIn:
		s, perr := proto.ParseSignIn(f.Payload)
		if perr != nil {
			return proto.NakBadPayload
		}
		if b.o.Verify == nil || !b.o.Verify(id, s.Staff, s.PIN) {
			log.Warn("呼叫器登录失败", "staff", s.Staff)
			return proto.NakRefused
		}
		b.setSignIn(id, s.Staff)
		log.Info("呼叫器登录", "staff", s.Staff)
	default:
		return proto.NakUnsupported
	}
	b.drainEvents() // show the result now rather than after the pump's turn
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return proto.NakBusy
		}
		return proto.NakRefused
	}
	return 0
}

func (b *Bridge) setSignIn(id, staff string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if d := b.devs[id]; d != nil {
		d.signedIn = staff
	}
}

// pendingShow returns the frame a device should be sent, if its display is
// behind, with a new seq of the device's own (so that it can never look
// like a retry of the last SHOW the device acted on; PROTOCOL.md §4). ver
// identifies it for markShown.
func (b *Bridge) pendingShow(id string) (f proto.Frame, ver uint64, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d := b.devs[id]
	if d == nil || d.want == nil || d.shownVer == d.wantVer {
		return proto.Frame{}, 0, false
	}
	d.showSeq++
	return proto.Frame{Type: proto.MsgType(d.want[0]), Payload: d.want[1:], Seq: d.showSeq}, d.wantVer, true
}

// nextSeq returns a new seq of the device's own for a host request.
func (b *Bridge) nextSeq(id string) uint8 {
	b.mu.Lock()
	defer b.mu.Unlock()
	d := b.devs[id]
	if d == nil {
		return 0
	}
	d.showSeq++
	return d.showSeq
}

func (b *Bridge) markShown(id string, ver uint64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if d := b.devs[id]; d != nil {
		d.shownVer = ver
	}
}

// wake returns a channel closed at the next display change.
func (b *Bridge) wake() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.changed
}

// drainEvents applies engine events already delivered, on the caller's
// goroutine.
func (b *Bridge) drainEvents() {
	for {
		select {
		case evs := <-b.events:
			b.applyEvents(evs)
		default:
			return
		}
	}
}

// reproposedLocked reports whether the device on link is the one waiting
// for re-approval (it came back as another kind at its own bus address).
// A proposal made elsewhere — a stranger's HELLO with this hwid during
// learn mode — does not silence the approved device: an authenticated
// websocket has proven the secret, and a bus device answers from its own
// address. Caller holds b.mu.
func (d *device) reproposedLocked(link string) bool {
	return d.prop != nil && link != "ws" && d.prop.bus == link && d.prop.addr == d.info.Addr
}

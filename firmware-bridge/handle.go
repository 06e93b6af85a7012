package bridge

import (
	"context"
	"errors"
)

// onHello registers or updates the device announcing itself on a link and
// returns its hwid. A device never seen before is stored unassigned (learn
// mode) and raises AlarmNew so the admin page can offer it.
func (b *Bridge) onHello(h Hello, bus string, addr uint8) string {
	id := h.ID()
	b.mu.Lock()
	defer b.mu.Unlock()
	d := b.devs[id]
	isNew := d == nil
	if isNew {
		d = &device{info: DeviceInfo{HWID: id}, lastEvent: -1}
		b.devs[id] = d
	}
	// an address belongs to one device per bus
	if bus != "ws" {
		for _, o := range b.devs {
			if o != d && o.info.Bus == bus && o.info.Addr == addr {
				o.info.Addr = 0
				o.info.Online = false
				_ = b.o.Registry.Save(o.info)
			}
		}
	}
	d.info.Kind, d.info.Bus, d.info.Addr = h.Kind, bus, addr
	d.info.Firmware, d.info.Caps = h.FirmwareString(), h.Caps
	d.info.Width, d.info.Height = int(h.Width), int(h.Height)
	d.info.LastSeen, d.info.Online = b.o.Now(), true
	d.lastEvent = -1 // a device that booted restarts its sequence
	d.missed = 0
	d.shownVer = 0 // whatever it showed is gone
	if err := b.o.Registry.Save(d.info); err != nil {
		b.log.Error("保存设备失败", "hwid", id, "err", err)
	}
	b.refreshLocked(d, false)
	b.notifyLocked()
	b.log.Info("设备上线", "hwid", id, "kind", h.Kind.String(), "bus", bus, "addr", addr, "firmware", d.info.Firmware)
	if isNew || d.info.Window == "" {
		b.alarmLocked(Alarm{Code: AlarmNew, Message: "发现新设备（" + h.Kind.Label() + "），待分配窗口", HWID: id, Kind: h.Kind, Bus: bus})
	}
	return id
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
		d.info.Online = true
		b.alarmLocked(Alarm{Code: AlarmOnline, Message: d.info.Kind.Label() + "恢复连接", HWID: id, Kind: d.info.Kind, Window: d.info.Window, Bus: d.info.Bus})
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
		b.alarmLocked(Alarm{Code: AlarmOffline, Message: d.info.Kind.Label() + "无响应", HWID: id, Kind: d.info.Kind, Window: d.info.Window, Bus: d.info.Bus})
	}
}

// disconnected marks a point-to-point device gone at once.
func (b *Bridge) disconnected(id string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if d := b.devs[id]; d != nil && d.info.Online {
		d.info.Online = false
		d.shownVer = 0
		b.alarmLocked(Alarm{Code: AlarmOffline, Message: d.info.Kind.Label() + "已断开", HWID: id, Kind: d.info.Kind, Window: d.info.Window, Bus: d.info.Bus})
	}
}

// onEvent acts on a KEY, RATING or SIGN_IN from device id. It returns 0 to
// acknowledge or a NAK code. A repeat of the last seq is acknowledged
// without acting again (the retry of a lost acknowledgement).
func (b *Bridge) onEvent(ctx context.Context, id string, f Frame) uint8 {
	b.mu.Lock()
	d := b.devs[id]
	if d == nil {
		b.mu.Unlock()
		return NakRefused
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
		return NakRefused
	}
	var err error
	switch f.Type {
	case MsgKey:
		k, perr := ParseKey(f.Payload)
		if perr != nil || kind != KindCallPad {
			return NakBadPayload
		}
		if k.Code == KeySignOut {
			b.setSignIn(id, "")
			return 0
		}
		staff := signedIn
		if staff == "" {
			staff = b.o.Engine.Window(window).Staff
		}
		if staff == "" {
			log.Warn("窗口无人登录，呼叫器按键无效", "key", k.Code.String())
			return NakRefused
		}
		a := Action{Key: k.Code, Window: window, Staff: staff}
		switch k.Code {
		case KeyTransfer:
			cats := b.o.Engine.Categories()
			if k.Arg < 1 || int(k.Arg) > len(cats) {
				return NakBadPayload
			}
			a.Category = cats[k.Arg-1]
		case KeyFinish:
			a.Outcome = outcomeFor(k.Arg)
		case KeyPause:
			if k.Arg >= 1 && int(k.Arg) <= len(b.o.PauseReasons) {
				a.Reason = b.o.PauseReasons[k.Arg-1]
			}
		case KeyNext, KeyRecall, KeyNoShow, KeyResume, KeyStart:
		default:
			return NakBadPayload
		}
		err = b.o.Engine.Act(ctx, a)
		log.Info("呼叫器按键", "key", k.Code.String(), "staff", staff, "err", err)
	case MsgRating:
		r, perr := ParseRating(f.Payload)
		if perr != nil {
			return NakBadPayload
		}
		reason := ""
		if r.Reason >= 1 && int(r.Reason) <= len(b.o.RatingReasons) {
			reason = b.o.RatingReasons[r.Reason-1]
		}
		err = b.o.Engine.Rate(ctx, window, int(r.Score), reason)
		log.Info("评价", "score", r.Score, "reason", reason, "err", err)
	case MsgSignIn:
		s, perr := ParseSignIn(f.Payload)
		if perr != nil {
			return NakBadPayload
		}
		if b.o.Verify == nil || !b.o.Verify(s.Staff, s.PIN) {
			log.Warn("呼叫器登录失败", "staff", s.Staff)
			return NakRefused
		}
		b.setSignIn(id, s.Staff)
		log.Info("呼叫器登录", "staff", s.Staff)
	default:
		return NakUnsupported
	}
	b.drainEvents() // show the result now rather than after the pump's turn
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return NakBusy
		}
		return NakRefused
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
// behind. ver identifies it for markShown.
func (b *Bridge) pendingShow(id string) (t MsgType, payload []byte, ver uint64, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	d := b.devs[id]
	if d == nil || d.want == nil || d.shownVer == d.wantVer {
		return 0, nil, 0, false
	}
	return MsgType(d.want[0]), d.want[1:], d.wantVer, true
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

package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/yimen-hall/yimen/display"
	bridge "github.com/yimen-hall/yimen/firmware-bridge"
	"github.com/yimen-hall/yimen/firmware-bridge/sim"
	"github.com/yimen-hall/yimen/web"
)

// startBridges runs the device bridge: the --bridge serial buses, and the
// websocket endpoint for Wi-Fi devices (always on, so a Wi-Fi LED board
// needs no flag). Device alarms go to the manager's page.
func (m *Main) startBridges(ctx context.Context, auth *web.Auth) (web.Devices, error) {
	recs, err := m.store.DeviceRecords()
	if err != nil {
		return nil, err
	}
	reg := bridge.NewRecordRegistry(recs)
	br, err := bridge.New(bridge.Options{
		Engine: bridge.QueueEngine(m.engine), Registry: reg,
		Logger: m.logger.With("device", "bridge"), Now: m.Now,
		Verify:  auth.VerifyPIN,
		OnAlarm: m.deviceAlarm,
	})
	if err != nil {
		return nil, err
	}
	for _, uri := range m.Bridges {
		if err := br.AddSerial(uri); err != nil {
			return nil, usageError{fmt.Errorf("--bridge %q: %w", uri, err)}
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		br.Serve(ctx)
	}()
	m.bridges = append(m.bridges, closerFunc(func() error { <-done; return nil }))
	return bridgeDevices{br, m}, nil
}

// deviceAlarm puts a device alarm on the floor. Alarms travel on the
// public push, so they name a device by its number (编号), never by its
// hwid; proposals are one alarm that counts them.
func (m *Main) deviceAlarm(a bridge.Alarm) {
	source := deviceAlarmSource(a)
	switch a.Code {
	case bridge.AlarmOnline, bridge.AlarmBusUp:
		m.hub.ClearAlarm(source)
	case bridge.AlarmMissing:
		if a.Count == 0 {
			m.hub.ClearAlarm(source)
			return
		}
		m.hub.SetAlarm(display.Alarm{Source: source, Level: "error", Text: a.Message, At: a.At})
	case bridge.AlarmPending:
		if a.Count == 0 {
			m.hub.ClearAlarm(source)
			return
		}
		m.hub.SetAlarm(display.Alarm{Source: source, Level: "warn", Text: a.Message, At: a.At})
	default:
		m.hub.SetAlarm(display.Alarm{Source: source, Level: "error", Text: a.Message, At: a.At})
	}
}

func deviceAlarmSource(a bridge.Alarm) string {
	switch {
	case a.Code == bridge.AlarmPending:
		return "devices:pending"
	case a.Code == bridge.AlarmMissing:
		return "devices:missing"
	case a.No != 0:
		return fmt.Sprintf("device:%d", a.No)
	}
	return "bus:" + a.Bus
}

// bridgeDevices adapts the bridge to what the web layer shows.
type bridgeDevices struct {
	*bridge.Bridge
	m *Main
}

func (b bridgeDevices) DevicesJSON() any { return b.Devices() }

// Approve pairs a proposed device; its errors are told apart by the web
// layer's sentinels.
func (b bridgeDevices) Approve(hwid string) error {
	err := b.Bridge.Approve(hwid)
	switch {
	case errors.Is(err, bridge.ErrDeviceOffline):
		return fmt.Errorf("%w: %w", web.ErrDeviceOffline, err)
	case errors.Is(err, bridge.ErrNotProposed):
		return fmt.Errorf("%w: %w", web.ErrDeviceNotProposed, err)
	}
	return err
}

// Forget unpairs a device; an alarm about it goes with it.
func (b bridgeDevices) Forget(hwid string) error {
	var no int
	for _, d := range b.Devices() {
		if d.HWID == hwid {
			no = d.No
		}
	}
	if err := b.Bridge.Forget(hwid); err != nil {
		return err
	}
	if no != 0 {
		b.m.hub.ClearAlarm(fmt.Sprintf("device:%d", no))
	}
	return nil
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

// simulateDevices plays a call pad, a rating pad and an LED board against
// a daemon, for installers who want to see the flow without hardware.
func simulateDevices(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return usageError{fmt.Errorf("simulate-devices: give one target: pty, serial:/dev/...?baud=N or ws://HOST:PORT/ws/device")}
	}
	return sim.Run(ctx, args[0], stdout)
}

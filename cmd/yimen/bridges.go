package main

import (
	"context"
	"fmt"
	"io"

	"github.com/yimen-hall/yimen/display"
	bridge "github.com/yimen-hall/yimen/firmware-bridge"
	"github.com/yimen-hall/yimen/web"
)

// startBridges runs the device bridge: the --bridge serial buses, and the
// websocket endpoint for Wi-Fi devices (always on, so a Wi-Fi LED board
// needs no flag). Device alarms go to the manager's page.
func (m *Main) startBridges(ctx context.Context, auth *web.Auth) (web.Devices, error) {
	reg, err := bridge.NewBoltRegistry(m.store.DB())
	if err != nil {
		return nil, err
	}
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

func (m *Main) deviceAlarm(a bridge.Alarm) {
	source := "device:" + a.HWID
	if a.HWID == "" {
		source = "bus:" + a.Bus
	}
	switch a.Code {
	case "device_online", "bus_up":
		m.hub.ClearAlarm(source)
	case "device_new":
		m.hub.SetAlarm(display.Alarm{Source: source, Level: "warn", Text: a.Message, At: a.At})
	default:
		m.hub.SetAlarm(display.Alarm{Source: source, Level: "error", Text: a.Message, At: a.At})
	}
}

// bridgeDevices adapts the bridge to what the web layer shows.
type bridgeDevices struct {
	*bridge.Bridge
	m *Main
}

func (b bridgeDevices) DevicesJSON() any { return b.Devices() }

// Assign gives a device its window; a new device's "assign me" alarm is
// then done with.
func (b bridgeDevices) Assign(hwid, window string) error {
	if err := b.Bridge.Assign(hwid, window); err != nil {
		return err
	}
	if window != "" {
		b.m.hub.ClearAlarm("device:" + hwid)
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
	return bridge.RunSimulator(ctx, args[0], stdout)
}

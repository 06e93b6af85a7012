// Package bridge connects the hall's serial and Wi-Fi devices — call pads
// (呼叫器), rating pads (评价器) and window LED boards (窗口屏) — to the
// queue engine. Import it as
//
//	bridge "github.com/yimen-hall/yimen/firmware-bridge"
//
// The wire protocol is in PROTOCOL.md; its Go codec (frames, messages,
// the pairing proof) is the package proto beside this one, mirrored by the
// C firmware in firmware/; the simulated devices are the package sim.
// A Bridge owns:
//
//   - one polled bus per serial port (AddSerial / AddBus), each a
//     Serve-style loop that a small supervisor reopens with backoff when
//     the USB-serial adapter vanishes;
//   - the websocket endpoint for Wi-Fi devices (ServeWS);
//   - a device registry (hwid → state, kind, window, bus address, secret)
//     persisted through Registry (the daemon's: queue/bolt.DeviceRecords),
//     with pairing (Learn, Approve, Forget) and assignment (Assign);
//   - the engine glue: key presses become Engine.Act calls at the device's
//     window, ratings become Engine.Rate, and engine events drive what every
//     device shows.
//
// Concurrency: all exported methods are safe for concurrent use. Engine
// callbacks (Subscribe) never block; OnAlarm runs on its own goroutine.
package bridge

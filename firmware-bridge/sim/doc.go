// Package sim plays the hall's devices — call pads, rating pads and LED
// boards — as the reference firmware does, on a bus (a pty or a real
// serial port) or over the daemon's websocket: for tests, and for
// installers who want to see the flow without hardware
// (yimen simulate-devices).
package sim

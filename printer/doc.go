// Package printer prints queue tickets on ESC/POS thermal printers.
//
// Open takes a URI (sim, none, serial:PATH, serial:usb=VID:PID, tcp:HOST:PORT,
// file:PATH, with width, qr, status, baud, poll and timeout options) and
// returns a Printer. The driver (Device) talks to any io.ReadWriteCloser a
// Dialer returns. It checks DLE EOT status before each ticket and while
// idle, confirms delivery after each ticket, reports changes through
// Options.OnStatus, and redials a vanished device with backoff. Print
// returns a *Fault, which carries the printer's State, when a ticket cannot
// be printed.
//
// See docs/printer.md for the fault policy, wiring notes and measured
// figures. Subpackages: escposemu (decoder, HTML renderer, fake printer)
// and printertest (conformance suite and pty harness).
package printer

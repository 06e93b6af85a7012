package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/yimen-hall/yimen/display"
	"github.com/yimen-hall/yimen/printer"
)

// openPrinter opens the ticket printer and turns its status changes into
// the manager's alarms. "none" runs without a printer.
func (m *Main) openPrinter() error {
	if m.PrinterURI == "none" {
		return nil
	}
	p, err := printer.Open(m.PrinterURI, printer.Options{
		Logger: m.logger.With("device", "printer"), Now: m.Now,
		OnStatus: func(s printer.Status) {
			switch s.State {
			case printer.StateOK:
				m.hub.ClearAlarm("printer")
			case printer.StateNearEnd:
				m.hub.SetAlarm(display.Alarm{Source: "printer", Level: "warn", Text: s.Detail, At: s.At})
			default:
				m.hub.SetAlarm(display.Alarm{Source: "printer", Level: "error", Text: s.Detail, At: s.At})
			}
		},
	})
	if err != nil {
		return usageError{fmt.Errorf("--printer %q: %w", m.PrinterURI, err)}
	}
	m.printer = p
	return nil
}

func printTest(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("yimen print-test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	uri := fs.String("printer", "sim", "printer URI")
	if err := fs.Parse(args); err != nil {
		return usageError{fmt.Errorf("print-test: %w", err)}
	}
	return printer.PrintTest(ctx, *uri, stdout, printer.Options{Logger: slog.New(slog.DiscardHandler)})
}

func ports(args []string, stdout io.Writer) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("ports takes no arguments")}
	}
	return printer.ListPorts(stdout)
}

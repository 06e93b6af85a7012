package printer_test

import (
	"testing"

	"github.com/yimen-hall/yimen/printer/printertest"
)

func TestConformanceInProcess(t *testing.T) { printertest.Conformance(t, printertest.InProcess) }

// TestConformanceSerialPTY drives the real serial transport
// (go.bug.st/serial) against the fake printer on a pseudo-terminal.
func TestConformanceSerialPTY(t *testing.T) { printertest.Conformance(t, printertest.PTY) }

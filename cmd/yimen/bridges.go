package main

import (
	"context"
	"fmt"
	"io"

	"github.com/yimen-hall/yimen/web"
)

// startBridges starts one supervised loop per --bridge bus.
func (m *Main) startBridges(ctx context.Context) (web.Devices, error) {
	if len(m.Bridges) > 0 {
		return nil, usageError{fmt.Errorf("--bridge: device buses are not wired in this build")}
	}
	return nil, nil
}

func simulateDevices(ctx context.Context, args []string, stdout io.Writer) error {
	return usageError{fmt.Errorf("simulate-devices: not wired in this build")}
}

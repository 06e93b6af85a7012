package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// floorCounty runs a county hub in the bench's own process for `bench
// -county floor`, with the county's stream sourcing the hall measured, and
// answers the daemons' flags that link them to it. The hub's CPU and
// memory are the bench's, so the daemon's figures stay its own. done
// says how many of the hall's events the county holds and stops the hub.
func floorCounty(dir, hallFile string, out io.Writer) (args []string, done func(), err error) {
	id := "demo"
	if hallFile != "" {
		var h struct{ ID string }
		data, err := os.ReadFile(hallFile)
		if err != nil {
			return nil, nil, fmt.Errorf("-county: %w", err)
		}
		if err := json.Unmarshal(data, &h); err != nil {
			return nil, nil, fmt.Errorf("-county: %s: %w", hallFile, err)
		}
		if h.ID == "" {
			return nil, nil, fmt.Errorf("-county: the hall in %s has no id, and a hall without one does not link", hallFile)
		}
		id = h.ID
	}
	hub, leaf, err := benchHub(filepath.Join(dir, "hub"), 0)
	if err != nil {
		return nil, nil, fmt.Errorf("county hub: %w", err)
	}
	nc, err := countyConn(hub, id)
	if err != nil {
		hub.Shutdown()
		hub.WaitForShutdown()
		return nil, nil, fmt.Errorf("county hub: %w", err)
	}
	fmt.Fprintf(out, "  county: the daemons link to a hub in the bench's process (%s), its stream sourcing hall %q\n", leaf, id)
	return []string{"--county", leaf}, func() {
		// The daemons have stopped: the count says the link carried their
		// events while they ran, not how fast.
		got, _ := waitCountyCount(nc, id, 0, 0)
		fmt.Fprintf(out, "  county: its stream holds %d events of hall %q\n", got, id)
		nc.Close()
		hub.Shutdown()
		hub.WaitForShutdown()
	}, nil
}

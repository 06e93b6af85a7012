package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/yimen-hall/yimen/federation"
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
	nc, err := countyConn(hub)
	stop := func() {
		if nc != nil {
			nc.Close()
		}
		hub.Shutdown()
		hub.WaitForShutdown()
	}
	if err != nil {
		stop()
		return nil, nil, fmt.Errorf("county hub: %w", err)
	}
	// The county's stream sources the hall once it says hello, as yimen
	// county does for a hall it learns of: a source made before the
	// hall's link is up backs off for most of a run. Each daemon has a
	// new log, so a new leaf connection gets the stream made anew.
	js, err := jetstream.New(nc)
	if err == nil {
		var link uint64
		_, err = nc.Subscribe(federation.HelloSubject(id), func(*nats.Msg) {
			lz, err := hub.Leafz(nil)
			if err != nil || len(lz.Leafs) == 0 || lz.Leafs[0].ID == link {
				return
			}
			link = lz.Leafs[0].ID
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			js.DeleteStream(ctx, federation.CountyStream)
			if _, err := js.CreateStream(ctx, federation.CountyStreamConfig(id)); err != nil {
				fmt.Fprintf(out, "  county: sourcing hall %q: %v\n", id, err)
			}
		})
	}
	if err != nil {
		stop()
		return nil, nil, fmt.Errorf("county hub: %w", err)
	}
	fmt.Fprintf(out, "  county: the daemons link to a hub in the bench's process (%s); its stream sources hall %q from its hello on\n", leaf, id)
	return []string{"--county", leaf}, func() {
		// The daemons have stopped: the count says the link carried their
		// events while they ran, not how fast.
		got, _ := waitCountyCount(nc, id, 0, 0)
		fmt.Fprintf(out, "  county: its stream holds %d events of hall %q (from the last daemon)\n", got, id)
		stop()
	}, nil
}

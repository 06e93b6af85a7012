package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/yimen-hall/yimen/federation"
	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/bolt"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

// benchCountyLink measures the hall's side of the county link: what the
// embedded server and the publisher cost issuing (daemons with and
// without them, taking turns in one run), and how long a county takes to
// catch up with a hall that was cut off for a week.
func benchCountyLink(ctx context.Context, stdout io.Writer, kiosks int, d time.Duration, days, tickets int) error {
	dir, err := os.MkdirTemp("", "yimen-bench-link-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := benchLinkIssue(ctx, stdout, dir, kiosks, d); err != nil {
		return err
	}
	return benchLinkWeek(stdout, dir, days, tickets)
}

// benchLinkIssue runs kiosks issuing against a daemon whose hall has no
// id (no NATS server at all) and one linked to an in-process hub whose
// county stream sources it, twice each, alternately.
func benchLinkIssue(ctx context.Context, stdout io.Writer, dir string, kiosks int, d time.Duration) error {
	hub, leaf, err := benchHub(filepath.Join(dir, "hub"), 0)
	if err != nil {
		return err
	}
	defer func() { hub.Shutdown(); hub.WaitForShutdown() }()
	nc, err := countyConn(hub, "demo")
	if err != nil {
		return err
	}
	defer nc.Close()
	noID := queue.DemoHall()
	noID.ID = ""
	data, err := json.Marshal(noID)
	if err != nil {
		return err
	}
	hallFile := filepath.Join(dir, "hall-without-id.json")
	if err := os.WriteFile(hallFile, data, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "county-link issue: %d kiosks, %v a run, printer none, alternately without and with the link\n", kiosks, d)
	starts := map[bool][]startRun{}
	for round := range 2 {
		for _, linked := range []bool{false, true} {
			data := filepath.Join(dir, fmt.Sprintf("hall-%d-%v", round, linked))
			args := []string{"--printer", "none", "--hall", hallFile}
			label := "without the link (hall without id: no NATS server)"
			if linked {
				args = []string{"--printer", "none", "--county", leaf}
				label = "with the link (embedded server, publisher, leaf of the hub)"
			}
			c, err := startChild(data, args...)
			if err != nil {
				return err
			}
			token, err := c.kioskToken()
			if err != nil {
				c.stop()
				return err
			}
			st := issueLoad(ctx, c.url, token, kiosks, 0, d)
			c.stop()
			fmt.Fprintf(stdout, "  %s: %d tickets (%d failed), %.0f tickets/s, p50 %v p99 %v\n",
				label, st.ok, st.failed, st.rate(),
				percentile(st.lat, 0.5).Round(10*time.Microsecond), percentile(st.lat, 0.99).Round(10*time.Microsecond))
			starts[linked] = append(starts[linked], startRun{data, args})
		}
	}
	// Start-up on the data just written (the log and, linked, the hall's
	// stream holding the same events), several times each way, taking
	// turns: the median of exec to the listening line.
	took := map[bool][]time.Duration{}
	for range 3 {
		for _, linked := range []bool{false, true} {
			for _, r := range starts[linked] {
				c, err := startChild(r.data, r.args...)
				if err != nil {
					return err
				}
				c.stop()
				took[linked] = append(took[linked], c.ready)
			}
		}
	}
	fmt.Fprintf(stdout, "  start-up on that data (exec to listening, median of %d): %v without the link, %v with it\n",
		len(took[false]), percentile(took[false], 0.5).Round(time.Millisecond), percentile(took[true], 0.5).Round(time.Millisecond))
	return nil
}

// startRun is a daemon's data directory and flags, to start it again.
type startRun struct {
	data string
	args []string
}

// benchLinkWeek plays days of tickets at a hall whose county hub is down
// (its link redialling), then starts the hub and times the county's
// catching up.
func benchLinkWeek(stdout io.Writer, dir string, days, tickets int) error {
	port, err := freeTCPPort()
	if err != nil {
		return err
	}
	leaf := fmt.Sprintf("nats://127.0.0.1:%d", port)
	hall := queue.DemoHall()
	hall.ID = "dongzhen"
	for i := range hall.Staff {
		hall.Staff[i].PIN = ""
	}
	clock := queuetest.NewClock(time.Date(2026, 11, 23, 8, 30, 0, 0, hall.Location()))
	store, err := bolt.Open(filepath.Join(dir, "week"), 2*time.Second)
	if err != nil {
		return err
	}
	defer store.Close()
	e, err := queue.NewEngine(hall, store, queue.Options{Now: clock.Now})
	if err != nil {
		return err
	}
	defer e.Close()
	ctx := context.Background()
	if _, err := e.ImportHall(ctx, hall, "bench"); err != nil {
		return err
	}
	link := federation.Start(federation.Config{
		Server: federation.ServerConfig{Hall: hall.ID, Dir: filepath.Join(dir, "week", "nats"), County: []string{leaf}},
		Hall:   e, Log: store, Now: clock.Now, Version: "bench",
	})
	defer link.Close()
	fmt.Fprintf(stdout, "county-link week: a hall cut off for %d days × %d tickets (bbolt log, fsync'd), then its hub comes back\n", days, tickets)
	start := time.Now()
	for day := range days {
		clock.Set(time.Date(2026, 11, 23+day, 8, 30, 0, 0, hall.Location()))
		if err := benchPlayDay(ctx, e, clock, tickets); err != nil {
			return err
		}
	}
	var seq uint64
	e.Read(func(s *queue.State) { seq = s.Seq })
	played := time.Since(start)
	for link.Published() != seq {
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Fprintf(stdout, "  the week played in %v: %d events; the hall's own stream held them all %v later; DATA/nats %.1f MB, yimen.db %.1f MB\n",
		played.Round(time.Millisecond), seq, (time.Since(start) - played).Round(time.Millisecond),
		dirMB(filepath.Join(dir, "week", "nats")), dirMB(filepath.Join(dir, "week", "yimen.db")))

	hubStart := time.Now()
	hub, _, err := benchHub(filepath.Join(dir, "hub-week"), port)
	if err != nil {
		return err
	}
	defer func() { hub.Shutdown(); hub.WaitForShutdown() }()
	nc, err := countyConn(hub, hall.ID)
	if err != nil {
		return err
	}
	defer nc.Close()
	for !link.Linked() {
		time.Sleep(10 * time.Millisecond)
	}
	linked := time.Since(hubStart)
	if _, err := waitCountyCount(nc, hall.ID, 1, 30*time.Minute); err != nil {
		return err
	}
	first := time.Since(hubStart)
	if _, err := waitCountyCount(nc, hall.ID, seq, 30*time.Minute); err != nil {
		return err
	}
	total := time.Since(hubStart)
	fmt.Fprintf(stdout, "  hub back: leaf link up after %v, the county's first event of the hall after %v (its source's retry), all %d events after %v (%.0f events/s from the first)\n",
		linked.Round(time.Millisecond), first.Round(time.Millisecond), seq, total.Round(time.Millisecond), float64(seq)/(total-first).Seconds())
	return nil
}

// benchHub runs a county hub in process; port 0 picks its leafnode port.
func benchHub(dir string, port int) (*server.Server, string, error) {
	if port == 0 {
		port = -1
	}
	hub, err := server.NewServer(&server.Options{
		ServerName: "bench-hub", Host: "127.0.0.1", Port: -1, NoSigs: true, NoLog: true,
		JetStream: true, JetStreamDomain: federation.CountyDomain, StoreDir: dir,
		LeafNode: server.LeafNodeOpts{Host: "127.0.0.1", Port: port, NoAdvertise: true},
	})
	if err != nil {
		return nil, "", err
	}
	hub.Start()
	if !hub.ReadyForConnections(30 * time.Second) {
		hub.Shutdown()
		return nil, "", fmt.Errorf("hub did not start")
	}
	v, err := hub.Varz(nil)
	if err != nil {
		hub.Shutdown()
		return nil, "", err
	}
	return hub, fmt.Sprintf("nats://127.0.0.1:%d", v.LeafNode.Port), nil
}

func freeTCPPort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// countyConn connects to the hub as the county service and makes
// YIMEN_COUNTY sourcing the halls, as yimen county does.
func countyConn(hub *server.Server, halls ...string) (*nats.Conn, error) {
	nc, err := nats.Connect(hub.ClientURL())
	if err != nil {
		return nil, err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := js.CreateOrUpdateStream(ctx, federation.CountyStreamConfig(halls...)); err != nil {
		nc.Close()
		return nil, err
	}
	return nc, nil
}

// waitCountyCount waits until the county's stream holds at least want
// events of hall and returns how many it holds.
func waitCountyCount(nc *nats.Conn, hall string, want uint64, patience time.Duration) (uint64, error) {
	js, err := jetstream.New(nc)
	if err != nil {
		return 0, err
	}
	subj := federation.EventsSubject(hall)
	deadline := time.Now().Add(patience)
	var got uint64
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		s, err := js.Stream(ctx, federation.CountyStream)
		if err == nil {
			var info *jetstream.StreamInfo
			if info, err = s.Info(ctx, jetstream.WithSubjectFilter(subj)); err == nil {
				got = info.State.Subjects[subj]
			}
		}
		cancel()
		if got >= want {
			return got, nil
		}
		if time.Now().After(deadline) {
			return got, fmt.Errorf("the county holds %d events of %s after %v, want %d", got, hall, patience, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// dirMB is the size of the files under path, in MB.
func dirMB(path string) float64 {
	var n int64
	filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return float64(n) / (1 << 20)
}

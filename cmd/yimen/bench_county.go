package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/yimen-hall/yimen/federation"
	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/queuetest"
)

// benchCounty measures the county service (yimen county) catching up a
// day of a district: halls × tickets a day each, with calls, finishes,
// no-shows and ratings, every hall an engine with its federation link (its
// own NATS server and JetStream domain, a leaf of an in-process hub). The
// county runs as a child process, so that its memory is its own.
func benchCounty(ctx context.Context, stdout io.Writer, halls, tickets int) error {
	dir, err := os.MkdirTemp("", "yimen-bench-county-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	hub, err := server.NewServer(&server.Options{
		ServerName: "bench-hub", Host: "127.0.0.1", Port: -1, NoSigs: true, NoLog: true,
		JetStream: true, JetStreamDomain: federation.CountyDomain, StoreDir: filepath.Join(dir, "hub"),
		LeafNode: server.LeafNodeOpts{Host: "127.0.0.1", Port: -1},
	})
	if err != nil {
		return err
	}
	hub.Start()
	defer func() { hub.Shutdown(); hub.WaitForShutdown() }()
	if !hub.ReadyForConnections(30 * time.Second) {
		return fmt.Errorf("hub did not start")
	}
	v, err := hub.Varz(nil)
	if err != nil {
		return err
	}
	leaf := fmt.Sprintf("nats://127.0.0.1:%d", v.LeafNode.Port)

	fmt.Fprintf(stdout, "county: %d halls × %d tickets, a day each (engines with their links, leaves of an in-process hub)\n", halls, tickets)
	start := time.Now()
	var (
		ids    []string
		want   = map[string]uint64{}
		events uint64
	)
	for i := range halls {
		id := fmt.Sprintf("xiang-%02d", i+1)
		seq, link, err := benchHallDay(id, filepath.Join(dir, id), leaf, tickets)
		if err != nil {
			return err
		}
		defer link.Close()
		ids, want[id] = append(ids, id), seq
		events += seq
	}
	fmt.Fprintf(stdout, "  halls ready: %d events in their streams in %v\n", events, time.Since(start).Round(time.Millisecond))

	pwFile := filepath.Join(dir, "admin-password")
	if err := os.WriteFile(pwFile, []byte(benchAdminPassword+"\n"), 0o600); err != nil {
		return err
	}
	run := func(label string) error {
		c, err := startCounty(ctx, hub.ClientURL(), filepath.Join(dir, "county"), pwFile, ids)
		if err != nil {
			return err
		}
		defer c.stop()
		peak, err := c.waitCaughtUp(want, 30*time.Minute)
		if err != nil {
			return err
		}
		took := time.Since(c.started)
		rss, _ := rssMB(c.cmd.Process.Pid)
		hwm, _ := procStatusKB(c.cmd.Process.Pid, "VmHWM")
		fmt.Fprintf(stdout, "  %s: every hall current after %v (from exec; %d events in the halls' streams); RSS %.0f MB then, highest sampled %.0f MB, VmHWM %.0f MB\n",
			label, took.Round(time.Millisecond), events, rss, peak, float64(hwm)/1024)
		return nil
	}
	if err := run("first start"); err != nil {
		return err
	}
	if fi, err := os.Stat(filepath.Join(dir, "county", "county.db")); err == nil {
		fmt.Fprintf(stdout, "  county.db: %.1f MB\n", float64(fi.Size())/(1<<20))
	}
	return run("restart on its data")
}

// benchHallDay plays one hall's day on an engine and links it to the hub;
// it returns once the hall's stream holds every event.
func benchHallDay(id, dir, leaf string, tickets int) (uint64, *federation.Link, error) {
	hall := queue.DemoHall()
	hall.ID, hall.Name = id, id+"便民服务中心"
	for i := range hall.Staff {
		hall.Staff[i].PIN = ""
	}
	loc := hall.Location()
	clock := queuetest.NewClock(time.Date(2026, 11, 23, 8, 30, 0, 0, loc))
	log := new(queuetest.MemLog)
	e, err := queue.NewEngine(hall, log, queue.Options{Now: clock.Now})
	if err != nil {
		return 0, nil, err
	}
	defer e.Close()
	ctx := context.Background()
	if _, err := e.ImportHall(ctx, hall, "bench"); err != nil {
		return 0, nil, err
	}
	if err := benchPlayDay(ctx, e, clock, tickets); err != nil {
		return 0, nil, fmt.Errorf("%s: %w", id, err)
	}
	var seq uint64
	e.Read(func(s *queue.State) { seq = s.Seq })
	link := federation.Start(federation.Config{
		Server: federation.ServerConfig{Hall: id, Dir: filepath.Join(dir, "nats"), County: []string{leaf}},
		Hall:   e, Log: log, Now: clock.Now, Version: "bench",
	})
	deadline := time.Now().Add(10 * time.Minute)
	for link.Published() != seq {
		if time.Now().After(deadline) {
			link.Close()
			return 0, nil, fmt.Errorf("%s: published %d of %d", id, link.Published(), seq)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return seq, link, nil
}

// countyChild is a yimen county started for the benchmark.
type countyChild struct {
	*child
	base    string
	started time.Time
	http    *http.Client
}

func startCounty(ctx context.Context, hubURL, data, pwFile string, ids []string) (*countyChild, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	args := []string{"county", "--nats", hubURL, "--addr", addr, "--data", data, "--admin-password-file", pwFile}
	for _, id := range ids {
		args = append(args, "--hall", id)
	}
	cmd := exec.Command(exe, args...)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	c := &countyChild{child: &child{cmd: cmd}, base: "http://" + addr, started: time.Now()}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	jar, _ := cookiejar.New(nil)
	c.http = &http.Client{Jar: jar, Timeout: 30 * time.Second}
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := c.http.Post(c.base+"/api/county/login", "application/json",
			strings.NewReader(fmt.Sprintf(`{"user":"admin","password":%q}`, benchAdminPassword)))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return c, nil
			}
		}
		if time.Now().After(deadline) {
			c.stop()
			return nil, fmt.Errorf("county did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitCaughtUp polls the halls until each shows its last event; it
// returns the highest RSS sampled meanwhile.
func (c *countyChild) waitCaughtUp(want map[string]uint64, patience time.Duration) (float64, error) {
	deadline := time.Now().Add(patience)
	var peak float64
	for {
		if rss, err := rssMB(c.cmd.Process.Pid); err == nil && rss > peak {
			peak = rss
		}
		resp, err := c.http.Get(c.base + "/api/county/halls")
		if err == nil {
			var out struct {
				Halls []struct {
					ID  string `json:"id"`
					Seq uint64 `json:"seq"`
				} `json:"halls"`
			}
			json.NewDecoder(resp.Body).Decode(&out)
			resp.Body.Close()
			done := 0
			for _, h := range out.Halls {
				if want[h.ID] > 0 && h.Seq == want[h.ID] {
					done++
				}
			}
			if done == len(want) {
				return peak, nil
			}
		}
		if time.Now().After(deadline) {
			return peak, fmt.Errorf("county did not catch up within %v", patience)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// benchPlayDay plays a hall's day from the clock's time on: tickets over
// eight hours at eight windows, with calls, finishes, no-shows, ratings
// and a clerk going 下村.
func benchPlayDay(ctx context.Context, e *queue.Engine, clock *queuetest.Clock, tickets int) error {
	windows := [][2]string{{"1", "S02"}, {"2", "S04"}, {"3", "S05"}, {"4", "S06"}, {"5", "S08"}, {"6", "S09"}, {"7", "S11"}, {"8", "S13"}}
	for _, w := range windows {
		// A window still open from the day before refuses; that is fine.
		e.Open(ctx, w[0], w[1])
	}
	services := []string{"guide", "medicare", "pension", "lowincome", "housing", "business", "certificate",
		"birth", "subsidy", "agritech", "dispute", "legal", "employment", "relief", "land"}
	step := 8 * time.Hour / time.Duration(tickets)
	current := map[string]bool{}
	for i := range tickets {
		clock.Add(step)
		if _, err := e.Issue(ctx, services[(i*7+i/3)%len(services)], i%9 == 0); err != nil {
			return fmt.Errorf("issue %d: %w", i, err)
		}
		// Each step one window moves on: the ticket at it is served
		// (or did not come), rated now and then, and the next is called.
		w := windows[i%len(windows)]
		if current[w[0]] {
			if i%13 == 0 {
				e.NoShow(ctx, w[0], w[1])
			} else {
				e.Start(ctx, w[0], w[1])
				if _, err := e.Finish(ctx, w[0], w[1], ""); err == nil && i%3 != 0 {
					e.Rate(ctx, w[0], 1+(i*7)%5, "")
				}
			}
		}
		tk, err := e.Next(ctx, w[0], w[1])
		current[w[0]] = err == nil && tk != nil
		if i == tickets/2 {
			e.SetStaffStatus(ctx, "S12", queue.StaffVillage, "下村", "")
		}
	}
	return nil
}

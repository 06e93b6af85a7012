// Package federationtest runs a county's side of the wire in tests: an
// in-process NATS hub, the county's stream sourcing halls, and a TCP proxy
// to cut a hall's link and restore it.
package federationtest

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/yimen-hall/yimen/federation"
)

// Hub is a county hub running in the test's process.
type Hub struct {
	t      testing.TB
	opts   *server.Options
	Server *server.Server
}

// StartHub runs a hub with JetStream in domain county and a leafnodes
// listener on free ports of 127.0.0.1, without authentication. Restart
// keeps its store and ports.
func StartHub(t testing.TB) *Hub {
	t.Helper()
	return StartHubOptions(t, &server.Options{
		ServerName: "county-hub", Host: "127.0.0.1", Port: -1,
		JetStream: true, JetStreamDomain: federation.CountyDomain, StoreDir: t.TempDir(),
		// As docs/county/hub.conf: halls dial what --county says (a
		// test's proxy), never the hub's own address.
		LeafNode: server.LeafNodeOpts{Host: "127.0.0.1", Port: -1, NoAdvertise: true},
	})
}

// StartHubConfig runs a hub from a configuration file (docs/county/hub.conf),
// with its ports moved to free ones of 127.0.0.1 and its store to a
// temporary directory.
func StartHubConfig(t testing.TB, file string) *Hub {
	t.Helper()
	opts, err := server.ProcessConfigFile(file)
	if err != nil {
		t.Fatalf("hub config %s: %v", file, err)
	}
	opts.Host, opts.Port = "127.0.0.1", -1
	opts.HTTPPort = 0
	opts.LeafNode.Host, opts.LeafNode.Port = "127.0.0.1", -1
	opts.StoreDir = t.TempDir()
	return StartHubOptions(t, opts)
}

// StartHubOptions runs a hub with the given options.
func StartHubOptions(t testing.TB, opts *server.Options) *Hub {
	t.Helper()
	opts.NoSigs, opts.NoLog = true, true
	h := &Hub{t: t, opts: opts}
	h.start()
	t.Cleanup(h.Stop)
	return h
}

func (h *Hub) start() {
	h.t.Helper()
	s, err := server.NewServer(h.opts)
	if err != nil {
		h.t.Fatal(err)
	}
	s.Start()
	if !s.ReadyForConnections(30 * time.Second) {
		h.t.Fatal("the hub did not start")
	}
	h.Server = s
	// Ports picked at random stay the same across a restart.
	h.opts.Port = s.Addr().(*net.TCPAddr).Port
}

// Stop shuts the hub down (a restart's first half).
func (h *Hub) Stop() {
	if h.Server != nil {
		h.Server.Shutdown()
		h.Server.WaitForShutdown()
	}
}

// Restart stops the hub and starts it again on the same ports and store.
func (h *Hub) Restart() {
	h.t.Helper()
	h.Stop()
	h.start()
}

// LeafURL is where halls link: nats://127.0.0.1:PORT.
func (h *Hub) LeafURL() string {
	return fmt.Sprintf("nats://%s:%d", h.opts.LeafNode.Host, h.opts.LeafNode.Port)
}

// ClientURL is where the county service connects.
func (h *Hub) ClientURL() string { return fmt.Sprintf("nats://%s:%d", h.opts.Host, h.opts.Port) }

// Connect connects to the hub's client port as the county service does,
// reconnecting across restarts; user may be "".
func (h *Hub) Connect(user, password string) *nats.Conn {
	h.t.Helper()
	opts := []nats.Option{nats.MaxReconnects(-1), nats.ReconnectWait(50 * time.Millisecond)}
	if user != "" {
		opts = append(opts, nats.UserInfo(user, password))
	}
	nc, err := nats.Connect(h.ClientURL(), opts...)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(nc.Close)
	return nc
}

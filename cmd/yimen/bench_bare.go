package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	bbolt "go.etcd.io/bbolt"
)

// benchBare is the floor the daemon is measured against: what a plain Go
// server on the same machine does with the same parts and nothing else.
// Run as a child process (yimen bench bare-server DIR), like the daemon:
//   - GET /ws: a plain gorilla/websocket screen;
//   - POST /next: one fsync'd append to a file, then one prepared
//     "called" message written to every screen in turn, then the answer;
//     POST /finish the same with a "finished" message;
//   - POST /api/tickets: one record into bbolt with group commit
//     (bbolt's Batch), then the answer: bbolt behind plain net/http.
func benchBare(ctx context.Context, args []string, stderr io.Writer) error {
	if len(args) != 1 {
		return usageError{fmt.Errorf("bench bare-server: want DIR")}
	}
	dir := args[0]
	db, err := openBareDB(dir)
	if err != nil {
		return err
	}
	defer db.Close()
	gc := newGroupCommit(db)
	defer gc.close()
	logf, err := os.OpenFile(filepath.Join(dir, "bare.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logf.Close()

	var (
		mu      sync.Mutex
		screens []*websocket.Conn
		seq     int
	)
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		mu.Lock()
		screens = append(screens, c)
		mu.Unlock()
		go func() {
			for {
				if _, _, err := c.NextReader(); err != nil {
					return
				}
			}
		}()
	})
	// what: "called" for the next number, "finished" for the last
	// called, as the daemon's clerk does before the next call.
	push := func(what string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			defer mu.Unlock()
			if what == "called" {
				seq++
			}
			number := fmt.Sprintf("A%03d", seq)
			if _, err := fmt.Fprintf(logf, "%s %s\n", what, number); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			if err := logf.Sync(); err != nil {
				http.Error(w, err.Error(), 500)
				return
			}
			pm, _ := websocket.NewPreparedMessage(websocket.TextMessage,
				fmt.Appendf(nil, `{"type":%q,"seq":%d,"number":%q,"window":"1","window_name":"1号窗口"}`, what, seq, number))
			for _, c := range screens {
				c.SetWriteDeadline(time.Now().Add(10 * time.Second))
				c.WritePreparedMessage(pm)
			}
			fmt.Fprintf(w, `{"ticket":{"number":%q}}`, number)
		}
	}
	mux.HandleFunc("POST /next", push("called"))
	mux.HandleFunc("POST /finish", push("finished"))
	var n uint64
	var nmu sync.Mutex
	mux.HandleFunc("POST /api/tickets", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 4096))
		nmu.Lock()
		n++
		key := binary.BigEndian.AppendUint64(nil, n)
		nmu.Unlock()
		if err := gc.put(key, body); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"id":%d,"number":"A%03d","status":"waiting"}`, n, n)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: mux}
	fmt.Fprintf(stderr, "yimen: listening on http://%s\n", ln.Addr())
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}

var bareBucket = []byte("t")

func openBareDB(dir string) (*bbolt.DB, error) {
	db, err := bbolt.Open(filepath.Join(dir, "bare.db"), 0o600, &bbolt.Options{Timeout: time.Second, NoFreelistSync: true})
	if err != nil {
		return nil, err
	}
	if err := db.Update(func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bareBucket)
		return err
	}); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// rawBolt writes records into bbolt from kiosks goroutines with group
// commit, no HTTP at all, until n records or d: records per second.
func rawBolt(dir string, kiosks, n int, d time.Duration) (float64, error) {
	db, err := openBareDB(dir)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	gc := newGroupCommit(db)
	defer gc.close()
	body := []byte(strings.Repeat("x", 200)) // about one issued event
	var (
		mu   sync.Mutex
		next uint64
		wg   sync.WaitGroup
		fail error
	)
	start := time.Now()
	deadline := start.Add(d)
	for range kiosks {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				mu.Lock()
				if next >= uint64(n) {
					mu.Unlock()
					return
				}
				next++
				key := binary.BigEndian.AppendUint64(nil, next)
				mu.Unlock()
				if err := gc.put(key, body); err != nil {
					mu.Lock()
					fail = err
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return float64(next) / time.Since(start).Seconds(), fail
}

// groupCommit commits every record that arrived while the previous commit
// was being written, in one fsync'd transaction, as soon as it can: the
// daemon's own discipline, without anything else.
type groupCommit struct {
	db   *bbolt.DB
	reqs chan gcReq
	done chan struct{}
}

type gcReq struct {
	key, val []byte
	err      chan error
}

func newGroupCommit(db *bbolt.DB) *groupCommit {
	g := &groupCommit{db: db, reqs: make(chan gcReq, 4096), done: make(chan struct{})}
	go g.run()
	return g
}

func (g *groupCommit) put(key, val []byte) error {
	r := gcReq{key, val, make(chan error, 1)}
	g.reqs <- r
	return <-r.err
}

func (g *groupCommit) close() {
	close(g.reqs)
	<-g.done
}

func (g *groupCommit) run() {
	defer close(g.done)
	for r := range g.reqs {
		batch := []gcReq{r}
	more:
		for len(batch) < 1000 {
			select {
			case r, ok := <-g.reqs:
				if !ok {
					break more
				}
				batch = append(batch, r)
			default:
				break more
			}
		}
		err := g.db.Update(func(tx *bbolt.Tx) error {
			b := tx.Bucket(bareBucket)
			b.FillPercent = 1.0
			for _, r := range batch {
				if err := b.Put(r.key, r.val); err != nil {
					return err
				}
			}
			return nil
		})
		for _, r := range batch {
			r.err <- err
		}
	}
}

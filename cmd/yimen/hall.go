package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/yimen-hall/yimen/queue"
	"github.com/yimen-hall/yimen/queue/bolt"
	"github.com/yimen-hall/yimen/web"
	"golang.org/x/crypto/bcrypt"
)

// The live hall lives in the data directory's log. --hall imports a file
// at start when it differs from the file imported last (so a restart with
// the same file keeps what the manager changed on /admin since); without
// --hall the demo hall is imported only into an empty data directory.

// importHall logs the hall file (or the demo hall) when it must be.
func (m *Main) importHall(ctx context.Context) error {
	sum := m.hallSum
	if m.HallFile == "" {
		if v, _ := m.engine.HallVersion(); v > 0 {
			return nil
		}
		sum = "demo"
	}
	if !m.engine.NeedsImport(sum) {
		return nil
	}
	if err := hashPINs(m.hall, m.HashCost, m.HallFile == ""); err != nil {
		return err
	}
	if _, err := m.engine.ImportHall(ctx, m.hall, sum); err != nil {
		return fmt.Errorf("import the hall: %w", err)
	}
	m.logger.Info("hall imported into the data directory", "file", m.HallFile)
	return nil
}

// hashPINs replaces the plain PINs of a hall file by their hashes, a few
// at a time (bcrypt is slow on purpose). The demo hall ships hashes of its
// (public) PINs, kept when of the same cost, so that a first start does not
// wait on bcrypt; a hall file's plain PIN always wins over its pin_hash.
func hashPINs(h *queue.Hall, cost int, demo bool) error {
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	var (
		wg   sync.WaitGroup
		errs = make([]error, len(h.Staff))
		sem  = make(chan struct{}, 4)
	)
	for i := range h.Staff {
		st := &h.Staff[i]
		if st.PIN == "" {
			continue
		}
		if c, err := bcrypt.Cost([]byte(st.PINHash)); demo && err == nil && c == cost {
			st.PIN = ""
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			hash, err := web.HashPassword(st.PIN, cost)
			if err != nil {
				errs[i] = fmt.Errorf("hash the PIN of %s: %w", st.ID, err)
				return
			}
			st.PIN, st.PINHash = "", string(hash)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func fileSum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// hallCmd is `yimen hall export [--data DIR]`: the live hall as a hall
// file, PIN hashes included, to move the hall or start it afresh.
func hallCmd(args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "export" {
		return usageError{errors.New("hall: want `yimen hall export [--data DIR] > hall.json`")}
	}
	fs := flag.NewFlagSet("yimen hall export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	data := fs.String("data", envOr("YIMEN_DATA", "./yimen-data"), "data directory")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{fmt.Errorf("hall export: %w", err)}
	}
	store, err := bolt.Open(*data, 2*time.Second)
	if errors.Is(err, bolt.ErrLocked) {
		return fmt.Errorf("%w: yimen is running; download the hall from /admin (配置 → 导出) or stop it first", err)
	}
	if err != nil {
		return err
	}
	defer store.Close()
	h, err := queue.LoggedHall(store)
	if err != nil {
		return err
	}
	if h == nil {
		return fmt.Errorf("hall export: %s holds no hall yet (start yimen once)", *data)
	}
	out, err := json.MarshalIndent(h, "", "  ")
	if err != nil {
		return err
	}
	_, err = stdout.Write(append(out, '\n'))
	return err
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

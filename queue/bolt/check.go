package bolt

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/yimen-hall/yimen/queue"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Report is what a check of a hall file found.
type Report struct {
	Events   uint64 // events in the log, numbered 1..Events
	Tickets  int    // tickets issued, over all days
	Days     int    // days the log has seen
	Snapshot uint64 // the event the state snapshot is at
	Bytes    int64  // size of the file
}

// CheckFile verifies a hall file without changing it: bbolt's own page
// check, then every event (its checksum, numbered from 1 without a gap,
// every ticket issued once) and the snapshot (its checksum, and that it
// reads through as a state). It fails with ErrLocked
// while a daemon holds the file, and with queue.ErrDamaged saying exactly
// what is wrong.
func CheckFile(path string) (r Report, err error) {
	defer faultsAreDamage(&err)
	defer readGuard()()
	fi, err := os.Stat(path)
	if err != nil {
		return r, fmt.Errorf("bolt: %w", err)
	}
	r.Bytes = fi.Size()
	if fi.Size() == 0 {
		return r, fmt.Errorf("%w: %s is empty (0 bytes)", queue.ErrDamaged, path)
	}
	db, err := bolt.Open(path, 0o400, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return r, fmt.Errorf("bolt: %s: %w", path, ErrLocked)
	}
	if err != nil {
		return r, fmt.Errorf("%w: %s is not a readable hall file: %v", queue.ErrDamaged, path, err)
	}
	defer db.Close()
	if err := checkLength(db, path); err != nil {
		return r, err
	}
	err = db.View(func(tx *bolt.Tx) error {
		var first error
		for err := range tx.Check() { // read to the end: the checker runs until then
			if first == nil {
				first = err
			}
		}
		if first != nil {
			return fmt.Errorf("%w: %s: %v", queue.ErrDamaged, path, first)
		}
		events, snaps := tx.Bucket(bucketEvents), tx.Bucket(bucketSnapshot)
		if events == nil || snaps == nil {
			return fmt.Errorf("%w: %s holds no hall log", queue.ErrDamaged, path)
		}
		lc := newLogCheck()
		c := events.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if err := lc.event(k, v); err != nil {
				return err
			}
		}
		r.Events, r.Tickets, r.Days = lc.last, lc.tickets, len(lc.days)
		seq, body, err := readSnapshot(snaps)
		if err != nil {
			return err
		}
		if body != nil {
			r.Snapshot = seq
			if err := queue.VerifySnapshot(body); err != nil {
				return fmt.Errorf("%w: the state snapshot at event %d: %v", queue.ErrDamaged, r.Snapshot, err)
			}
			if r.Snapshot > r.Events {
				return fmt.Errorf("%w: the state snapshot is at event %d, past the log's last event %d", queue.ErrDamaged, r.Snapshot, r.Events)
			}
		}
		return nil
	})
	return r, err
}

// Backup writes a consistent copy of the whole file to w while the hall
// keeps working (one read transaction; commands are not held up).
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// BackupFile writes a consistent copy of the store to path: written
// beside it, fsync'd, then renamed into place, so that path is never a
// half-written copy.
func (s *Store) BackupFile(path string) error {
	return writeFileAtomic(path, func(w io.Writer) error {
		_, err := s.Backup(w)
		return err
	})
}

// writeFileAtomic writes path through a temporary file in the same
// directory, synced before the rename and the directory after it.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("bolt: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // gone already after the rename
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("bolt: write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("bolt: sync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("bolt: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("bolt: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Restore puts a backup in place as dir's hall file after checking it.
// A hall file already there is kept beside it (yimen.db.replaced-TIME),
// and only with replace; nothing is ever deleted.
func Restore(backup, dir string, replace bool, now time.Time) (Report, error) {
	r, err := CheckFile(backup)
	if err != nil {
		return r, fmt.Errorf("the backup %s: %w", backup, err)
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return r, fmt.Errorf("bolt: data directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
		if _, err := CheckFile(path); errors.Is(err, ErrLocked) {
			return r, fmt.Errorf("%s: %w: stop the daemon before restoring", path, err)
		}
		if !replace {
			return r, fmt.Errorf("%s already holds a hall: give --replace to put the backup in its place (the old file is kept beside it)", path)
		}
		aside := path + ".replaced-" + now.Format("20060102-150405")
		if err := os.Rename(path, aside); err != nil {
			return r, fmt.Errorf("bolt: %w", err)
		}
	}
	in, err := os.Open(backup)
	if err != nil {
		return r, fmt.Errorf("bolt: %w", err)
	}
	defer in.Close()
	return r, writeFileAtomic(path, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}

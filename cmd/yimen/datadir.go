package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/yimen-hall/yimen/queue/bolt"
)

// checkData verifies a data directory offline: yimen check DIR.
func checkData(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("yimen check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		return usageError{fmt.Errorf("check: want the data directory (yimen check DIR)")}
	}
	path := filepath.Join(fs.Arg(0), bolt.FileName)
	r, err := bolt.CheckFile(path)
	if err != nil {
		return fmt.Errorf("check: %w", err)
	}
	fmt.Fprintf(stdout, "%s: ok: %d events, %d tickets over %d days, snapshot at event %d, %.1f MB\n",
		path, r.Events, r.Tickets, r.Days, r.Snapshot, float64(r.Bytes)/(1<<20))
	return nil
}

// backupData copies a stopped daemon's data directory: yimen backup DIR
// --to FILE. A running daemon makes its own online copies (--backup-dir,
// GET /api/admin/backup).
func backupData(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("yimen backup", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	to := fs.String("to", "", "file to write the copy to")
	dir, rest := splitDir(args)
	if err := fs.Parse(rest); err != nil || dir == "" || *to == "" {
		return usageError{fmt.Errorf("backup: want yimen backup DIR --to FILE")}
	}
	path := filepath.Join(dir, bolt.FileName)
	if _, err := bolt.CheckFile(path); errors.Is(err, bolt.ErrLocked) {
		return fmt.Errorf("backup: %s is in use by the running daemon: it copies itself daily with --backup-dir, or on demand at GET /api/admin/backup", path)
	} else if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	st, err := bolt.Open(dir, time.Second)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer st.Close()
	if err := st.BackupFile(*to); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	r, err := bolt.CheckFile(*to)
	if err != nil {
		return fmt.Errorf("backup: the copy does not check: %w", err)
	}
	fmt.Fprintf(stdout, "%s: %d events, %d tickets, %.1f MB\n", *to, r.Events, r.Tickets, float64(r.Bytes)/(1<<20))
	return nil
}

// restoreData puts a checked backup in place: yimen restore FILE --data DIR.
func restoreData(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("yimen restore", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	data := fs.String("data", envOr("YIMEN_DATA", "./yimen-data"), "data directory to restore into")
	replace := fs.Bool("replace", false, "put the backup in place of the hall file there (kept beside it)")
	file, rest := splitDir(args)
	if err := fs.Parse(rest); err != nil || file == "" {
		return usageError{fmt.Errorf("restore: want yimen restore FILE --data DIR [--replace]")}
	}
	r, err := bolt.Restore(file, *data, *replace, time.Now())
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(stdout, "restored %s into %s: %d events, %d tickets over %d days\n", file, *data, r.Events, r.Tickets, r.Days)
	return nil
}

// splitDir takes the first argument when it is not a flag: the commands
// read "yimen check DIR --flag" as people type it.
func splitDir(args []string) (string, []string) {
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		return args[0], args[1:]
	}
	return "", args
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/yimen-hall/yimen/queue/bolt"
	"github.com/yimen-hall/yimen/web"
)

// The manager's password never needs to be on a command line, where
// every user of the machine reads it in the process list: it comes from a
// file (--admin-password-file, YIMEN_ADMIN_PASSWORD_FILE), the
// environment (YIMEN_ADMIN_PASSWORD), or `yimen reset-password`, which
// sets it in the data directory while the daemon is stopped.

// readPasswordFile reads a password from the first line of a file.
func readPasswordFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	pw, _, _ := strings.Cut(string(data), "\n")
	pw = strings.TrimSpace(pw)
	if len(pw) < 8 {
		return "", fmt.Errorf("%s: the password must be at least 8 characters on the first line", path)
	}
	return pw, nil
}

// resetPassword is `yimen reset-password --data DIR [--password-file F]`:
// a new manager's password in a stopped daemon's data directory, printed
// once, or the one in the file. Sessions end with the next start anyway.
func resetPassword(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("yimen reset-password", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dir := fs.String("data", envOr("YIMEN_DATA", "./yimen-data"), "data directory of the hall")
	file := fs.String("password-file", "", "take the new password from this file's first line (else one is made and printed once)")
	if err := fs.Parse(args); err != nil {
		return usageError{fmt.Errorf("reset-password: %w", err)}
	}
	if _, err := os.Stat(filepath.Join(*dir, bolt.FileName)); err != nil {
		return usageError{fmt.Errorf("reset-password: no hall in %s (give --data DIR): %w", *dir, err)}
	}
	pw, shown := "", false
	if *file != "" {
		var err error
		if pw, err = readPasswordFile(*file); err != nil {
			return usageError{fmt.Errorf("reset-password: %w", err)}
		}
	} else {
		pw, shown = web.NewPassword(), true
	}
	store, err := bolt.Open(*dir, time.Second)
	if errors.Is(err, bolt.ErrLocked) {
		return fmt.Errorf("reset-password: %w: stop the daemon first", err)
	}
	if err != nil {
		return fmt.Errorf("reset-password: %w", err)
	}
	defer store.Close()
	h, err := web.HashPassword(pw, 0)
	if err != nil {
		return err
	}
	if err := store.PutMeta(adminKey, h); err != nil {
		return fmt.Errorf("reset-password: %w", err)
	}
	if shown {
		fmt.Fprintf(stdout, "yimen: the manager's new password is %s (shown once)\n", pw)
	} else {
		fmt.Fprintf(stdout, "yimen: the manager's password is set from %s\n", *file)
	}
	return nil
}

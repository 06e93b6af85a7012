package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/yimen-hall/yimen/display"
	"github.com/yimen-hall/yimen/queue/bolt"
)

// A hall has one PC and its disk will die. With --backup-dir (a USB
// stick), the daemon copies its hall file there once a day while it
// works, checks the copy, keeps the last --backup-keep days, and raises an
// alarm on the manager's floor view when a copy fails.

const backupCheckEvery = time.Hour

// startBackups runs the daily backup until ctx ends; Close waits for it.
func (m *Main) startBackups(ctx context.Context) {
	if m.BackupDir == "" {
		return
	}
	m.backupDone = make(chan struct{})
	go func() {
		defer close(m.backupDone)
		t := time.NewTicker(backupCheckEvery)
		defer t.Stop()
		for {
			m.backupToday()
			select {
			case <-t.C:
			case <-ctx.Done():
				return
			}
		}
	}()
}

// backupToday makes today's copy unless it is there, and prunes old ones.
func (m *Main) backupToday() {
	day := m.Now().In(m.engine.Hall().Location()).Format(time.DateOnly)
	path := filepath.Join(m.BackupDir, "yimen-"+day+".db")
	if _, err := os.Stat(path); err == nil {
		return
	}
	err := func() error {
		if err := os.MkdirAll(m.BackupDir, 0o750); err != nil {
			return err
		}
		if err := m.store.BackupFile(path); err != nil {
			return err
		}
		if _, err := bolt.CheckFile(path); err != nil {
			os.Remove(path) // a bad copy is no backup: try again next hour
			return fmt.Errorf("the copy does not check: %w", err)
		}
		return m.pruneBackups(day)
	}()
	if err != nil {
		m.logger.Error("daily backup failed", "dir", m.BackupDir, "err", err)
		m.hub.SetAlarm(display.Alarm{Source: "backup", Level: "error",
			Text: "每日备份失败（备份盘未插好或已满？）：" + err.Error()})
		return
	}
	m.logger.Info("daily backup written", "file", path)
	m.hub.ClearAlarm("backup")
}

// pruneBackups removes the daily copies older than BackupKeep days.
func (m *Main) pruneBackups(today string) error {
	names, err := filepath.Glob(filepath.Join(m.BackupDir, "yimen-????-??-??.db"))
	if err != nil {
		return err
	}
	sort.Strings(names) // oldest first: the names are dates
	keep := max(m.BackupKeep, 1)
	var errs []error
	for i, name := range names {
		day := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(name), "yimen-"), ".db")
		if i < len(names)-keep && day < today {
			errs = append(errs, os.Remove(name))
		}
	}
	return errors.Join(errs...)
}

//go:build unix

package main

import "syscall"

// descriptorLimit is the process's limit on open files (Go raises the
// soft limit to the hard one at start).
func descriptorLimit() int {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil || r.Cur > 1<<30 {
		return 1 << 20
	}
	return int(r.Cur)
}

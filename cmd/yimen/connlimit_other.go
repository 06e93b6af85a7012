//go:build !unix

package main

// descriptorLimit: Windows has no small per-process descriptor limit.
func descriptorLimit() int { return 1 << 20 }

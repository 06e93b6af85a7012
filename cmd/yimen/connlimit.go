package main

// maxConns is how many connections the daemon keeps open at once: the
// descriptor limit less room for the data file, the log, serial ports
// and backups, and never more than a small box's memory carries (a
// connection with its goroutine and buffers costs ~20 KB).
func maxConns() int {
	const reserve, ceiling = 64, 20_000
	n := descriptorLimit()
	if n <= 2*reserve {
		return max(n/2, 8)
	}
	return min(n-reserve, ceiling)
}

package web

import (
	"sync"
	"time"
)

// rateLimiter allows n requests per period per client address, as a token
// bucket that refills continuously, so a kiosk on a busy market day is
// never refused while a script hammering the API is.
type rateLimiter struct {
	now    func() time.Time
	n      float64
	period time.Duration

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(n int, period time.Duration, now func() time.Time) *rateLimiter {
	return &rateLimiter{now: now, n: float64(n), period: period, buckets: map[string]*bucket{}}
}

// allow takes one token for a client (an address, a kiosk).
func (l *rateLimiter) allow(host string) bool {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[host]
	if b == nil {
		if len(l.buckets) > 10_000 {
			l.sweep(now)
		}
		b = &bucket{tokens: l.n, last: now}
		l.buckets[host] = b
	}
	b.tokens = min(l.n, b.tokens+now.Sub(b.last).Seconds()*l.n/l.period.Seconds())
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// sweep forgets addresses whose buckets are full again.
func (l *rateLimiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if now.Sub(b.last) > l.period {
			delete(l.buckets, k)
		}
	}
}

package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Wrong PINs lock out the *source* that typed them (an address, a call
// pad), never the account: a stranger cannot stop a clerk from working.
// Each source may get a few wrong before each further try waits longer
// (1 s, 2 s, 4 s … up to an hour). Sources that never signed in
// successfully also share one budget of wrong tries for the whole hall,
// so that many addresses together cannot guess a six-digit PIN within
// years (docs/security.md gives the figures). A source where a sign-in
// succeeded is trusted for a while and is held only by its own delays: the
// clerk at their own window keeps working during an attack.
//
// All of this is decided before any bcrypt work, and the bcrypt work
// itself is bounded, so sign-in attempts cannot take the CPU from issuing.
const (
	freeFailures = 5
	maxDelay     = time.Hour
	forgetAfter  = 24 * time.Hour
	trustFor     = 30 * 24 * time.Hour
	maxSources   = 50_000
	// The hall's budget of wrong tries from untrusted sources: a burst for
	// a morning's mistypes, then one an hour.
	budgetBurst    = 30
	budgetInterval = time.Hour
	// slotWait bounds how long an attempt waits for a bcrypt slot.
	slotWait = 10 * time.Second
)

// GuessFigures are what the limits allow a stranger: wrong tries a year
// from any number of untrusted addresses, and the expected years to guess
// one six-digit PIN of a hall of `staff` clerks (each try tests one PIN of
// one clerk; with n clerks guessed in parallel the expected number of
// tries is 10⁶·n/(n+1)).
func GuessFigures(staff int) (triesPerYear float64, expectedYears float64) {
	hoursPerYear := 365.0 * 24
	triesPerYear = budgetBurst + hoursPerYear*float64(time.Hour)/float64(budgetInterval)
	n := float64(max(staff, 1))
	expected := 1e6 * n / (n + 1)
	return triesPerYear, expected / triesPerYear
}

// ThrottleError is a sign-in refused before the PIN was checked.
type ThrottleError struct {
	RetryAfter time.Duration
	// Paused means the hall's budget for untrusted sources is spent; a
	// source where someone signed in before is not held by it.
	Paused bool
}

func (e *ThrottleError) Error() string {
	if e.Paused {
		return fmt.Sprintf("web: sign-in paused for new sources for %v", e.RetryAfter)
	}
	return fmt.Sprintf("web: too many wrong attempts from this source, retry in %v", e.RetryAfter)
}

// ErrBusy is a sign-in that found no bcrypt slot in time.
var ErrBusy = fmt.Errorf("web: sign-in checks are busy")

type loginSource struct {
	failures int
	next     time.Time // no attempt before this
	last     time.Time
}

type loginGuard struct {
	now func() time.Time

	mu       sync.Mutex
	sources  map[string]*loginSource
	trusted  map[string]time.Time // source → last successful sign-in
	budget   float64
	budgetAt time.Time

	slots   chan struct{} // one per bcrypt check that may run at once
	typical atomic.Int64  // ns a bcrypt check takes here, for unknown ids
	timesMu sync.Mutex
	times   [15]time.Duration // the last checks' durations
	timesN  int
}

func newLoginGuard(now func() time.Time) *loginGuard {
	return &loginGuard{
		now: now, sources: map[string]*loginSource{}, trusted: map[string]time.Time{},
		budget: budgetBurst, budgetAt: now(),
		// Half the cores at most: issuing and the screens keep the rest.
		slots: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)/2)),
	}
}

func delayAfter(failures int) time.Duration {
	if failures < freeFailures {
		return 0
	}
	shift := min(failures-freeFailures, 20)
	return min(time.Second<<shift, maxDelay)
}

// admit decides whether an attempt from src may be checked. An admitted
// attempt counts as a failure until done(true) takes it back, so that
// concurrent attempts cannot slip past the count.
func (g *loginGuard) admit(src string) error {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.sources[src]
	if s == nil {
		if len(g.sources) >= maxSources {
			g.sweep(now)
		}
		if len(g.sources) >= maxSources {
			return &ThrottleError{RetryAfter: time.Minute, Paused: true}
		}
		s = &loginSource{}
		g.sources[src] = s
	}
	if wait := s.next.Sub(now); wait > 0 {
		return &ThrottleError{RetryAfter: wait}
	}
	if !g.trustedLocked(src, now) {
		g.refill(now)
		if g.budget < 1 {
			wait := time.Duration((1 - g.budget) * float64(budgetInterval))
			return &ThrottleError{RetryAfter: wait, Paused: true}
		}
		g.budget--
	}
	s.failures++
	s.last = now
	s.next = now.Add(delayAfter(s.failures))
	return nil
}

// done records the outcome of an admitted attempt: ok, or not checked at
// all (no bcrypt slot), gives back what admit took; ok also trusts src.
func (g *loginGuard) done(src string, ok, checked bool) {
	if checked && !ok {
		return
	}
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.trustedLocked(src, now) {
		g.budget = min(budgetBurst, g.budget+1) // the attempt was no guess
	}
	if !ok {
		if s := g.sources[src]; s != nil && s.failures > 0 {
			s.failures--
			s.next = s.last.Add(delayAfter(s.failures))
		}
		return
	}
	delete(g.sources, src)
	g.trusted[src] = now
}

func (g *loginGuard) trustedLocked(src string, now time.Time) bool {
	at, ok := g.trusted[src]
	if ok && now.Sub(at) > trustFor {
		delete(g.trusted, src)
		return false
	}
	return ok
}

func (g *loginGuard) refill(now time.Time) {
	if el := now.Sub(g.budgetAt); el > 0 {
		g.budget = min(budgetBurst, g.budget+float64(el)/float64(budgetInterval))
	}
	g.budgetAt = now
}

// sweep forgets sources quiet for a day, and old trust.
func (g *loginGuard) sweep(now time.Time) {
	for k, s := range g.sources {
		if now.Sub(s.last) > forgetAfter {
			delete(g.sources, k)
		}
	}
	for k, at := range g.trusted {
		if now.Sub(at) > trustFor {
			delete(g.trusted, k)
		}
	}
}

// check runs one PIN check in a bcrypt slot. For an unknown id (verify
// nil) it holds the slot for as long as a real check takes here, without
// computing anything, so that the answer's timing does not tell.
func (g *loginGuard) check(verify func() bool) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), slotWait)
	defer cancel()
	select {
	case g.slots <- struct{}{}:
	case <-ctx.Done():
		return false, ErrBusy
	}
	defer func() { <-g.slots }()
	if verify == nil {
		time.Sleep(time.Duration(g.typical.Load()))
		return false, nil
	}
	t0 := time.Now()
	ok := verify()
	g.learn(time.Since(t0))
	return ok, nil
}

// learn keeps the last checks' durations; typical is their median, so
// that one slow check (a busy moment) does not make unknown ids stand out.
func (g *loginGuard) learn(d time.Duration) {
	g.timesMu.Lock()
	defer g.timesMu.Unlock()
	g.times[g.timesN%len(g.times)] = d
	g.timesN++
	n := min(g.timesN, len(g.times))
	sorted := slices.Clone(g.times[:n])
	slices.Sort(sorted)
	g.typical.Store(int64(sorted[n/2]))
}

// SourceOf names the source of an HTTP sign-in: the client's address, or
// its /64 for IPv6 (one machine is given a whole /64). The county's
// sign-in counts wrong tries by it too.
func SourceOf(r *http.Request) string {
	host := remoteHost(r)
	ip := net.ParseIP(host)
	if ip == nil || ip.To4() != nil {
		return "ip:" + host
	}
	return "ip:" + ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

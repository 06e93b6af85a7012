package county

import (
	"sync"
	"time"
)

// loginGuard slows down password guessing from the LAN: after freeTries
// wrong passwords from one address, that address waits a pause that
// doubles with each further failure, up to maxPause; and at most two
// password checks (bcrypt, slow by design) run at once, so that a flood of
// sign-ins cannot starve the pages.
type loginGuard struct {
	mu    sync.Mutex
	fails map[string]*failures
	slots chan struct{}
	now   func() time.Time
}

type failures struct {
	n    int
	last time.Time
}

const (
	freeTries = 5
	maxPause  = 5 * time.Minute
	// forgetAfter drops an address's failures once it has been quiet.
	forgetAfter = time.Hour
)

func newLoginGuard(now func() time.Time) *loginGuard {
	return &loginGuard{fails: map[string]*failures{}, slots: make(chan struct{}, 2), now: now}
}

// pause is how long source must still wait before its next try.
func (g *loginGuard) pause(source string) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	f := g.fails[source]
	if f == nil || f.n < freeTries {
		return 0
	}
	p := min(time.Second<<min(f.n-freeTries, 20), maxPause)
	return max(0, f.last.Add(p).Sub(g.now()))
}

// done records a try's outcome.
func (g *loginGuard) done(source string, ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	for s, f := range g.fails {
		if now.Sub(f.last) > forgetAfter {
			delete(g.fails, s)
		}
	}
	if ok {
		delete(g.fails, source)
		return
	}
	f := g.fails[source]
	if f == nil {
		f = &failures{}
		g.fails[source] = f
	}
	f.n++
	f.last = now
}

// check runs one password check in one of the guard's slots.
func (g *loginGuard) check(fn func() bool) bool {
	g.slots <- struct{}{}
	defer func() { <-g.slots }()
	return fn()
}

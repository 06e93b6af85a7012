package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/yimen-hall/yimen/queue"
	"golang.org/x/crypto/bcrypt"
)

// Auth signs clerks and the manager in. PINs are checked against bcrypt
// hashes; sessions are random tokens held in memory (a restart signs
// everyone out, which a hall survives: the PIN is short).
type Auth struct {
	now        func() time.Time
	sessionTTL time.Duration
	cost       int // bcrypt cost
	dummyOnce  sync.Once
	dummy      []byte // hash compared for unknown ids

	mu        sync.Mutex
	pins      map[string]func() ([]byte, error) // staff → its PIN hash, computed once
	admins    map[string]bool                   // staff who may use the floor view
	sessions  map[string]*Session
	failures  map[string]*failure // by staff id or "admin"
	adminHash []byte
}

// Session is a signed-in clerk or manager.
type Session struct {
	Token   string
	Staff   string // empty for the manager's password session
	Admin   bool
	Expires time.Time
}

type failure struct {
	count int
	until time.Time
}

const (
	cookieName = "yimen_session"
	// Five wrong PINs lock a clerk (or the admin) out for a minute: a
	// six-digit PIN cannot be guessed at that pace.
	maxFailures = 5
	lockout     = time.Minute
)

// NewAuth prepares PIN checks for the hall's staff. A plain PIN from the
// hall file is hashed in the background, so that start-up does not wait on
// bcrypt; the first sign-in of that clerk waits for it instead.
//
// cost is the bcrypt cost; 0 means bcrypt.DefaultCost (tests lower it).
func NewAuth(h *queue.Hall, adminHash []byte, now func() time.Time, cost int) *Auth {
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	a := &Auth{
		now: now, sessionTTL: 12 * time.Hour, cost: cost,
		sessions:  map[string]*Session{},
		failures:  map[string]*failure{},
		adminHash: adminHash,
	}
	if a.now == nil {
		a.now = time.Now
	}
	a.setStaff(h)
	return a
}

// setStaff takes the PIN hashes and admin marks of a hall's staff. a.mu is
// held, or a is not shared yet.
func (a *Auth) setStaff(h *queue.Hall) {
	a.pins = map[string]func() ([]byte, error){}
	a.admins = map[string]bool{}
	for i := range h.Staff {
		st := &h.Staff[i]
		a.admins[st.ID] = st.Admin
		if st.PINHash != "" {
			hash := []byte(st.PINHash)
			a.pins[st.ID] = func() ([]byte, error) { return hash, nil }
			continue
		}
		pin := st.PIN
		st.PIN = "" // the hall keeps no plain PIN once loaded
		f := sync.OnceValues(func() ([]byte, error) {
			return bcrypt.GenerateFromPassword([]byte(pin), a.cost)
		})
		a.pins[st.ID] = f
		go f()
	}
}

// HashPassword hashes an admin password for storage; cost 0 means
// bcrypt.DefaultCost.
func HashPassword(pw string, cost int) ([]byte, error) {
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	return bcrypt.GenerateFromPassword([]byte(pw), cost)
}

// NewPassword makes a random password that reads well aloud and on paper.
func NewPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789" // no 0/o, 1/l/i
	b := make([]byte, 12)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:4]) + "-" + string(b[4:8]) + "-" + string(b[8:])
}

// errLocked is returned while an account is locked after wrong PINs.
var errLocked = fmt.Errorf("web: too many wrong attempts")

// LoginStaff checks a clerk's PIN and opens a session.
func (a *Auth) LoginStaff(staff, pin string) (*Session, error) {
	if err := a.checkLock(staff); err != nil {
		return nil, err
	}
	hash, admin := a.pinOf(staff)
	ok := false
	if hash != nil {
		if h, err := hash(); err == nil {
			ok = bcrypt.CompareHashAndPassword(h, []byte(pin)) == nil
		}
	} else {
		// Spend the same time on unknown ids, so ids cannot be probed.
		bcrypt.CompareHashAndPassword(a.dummyHash(), []byte(pin))
	}
	return a.finish(staff, ok, &Session{Staff: staff, Admin: admin})
}

// LoginAdmin checks the manager's password and opens an admin session.
func (a *Auth) LoginAdmin(password string) (*Session, error) {
	if err := a.checkLock("admin"); err != nil {
		return nil, err
	}
	a.mu.Lock()
	hash := a.adminHash
	a.mu.Unlock()
	ok := len(hash) > 0 && bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil
	return a.finish("admin", ok, &Session{Admin: true})
}

func (a *Auth) dummyHash() []byte {
	a.dummyOnce.Do(func() {
		a.dummy, _ = bcrypt.GenerateFromPassword([]byte("not-a-pin"), a.cost)
	})
	return a.dummy
}

func (a *Auth) checkLock(who string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if f := a.failures[who]; f != nil && a.now().Before(f.until) {
		return errLocked
	}
	return nil
}

func (a *Auth) finish(who string, ok bool, s *Session) (*Session, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !ok {
		f := a.failures[who]
		if f == nil {
			f = &failure{}
			a.failures[who] = f
		}
		f.count++
		if f.count >= maxFailures {
			f.count, f.until = 0, a.now().Add(lockout)
		}
		return nil, nil
	}
	delete(a.failures, who)
	b := make([]byte, 32)
	rand.Read(b)
	s.Token = hex.EncodeToString(b)
	s.Expires = a.now().Add(a.sessionTTL)
	a.sessions[s.Token] = s
	return s, nil
}

// Session finds the session of a request: a bearer token or the cookie.
func (a *Auth) Session(r *http.Request) *Session {
	tok := ""
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		tok = strings.TrimSpace(h[len("Bearer "):])
	} else if c, err := r.Cookie(cookieName); err == nil {
		tok = c.Value
	}
	if tok == "" {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.sessions[tok]
	if s != nil && a.now().After(s.Expires) {
		delete(a.sessions, tok)
		return nil
	}
	return s
}

// Logout ends a session.
func (a *Auth) Logout(token string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.sessions, token)
}

type sessionKey struct{}

func withSession(ctx context.Context, s *Session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

func sessionOf(r *http.Request) *Session {
	s, _ := r.Context().Value(sessionKey{}).(*Session)
	return s
}

// signedIn lets any signed-in clerk or manager through.
func (s *Server) signedIn(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess := s.auth.Session(r)
		if sess == nil {
			failWith(w, http.StatusUnauthorized, "unauthorized", "请先登录")
			return
		}
		h(w, r.WithContext(withSession(r.Context(), sess)))
	}
}

// clerk lets signed-in clerks through (not the manager's password session).
func (s *Server) clerk(h http.HandlerFunc) http.HandlerFunc {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request) {
		if sessionOf(r).Staff == "" {
			failWith(w, http.StatusForbidden, "not_a_clerk", "请用工作人员编号和密码登录")
			return
		}
		h(w, r)
	})
}

// admin lets the manager through.
func (s *Server) admin(h http.HandlerFunc) http.HandlerFunc {
	return s.signedIn(func(w http.ResponseWriter, r *http.Request) {
		if !sessionOf(r).Admin {
			failWith(w, http.StatusForbidden, "not_admin", "需要管理员登录")
			return
		}
		h(w, r)
	})
}

// VerifyPIN checks a clerk's PIN without opening a session, for a call pad
// on which the clerk types it. Wrong PINs count towards the same lockout.
func (a *Auth) VerifyPIN(staff, pin string) bool {
	s, err := a.LoginStaff(staff, pin)
	if s == nil || err != nil {
		return false
	}
	a.Logout(s.Token)
	return true
}

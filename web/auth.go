package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/yimen-hall/yimen/queue"
	"golang.org/x/crypto/bcrypt"
)

// Auth signs clerks and the manager in. PINs are checked against bcrypt
// hashes; sessions are random tokens held in memory (a restart signs
// everyone out, which a hall survives: the PIN is short). Every check goes
// through the login guard (login_guard.go) first.
type Auth struct {
	now        func() time.Time
	sessionTTL time.Duration
	cost       int // bcrypt cost
	guard      *loginGuard
	calibrate  func() // times one bcrypt check, once, for unknown ids

	mu        sync.Mutex
	pins      map[string]func() ([]byte, error) // staff → its PIN hash, computed once
	admins    map[string]bool                   // staff who may use the floor view
	sessions  map[string]*Session
	adminHash []byte
}

// Session is a signed-in clerk or manager.
type Session struct {
	Token   string
	Staff   string // empty for the manager's password session
	Admin   bool
	Expires time.Time
}

const cookieName = "yimen_session"

// NewAuth prepares PIN checks for the hall's staff. A plain PIN from the
// hall file is hashed in the background, so that start-up does not wait on
// bcrypt; the first sign-in of that clerk waits for it instead.
//
// cost is the bcrypt cost; 0 means bcrypt.DefaultCost (tests lower it).
func NewAuth(h *queue.Hall, adminHash []byte, now func() time.Time, cost int) *Auth {
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	if now == nil {
		now = time.Now
	}
	a := &Auth{
		now: now, sessionTTL: 12 * time.Hour, cost: cost,
		guard:     newLoginGuard(now),
		sessions:  map[string]*Session{},
		adminHash: adminHash,
	}
	a.calibrate = sync.OnceFunc(func() {
		// The quickest of three checks: start-up work running beside
		// this one would make it look slower than checks usually are.
		h, _ := bcrypt.GenerateFromPassword([]byte("not-a-pin"), cost)
		best := time.Duration(1<<63 - 1)
		for range 3 {
			t0 := time.Now()
			bcrypt.CompareHashAndPassword(h, []byte("a-wrong-pin"))
			best = min(best, time.Since(t0))
		}
		if a.guard.typical.Load() == 0 {
			a.guard.learn(best)
		}
	})
	go a.calibrate()
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

// LoginStaff checks a clerk's PIN typed at source (SourceOf for HTTP,
// "device:…" for a call pad) and opens a session. A nil session with a nil
// error is a wrong staff id or PIN; a *ThrottleError or ErrBusy means the
// PIN was not checked.
func (a *Auth) LoginStaff(source, staff, pin string) (*Session, error) {
	hash, admin := a.pinOf(staff)
	var verify func() bool
	if hash != nil {
		verify = func() bool {
			h, err := hash()
			return err == nil && bcrypt.CompareHashAndPassword(h, []byte(pin)) == nil
		}
	} else {
		a.calibrate()
	}
	return a.login(source, verify, &Session{Staff: staff, Admin: admin})
}

// LoginAdmin checks the manager's password and opens an admin session.
func (a *Auth) LoginAdmin(source, password string) (*Session, error) {
	a.mu.Lock()
	hash := a.adminHash
	a.mu.Unlock()
	var verify func() bool
	if len(hash) > 0 {
		verify = func() bool { return bcrypt.CompareHashAndPassword(hash, []byte(password)) == nil }
	}
	return a.login(source, verify, &Session{Admin: true})
}

func (a *Auth) login(source string, verify func() bool, s *Session) (*Session, error) {
	if err := a.guard.admit(source); err != nil {
		return nil, err
	}
	ok, err := a.guard.check(verify)
	a.guard.done(source, ok, err == nil)
	if err != nil || !ok {
		return nil, err
	}
	b := make([]byte, 32)
	rand.Read(b)
	s.Token = hex.EncodeToString(b)
	s.Expires = a.now().Add(a.sessionTTL)
	a.mu.Lock()
	defer a.mu.Unlock()
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
// on which the clerk types it. device names the pad: it is the source the
// login guard throttles, as an address is for the pages.
func (a *Auth) VerifyPIN(device, staff, pin string) bool {
	s, err := a.LoginStaff("device:"+device, staff, pin)
	if s == nil || err != nil {
		return false
	}
	a.Logout(s.Token)
	return true
}

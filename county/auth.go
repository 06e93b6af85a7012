package county

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/bcrypt"

	"github.com/yimen-hall/yimen/web"
)

// Role is what an account of the county service may do.
type Role string

const (
	// RoleAdmin is the county office: every hall, the ledger, accounts.
	RoleAdmin Role = "admin"
	// RoleAgent is a village 代办员 (村代办点): files for villagers at the
	// halls and sees every hall's queue.
	RoleAgent Role = "agent"
)

// AdminUser is the county admin's user name.
const AdminUser = "admin"

// Account is a person who signs in to the county service.
type Account struct {
	User    string    `json:"user"`
	Name    string    `json:"name"`
	Role    Role      `json:"role"`
	Station string    `json:"station,omitempty"` // an agent's village station (村代办点)
	Hash    []byte    `json:"hash"`
	Created time.Time `json:"created"`
}

// session is a signed-in account.
type session struct {
	acct    Account
	expires time.Time
}

const (
	sessionCookie = "yimen_county"
	sessionLife   = 12 * time.Hour
)

// auth holds the accounts' sessions; the accounts live in the store.
type auth struct {
	mu       sync.Mutex
	sessions map[string]*session
	store    *store
	now      func() time.Time
	cost     int
	guard    *loginGuard
}

// newAuth sets the admin's password from c, or on first start makes one
// and prints it once: no default password survives the first start.
func newAuth(st *store, c Config) (*auth, error) {
	a := &auth{sessions: map[string]*session{}, store: st, now: c.Now, guard: newLoginGuard(c.Now)}
	hash, err := st.meta(keyAdmin)
	if err != nil {
		return nil, fmt.Errorf("county: admin password: %w", err)
	}
	pw := c.AdminPassword
	if hash == nil && pw == "" {
		pw = web.NewPassword()
		fmt.Fprintf(c.Stdout, "yimen county: the county admin (user %q) password is %s (shown once)\n", AdminUser, pw)
	}
	if pw != "" {
		if len(pw) < 8 {
			return nil, errors.New("county: the admin password must be at least 8 characters")
		}
		h, err := web.HashPassword(pw, 0)
		if err != nil {
			return nil, err
		}
		if err := st.putMeta(keyAdmin, h); err != nil {
			return nil, fmt.Errorf("county: admin password: %w", err)
		}
	}
	return a, nil
}

// account reads a stored account; the admin's is built from its hash.
func (a *auth) account(user string) (Account, bool) {
	if user == AdminUser {
		h, err := a.store.meta(keyAdmin)
		return Account{User: AdminUser, Name: "县级管理员", Role: RoleAdmin, Hash: h}, err == nil && h != nil
	}
	var acct Account
	found := false
	a.store.db.View(func(tx *bolt.Tx) error {
		if data := tx.Bucket(bucketAgents).Get([]byte(user)); data != nil {
			found = json.Unmarshal(data, &acct) == nil
		}
		return nil
	})
	return acct, found
}

// login checks a password and opens a session; nil for a wrong one.
func (a *auth) login(user, password string) (string, *Account) {
	acct, ok := a.account(user)
	if !ok {
		// As slow as a real check, so that timing does not tell which
		// users exist.
		a.guard.check(func() bool { return bcrypt.CompareHashAndPassword(dummyHash, []byte(password)) == nil })
		return "", nil
	}
	if !a.guard.check(func() bool { return bcrypt.CompareHashAndPassword(acct.Hash, []byte(password)) == nil }) {
		return "", nil
	}
	b := make([]byte, 24)
	rand.Read(b)
	token := base64.RawURLEncoding.EncodeToString(b)
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	for t, s := range a.sessions {
		if now.After(s.expires) {
			delete(a.sessions, t)
		}
	}
	a.sessions[token] = &session{acct: acct, expires: now.Add(sessionLife)}
	return token, &acct
}

var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a password"), bcrypt.DefaultCost)

// session returns the request's signed-in account, nil when none.
func (a *auth) session(r *http.Request) *Account {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	s := a.sessions[c.Value]
	if s == nil || a.now().After(s.expires) {
		return nil
	}
	acct := s.acct
	return &acct
}

func (a *auth) logout(r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		a.mu.Lock()
		delete(a.sessions, c.Value)
		a.mu.Unlock()
	}
}

var userName = regexp.MustCompile(`^[a-z][a-z0-9_-]{1,31}$`)

// addAgent creates a 代办员 account and returns its password, made here
// and shown once.
func (a *auth) addAgent(user, name, station string) (string, error) {
	if !userName.MatchString(user) || user == AdminUser {
		return "", errBadUser
	}
	if name == "" || len([]rune(name)) > 32 || len([]rune(station)) > 64 {
		return "", errBadName
	}
	pw := web.NewPassword()
	h, err := web.HashPassword(pw, a.cost)
	if err != nil {
		return "", err
	}
	acct := Account{User: user, Name: name, Role: RoleAgent, Station: station, Hash: h, Created: a.now()}
	err = a.store.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketAgents).Get([]byte(user)) != nil {
			return errUserTaken
		}
		return putJSON(tx, bucketAgents, user, acct)
	})
	if err != nil {
		return "", err
	}
	return pw, nil
}

// agents lists the 代办员 accounts, without their hashes.
func (a *auth) agents() ([]Account, error) {
	var out []Account
	err := eachJSON(a.store, bucketAgents, func(_ string, acct *Account) error {
		acct.Hash = nil
		out = append(out, *acct)
		return nil
	})
	return out, err
}

var (
	errBadUser   = errors.New("用户名须为 2–32 位小写字母、数字、- 或 _，以字母开头")
	errBadName   = errors.New("请填写姓名（32 字以内），代办点 64 字以内")
	errUserTaken = errors.New("这个用户名已经有人用了")
	errBadDay    = errors.New("日期应写成 2026-11-21")
)

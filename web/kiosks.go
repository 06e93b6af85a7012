package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Issuing numbers is for the hall's own kiosks. A kiosk screen is paired
// once: it proposes itself and shows a short code, the manager approves
// that code on /admin, and the kiosk then holds a long random credential
// (a cookie for the kiosk page, "Authorization: Bearer" for scripts). The
// daemon keeps only a hash of each credential, so a copied data directory
// does not hand out kiosks.

// KioskStore keeps the paired kiosks across restarts; the daemon gives it
// the bbolt file's settings bucket.
type KioskStore interface {
	GetMeta(key string) ([]byte, error)
	PutMeta(key string, v []byte) error
}

const (
	kioskCookie     = "yimen_kiosk"
	kioskPairCookie = "yimen_kiosk_pair"
	kiosksKey       = "kiosks"
	// A handful of kiosk screens propose themselves at once at most; a
	// flood of proposals pushes out the oldest, never grows memory.
	maxPendingKiosks = 16
	pendingKioskTTL  = 15 * time.Minute
	// pairLinkTTL bounds how long a pairing link printed at start works.
	pairLinkTTL = 30 * time.Minute
)

// Kiosk is a paired screen as the manager sees it: a kiosk, or a rating
// tablet. Each credential does one job, so a tablet left on a window's
// desk cannot take numbers and a kiosk cannot rate.
type Kiosk struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Role      Role      `json:"role,omitempty"` // "" is a kiosk (pairings made before roles)
	TokenHash string    `json:"token_hash"`
	CreatedAt time.Time `json:"created_at"`
}

// Role is what a paired screen may do.
type Role string

const (
	RoleKiosk  Role = "kiosk"  // takes numbers
	RoleRating Role = "rating" // rates the ticket just finished at its window
)

// Is reports whether the screen has role r.
func (k Kiosk) Is(r Role) bool {
	if k.Role == "" {
		return r == RoleKiosk
	}
	return k.Role == r
}

// parseRole reads a role a request names; empty means a kiosk.
func parseRole(s string) (Role, bool) {
	switch Role(s) {
	case "", RoleKiosk:
		return RoleKiosk, true
	case RoleRating:
		return RoleRating, true
	}
	return "", false
}

func (r Role) defaultName() string {
	if r == RoleRating {
		return "评价器"
	}
	return "取号机"
}

type pendingKiosk struct {
	id, code, address string
	role              Role
	secretHash        string
	at                time.Time
	token             string // set when the manager approved; handed over once
	name              string
}

type pairLink struct {
	hash    string
	name    string
	expires time.Time
}

// Kiosks holds the paired kiosks and the screens waiting for approval.
type Kiosks struct {
	store KioskStore
	now   func() time.Time

	mu      sync.Mutex
	paired  []Kiosk
	pending []*pendingKiosk
	links   []pairLink
}

// NewKiosks loads the paired kiosks; a nil store keeps them in memory.
func NewKiosks(store KioskStore, now func() time.Time) (*Kiosks, error) {
	if now == nil {
		now = time.Now
	}
	k := &Kiosks{store: store, now: now}
	if store == nil {
		return k, nil
	}
	data, err := store.GetMeta(kiosksKey)
	if err != nil {
		return nil, fmt.Errorf("kiosks: %w", err)
	}
	if data != nil {
		if err := json.Unmarshal(data, &k.paired); err != nil {
			return nil, fmt.Errorf("kiosks: stored list: %w", err)
		}
	}
	return k, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func tokenHash(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// Paired reports whether any kiosk is paired.
func (k *Kiosks) Paired() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.paired) > 0
}

// Create pairs a new screen of the given role and returns its id and
// credential (shown once).
func (k *Kiosks) Create(name string, role Role) (id, token string, err error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.createLocked(name, role)
}

func (k *Kiosks) createLocked(name string, role Role) (string, string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = fmt.Sprintf("%s %d", role.defaultName(), len(k.paired)+1)
	}
	token := randomHex(32)
	kk := Kiosk{ID: randomHex(4), Name: name, Role: role, TokenHash: tokenHash(token), CreatedAt: k.now()}
	list := append(append([]Kiosk(nil), k.paired...), kk)
	if err := k.save(list); err != nil {
		return "", "", err
	}
	k.paired = list
	return kk.ID, token, nil
}

// Remove unpairs a kiosk: its credential stops working at once.
func (k *Kiosks) Remove(id string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	for i, kk := range k.paired {
		if kk.ID == id {
			list := append(append([]Kiosk(nil), k.paired[:i]...), k.paired[i+1:]...)
			if k.save(list) != nil {
				return false
			}
			k.paired = list
			return true
		}
	}
	return false
}

func (k *Kiosks) save(list []Kiosk) error {
	if k.store == nil {
		return nil
	}
	data, err := json.Marshal(list)
	if err != nil {
		return err
	}
	if err := k.store.PutMeta(kiosksKey, data); err != nil {
		return fmt.Errorf("kiosks: save: %w", err)
	}
	return nil
}

// kioskCredential is the credential a request presents: the bearer token
// of a script, else the kiosk page's cookie.
func kioskCredential(r *http.Request) string {
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimSpace(h[len("Bearer "):])
	}
	if c, err := r.Cookie(kioskCookie); err == nil {
		return c.Value
	}
	return ""
}

// Of returns the paired kiosk a request comes from.
func (k *Kiosks) Of(r *http.Request) (Kiosk, bool) {
	tok := kioskCredential(r)
	if tok == "" {
		return Kiosk{}, false
	}
	h := tokenHash(tok)
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, kk := range k.paired {
		if subtle.ConstantTimeCompare([]byte(kk.TokenHash), []byte(h)) == 1 {
			return kk, true
		}
	}
	return Kiosk{}, false
}

// Propose records a screen asking to be paired in a role; it returns the
// request's secret (kept by the screen) and the code it shows.
func (k *Kiosks) Propose(address string, role Role) (secret, code string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.expireLocked()
	if len(k.pending) >= maxPendingKiosks {
		k.pending = k.pending[1:]
	}
	secret = randomHex(32)
	b := make([]byte, 3)
	rand.Read(b)
	code = fmt.Sprintf("%06d", (int(b[0])<<16|int(b[1])<<8|int(b[2]))%1_000_000)
	k.pending = append(k.pending, &pendingKiosk{
		id: randomHex(4), code: code, address: address, role: role, secretHash: tokenHash(secret), at: k.now(),
	})
	return secret, code
}

func (k *Kiosks) expireLocked() {
	now := k.now()
	live := k.pending[:0]
	for _, p := range k.pending {
		if now.Sub(p.at) < pendingKioskTTL {
			live = append(live, p)
		}
	}
	clear(k.pending[len(live):])
	k.pending = live
	links := k.links[:0]
	for _, l := range k.links {
		if now.Before(l.expires) {
			links = append(links, l)
		}
	}
	k.links = links
}

// Poll is the proposing screen asking whether it was approved: it gets its
// credential once, then the request is done. found is false for an
// unknown or expired request.
func (k *Kiosks) Poll(secret string) (code, token, name string, found bool) {
	h := tokenHash(secret)
	k.mu.Lock()
	defer k.mu.Unlock()
	k.expireLocked()
	for i, p := range k.pending {
		if subtle.ConstantTimeCompare([]byte(p.secretHash), []byte(h)) != 1 {
			continue
		}
		if p.token != "" {
			k.pending = append(k.pending[:i], k.pending[i+1:]...)
		}
		return p.code, p.token, p.name, true
	}
	return "", "", "", false
}

// Approve pairs the proposing screen with the given request id.
func (k *Kiosks) Approve(id, name string) (Kiosk, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.expireLocked()
	for _, p := range k.pending {
		if p.id != id || p.token != "" {
			continue
		}
		kid, token, err := k.createLocked(name, p.role)
		if err != nil {
			return Kiosk{}, err
		}
		p.token, p.name = token, k.paired[len(k.paired)-1].Name
		// The screen has a minute more to fetch its credential.
		p.at = k.now().Add(time.Minute - pendingKioskTTL)
		return Kiosk{ID: kid, Name: p.name, Role: p.role}, nil
	}
	return Kiosk{}, errNoPending
}

var errNoPending = fmt.Errorf("web: no such kiosk waiting for approval")

// PairLink makes a one-time secret that pairs the kiosk screen opening
// /kiosk/pair/SECRET, for a first start with no kiosk paired yet.
func (k *Kiosks) PairLink(name string) string {
	secret := randomHex(16)
	k.mu.Lock()
	defer k.mu.Unlock()
	k.links = append(k.links, pairLink{hash: tokenHash(secret), name: name, expires: k.now().Add(pairLinkTTL)})
	return secret
}

// usePairLink pairs a kiosk with a one-time link secret.
func (k *Kiosks) usePairLink(secret string) (token string, ok bool) {
	h := tokenHash(secret)
	k.mu.Lock()
	defer k.mu.Unlock()
	k.expireLocked()
	for i, l := range k.links {
		if subtle.ConstantTimeCompare([]byte(l.hash), []byte(h)) != 1 {
			continue
		}
		_, token, err := k.createLocked(l.name, RoleKiosk)
		if err != nil {
			return "", false
		}
		k.links = append(k.links[:i], k.links[i+1:]...)
		return token, true
	}
	return "", false
}

// pendingView and kioskView are what /admin shows.
type pendingView struct {
	ID      string `json:"id"`
	Role    Role   `json:"role"`
	Code    string `json:"code"`
	Address string `json:"address"`
	At      string `json:"at"`
}

type kioskView struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Role      Role   `json:"role"`
	CreatedAt string `json:"created_at"`
}

func (k *Kiosks) views(loc *time.Location) ([]kioskView, []pendingView) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.expireLocked()
	paired := []kioskView{}
	for _, kk := range k.paired {
		role := RoleKiosk
		if kk.Is(RoleRating) {
			role = RoleRating
		}
		paired = append(paired, kioskView{ID: kk.ID, Name: kk.Name, Role: role, CreatedAt: kk.CreatedAt.In(loc).Format(time.DateTime)})
	}
	pending := []pendingView{}
	for _, p := range k.pending {
		if p.token == "" {
			pending = append(pending, pendingView{ID: p.id, Role: p.role, Code: p.code, Address: p.address, At: p.at.In(loc).Format(time.DateTime)})
		}
	}
	return paired, pending
}

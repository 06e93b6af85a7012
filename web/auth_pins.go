package web

import (
	"crypto/rand"
	"fmt"
	"math/big"

	"github.com/yimen-hall/yimen/queue"
	"golang.org/x/crypto/bcrypt"
)

// The hall's staff change while the daemon runs (the manager adds a clerk,
// resets a PIN): Auth follows every configuration the log commits.

// SetHall takes the staff of a newly committed configuration. A clerk who
// is no longer on the staff is signed out.
func (a *Auth) SetHall(h *queue.Hall) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.setStaff(h)
	for tok, s := range a.sessions {
		if s.Staff != "" {
			if _, ok := h.StaffMember(s.Staff); !ok {
				delete(a.sessions, tok)
			}
		}
	}
}

// EndSessions signs a clerk out everywhere (their PIN was reset).
func (a *Auth) EndSessions(staff string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for tok, s := range a.sessions {
		if s.Staff == staff {
			delete(a.sessions, tok)
		}
	}
}

func (a *Auth) pinOf(staff string) (func() ([]byte, error), bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.pins[staff], a.admins[staff]
}

// HashPIN hashes a clerk's PIN for the hall document.
func (a *Auth) HashPIN(pin string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pin), a.cost)
	if err != nil {
		return "", fmt.Errorf("web: hash PIN: %w", err)
	}
	return string(h), nil
}

// NewPIN makes a random six-digit PIN.
func NewPIN() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic("web: no randomness") // crypto/rand never fails on supported systems
	}
	return fmt.Sprintf("%06d", n.Int64())
}

package queue

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// Go's JSON decoder matches keys regardless of case, so a staff entry
// written "PIN" or "Pin_Hash" would set the PIN, and two spellings of one
// key would silently overwrite each other. Where secrets live the hall is
// read strictly: a key that differs from a known one only in case is an
// error naming where it is.

// staffKeys are the staff entry's keys as written in a hall file.
var staffKeys = jsonKeys(reflect.TypeFor[staffFields]())

// checkStaffKeys refuses case variants of known keys in one staff entry.
func checkStaffKeys(data []byte) error {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	for k := range all {
		for _, known := range staffKeys {
			if k != known && strings.EqualFold(k, known) {
				return fmt.Errorf("key %q: write it %q (keys are case-sensitive here: %q holds a secret or would shadow one)", k, known, known)
			}
		}
	}
	return nil
}

// checkHallStaffKeys runs checkStaffKeys over a hall document's staff
// list, so that the error says which entry: staff[2].
func checkHallStaffKeys(data []byte) error {
	var doc struct {
		Staff []json.RawMessage `json:"staff"`
	}
	// Case variants of "staff" itself would be decoded into Staff too.
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return nil // the full decode reports the syntax error with its place
	}
	for k := range top {
		if k != "staff" && strings.EqualFold(k, "staff") {
			return fmt.Errorf("key %q: write it \"staff\"", k)
		}
	}
	if json.Unmarshal(data, &doc) != nil {
		return nil
	}
	for i, raw := range doc.Staff {
		if !bytes.HasPrefix(bytes.TrimSpace(raw), []byte("{")) {
			continue
		}
		if err := checkStaffKeys(raw); err != nil {
			return fmt.Errorf("staff[%d].%w", i, err)
		}
	}
	return nil
}

// PublicStaff is what anyone on the LAN may know of a clerk.
type PublicStaff struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Windows []string `json:"windows"`
}

// PublicHall is the hall as GET /api/hall publishes it: staff only
// through the allow-list of PublicStaff, never PINs, hashes, the admin
// mark or fields the software does not know (a phone number, an ID card).
type PublicHall struct {
	*Hall
	Staff []PublicStaff `json:"staff"`
}

// MarshalJSON writes the hall with the public staff list in place of
// the full one.
func (p PublicHall) MarshalJSON() ([]byte, error) {
	h := *p.Hall
	h.Staff = nil
	data, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, err
	}
	staff, err := json.Marshal(p.Staff)
	if err != nil {
		return nil, err
	}
	all["staff"] = staff
	return json.Marshal(all)
}

// Published returns the hall for anyone to read.
func (h *Hall) Published() PublicHall {
	p := PublicHall{Hall: h, Staff: make([]PublicStaff, 0, len(h.Staff))}
	for _, s := range h.Staff {
		p.Staff = append(p.Staff, PublicStaff{ID: s.ID, Name: s.Name, Windows: s.Windows})
	}
	return p
}

// CheckPINHashes refuses a pin_hash that is not a bcrypt hash: such a
// clerk could never sign in, and the hall would start as if all were well.
// The daemon checks a hall file with it before starting.
func (h *Hall) CheckPINHashes() error {
	for i, s := range h.Staff {
		if s.PINHash == "" {
			continue
		}
		if _, err := bcrypt.Cost([]byte(s.PINHash)); err != nil {
			return fmt.Errorf("staff[%d].pin_hash (%s): not a bcrypt hash (write \"pin\" instead and the hash is made at start)", i, s.ID)
		}
	}
	return nil
}

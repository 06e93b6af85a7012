package queue

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Validate checks the hall and fills defaults (A/B posts, time zone). Each
// problem is reported with the path of the bad field, e.g.
// `services[3].categories[1]: unknown category "helth"`.
func (h *Hall) Validate() error { return h.validate(true) }

// validate checks the hall; pins false accepts clerks without a PIN or
// its hash, as in the published form of a logged configuration.
func (h *Hall) validate(pins bool) error {
	var errs []error
	bad := func(path, format string, args ...any) {
		errs = append(errs, &FieldError{Path: path, Problem: fmt.Sprintf(format, args...)})
	}
	if h.ID != "" {
		if err := CheckHallID(h.ID); err != nil {
			bad("id", "%v", err)
		}
	}
	if strings.TrimSpace(h.Name) == "" {
		bad("name", "missing")
	}
	tz := h.Timezone
	if tz == "" {
		tz = "Asia/Shanghai"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		bad("timezone", "unknown time zone %q", h.Timezone)
		loc = time.UTC
	}
	h.loc = loc
	switch h.Calling.Mode {
	case "", "strict":
	case "interleave":
		if h.Calling.Every < 1 {
			bad("calling.every", "must be at least 1 with mode \"interleave\"")
		}
	default:
		bad("calling.mode", "must be \"strict\" or \"interleave\", not %q", h.Calling.Mode)
	}

	if c := h.Calling; c.RequeueMinutes < 0 || c.RequeueMinutes > 24*60 || c.RequeuePlaces < 0 || c.RequeuePlaces > 1000 {
		bad("calling.requeue_minutes", "requeue_minutes must be 0..1440 and requeue_places 0..1000")
	}

	if p := h.Appointments; p.CheckinBefore < 0 || p.CheckinBefore > 240 || p.CheckinAfter < 0 || p.CheckinAfter > 240 || p.MaxInRow < 0 || p.MaxInRow > 20 {
		bad("appointments", "checkin_before_minutes and checkin_after_minutes must be 0..240, max_in_row 0..20")
	}
	if p := h.Appointments; p.PerPhone < 0 || p.PerPhone > 20 {
		bad("appointments.per_phone", "must be 0..20")
	}
	for i, svc := range h.Services {
		b := svc.Booking
		if b == nil {
			continue
		}
		if b.SlotMinutes < 0 || b.SlotMinutes > 240 || b.Capacity < 0 || b.Capacity > 1000 || b.DaysAhead < 0 || b.DaysAhead > 90 || b.WalkInShare < 0 || b.WalkInShare > 0.9 {
			bad(fmt.Sprintf("services[%d].booking", i), "slot_minutes 0..240, capacity 0..1000, days_ahead 0..90, walk_in_share 0..0.9")
		}
		for _, d := range b.Weekdays {
			if d < 1 || d > 7 {
				bad(fmt.Sprintf("services[%d].booking.weekdays", i), "weekdays are 1 (Monday) … 7 (Sunday), not %d", d)
			}
		}
	}

	h.validateTour(bad)

	switch h.DefaultOutcome {
	case "", OutcomeImmediate, OutcomePromised, OutcomeConsult:
	default:
		bad("default_outcome", "must be \"immediate\", \"promised\" or \"consult\", not %q", h.DefaultOutcome)
	}

	if len(h.Categories) == 0 {
		bad("categories", "at least one category is needed")
	}
	// id checks that every list shares: present and unique.
	uniqueID := func(seen map[string]bool, p, id string) {
		switch {
		case id == "":
			bad(p+".id", "missing")
		case seen[id]:
			bad(p+".id", "duplicate id %q", id)
		}
		seen[id] = true
	}
	cats := map[string]bool{}
	// knownCats checks a list of category references.
	knownCats := func(p string, list []string) {
		for j, c := range list {
			if !cats[c] {
				bad(fmt.Sprintf("%s.categories[%d]", p, j), "unknown category %q", c)
			}
		}
	}
	prefixes := map[string]string{}
	for i, c := range h.Categories {
		p := fmt.Sprintf("categories[%d]", i)
		uniqueID(cats, p, c.ID)
		if !validPrefix(c.Prefix) {
			bad(p+".prefix", "must be one to two capital letters, not %q", c.Prefix)
		} else if other, dup := prefixes[c.Prefix]; dup {
			bad(p+".prefix", "prefix %q is already used by category %q", c.Prefix, other)
		}
		prefixes[c.Prefix] = c.ID
		if c.Name == "" {
			bad(p+".name", "missing")
		}
		if c.ServiceMinutes < 0 {
			bad(p+".service_minutes", "must not be negative")
		}
	}

	if len(h.Services) == 0 {
		bad("services", "at least one service is needed")
	}
	services := map[string]bool{}
	for i, s := range h.Services {
		p := fmt.Sprintf("services[%d]", i)
		uniqueID(services, p, s.ID)
		if s.Name == "" {
			bad(p+".name", "missing")
		}
		if len(s.Categories) == 0 {
			bad(p+".categories", "a service needs at least one category")
		}
		knownCats(p, s.Categories)
		if s.PromiseDays < 0 || s.PromiseDays > maxPromiseDays {
			bad(p+".promise_days", "must be 0 to %d working days", maxPromiseDays)
		}
		for j, b := range s.Bring {
			if strings.TrimSpace(b) == "" || len([]rune(b)) > maxCaseText {
				bad(fmt.Sprintf("%s.bring[%d]", p, j), "must be 1 to %d characters", maxCaseText)
			}
		}
	}

	windows := map[string]bool{}
	for i, w := range h.Windows {
		p := fmt.Sprintf("windows[%d]", i)
		uniqueID(windows, p, w.ID)
		if w.Name == "" {
			bad(p+".name", "missing")
		}
		if len(w.Categories) == 0 {
			bad(p+".categories", "window %q serves nothing", w.ID)
		}
		knownCats(p, w.Categories)
	}

	staff := map[string]bool{}
	for i, s := range h.Staff {
		p := fmt.Sprintf("staff[%d]", i)
		uniqueID(staff, p, s.ID)
		if s.Name == "" {
			bad(p+".name", "missing")
		}
		if s.PIN == "" && s.PINHash == "" {
			if pins {
				bad(p+".pin", "missing")
			}
		} else if s.PIN != "" && !ValidPIN(s.PIN) {
			bad(p+".pin", "must be 4 to 12 digits")
		}
		for j, w := range s.Windows {
			if !windows[w] {
				bad(fmt.Sprintf("%s.windows[%d]", p, j), "unknown window %q", w)
			}
		}
	}

	h.validateHours(bad)

	// A/B posts: explicit, or the first two staff listing the window.
	for i := range h.Windows {
		w := &h.Windows[i]
		p := fmt.Sprintf("windows[%d]", i)
		var listed []string
		for _, s := range h.Staff {
			for _, id := range s.Windows {
				if id == w.ID {
					listed = append(listed, s.ID)
				}
			}
		}
		for _, post := range []struct {
			name string
			id   *string
		}{{"a", &w.A}, {"b", &w.B}} {
			if *post.id == "" {
				continue
			}
			if !staff[*post.id] {
				bad(p+"."+post.name, "unknown staff %q", *post.id)
			} else if !slices.Contains(listed, *post.id) {
				bad(p+"."+post.name, "staff %q does not list window %q", *post.id, w.ID)
			}
		}
		for _, id := range listed {
			switch {
			case w.A == "" && id != w.B:
				w.A = id
			case w.B == "" && id != w.A:
				w.B = id
			}
		}
	}
	return errors.Join(errs...)
}

// FieldError is one problem of a hall document, at the path of the field,
// so that a page can put the message next to the field to fix.
type FieldError struct {
	Path    string `json:"path"`
	Problem string `json:"problem"`
}

func (e *FieldError) Error() string { return e.Path + ": " + e.Problem }

// FieldErrors lists the problems a Validate error holds.
func FieldErrors(err error) []*FieldError {
	switch e := err.(type) {
	case nil:
		return nil
	case *FieldError:
		return []*FieldError{e}
	case interface{ Unwrap() []error }:
		var out []*FieldError
		for _, x := range e.Unwrap() {
			out = append(out, FieldErrors(x)...)
		}
		return out
	}
	return FieldErrors(errors.Unwrap(err))
}

func validPrefix(p string) bool {
	if len(p) < 1 || len(p) > 2 {
		return false
	}
	for _, r := range p {
		if r > unicode.MaxASCII || !unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// ValidPIN reports whether a PIN is 4 to 12 digits.
func ValidPIN(p string) bool {
	if len(p) < 4 || len(p) > 12 {
		return false
	}
	for _, r := range p {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

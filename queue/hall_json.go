package queue

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// The hall file's types keep fields they do not know in Extra, so that a
// file written for a later version loses nothing when this version reads
// and writes it. The marshal helpers below do that once for every type.

func unmarshalKeeping[T any](data []byte, v *T, extra *map[string]json.RawMessage) error {
	if err := json.Unmarshal(data, v); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return err
	}
	for _, k := range jsonKeys(reflect.TypeFor[T]()) {
		delete(all, k)
	}
	if len(all) > 0 {
		*extra = all
	} else {
		*extra = nil
	}
	return nil
}

func marshalKeeping[T any](v T, extra map[string]json.RawMessage) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil || len(extra) == 0 {
		return data, err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, err
	}
	for k, raw := range extra {
		if _, known := all[k]; !known {
			all[k] = raw
		}
	}
	return json.Marshal(all)
}

func jsonKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}

type (
	hallFields     Hall
	categoryFields Category
	serviceFields  Service
	windowFields   Window
	staffFields    Staff
)

// UnmarshalJSON keeps unknown fields in Extra.
func (h *Hall) UnmarshalJSON(b []byte) error {
	return unmarshalKeeping(b, (*hallFields)(h), &h.Extra)
}

// MarshalJSON writes unknown fields back.
func (h Hall) MarshalJSON() ([]byte, error) { return marshalKeeping(hallFields(h), h.Extra) }

// UnmarshalJSON keeps unknown fields in Extra.
func (c *Category) UnmarshalJSON(b []byte) error {
	return unmarshalKeeping(b, (*categoryFields)(c), &c.Extra)
}

// MarshalJSON writes unknown fields back.
func (c Category) MarshalJSON() ([]byte, error) {
	return marshalKeeping(categoryFields(c), c.Extra)
}

// UnmarshalJSON keeps unknown fields in Extra.
func (s *Service) UnmarshalJSON(b []byte) error {
	return unmarshalKeeping(b, (*serviceFields)(s), &s.Extra)
}

// MarshalJSON writes unknown fields back.
func (s Service) MarshalJSON() ([]byte, error) { return marshalKeeping(serviceFields(s), s.Extra) }

// UnmarshalJSON keeps unknown fields in Extra.
func (w *Window) UnmarshalJSON(b []byte) error {
	return unmarshalKeeping(b, (*windowFields)(w), &w.Extra)
}

// MarshalJSON writes unknown fields back.
func (w Window) MarshalJSON() ([]byte, error) { return marshalKeeping(windowFields(w), w.Extra) }

// UnmarshalJSON keeps unknown fields in Extra, and refuses case variants
// of known keys (hall_secrets.go).
func (s *Staff) UnmarshalJSON(b []byte) error {
	if err := checkStaffKeys(b); err != nil {
		return fmt.Errorf("staff: %w", err)
	}
	return unmarshalKeeping(b, (*staffFields)(s), &s.Extra)
}

// MarshalJSON writes unknown fields back; a plain PIN never is.
func (s Staff) MarshalJSON() ([]byte, error) {
	s.PIN = ""
	return marshalKeeping(staffFields(s), s.Extra)
}

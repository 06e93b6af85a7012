package queue

import (
	"encoding/json"
	"fmt"
)

// Marshal encodes the state for a snapshot.
func (s *State) Marshal() ([]byte, error) { return json.Marshal(s) }

// UnmarshalState decodes a snapshot made by Marshal and binds it to the
// hall the snapshot's log had set, or to h when it set none.
func UnmarshalState(h *Hall, data []byte) (*State, error) {
	return unmarshalState(h, data, true)
}

func unmarshalState(h *Hall, data []byte, parseDoc bool) (*State, error) {
	s := NewState(h)
	if err := json.Unmarshal(data, s); err != nil {
		return nil, err
	}
	if parseDoc && len(s.HallDoc) > 0 {
		logged, err := parseHallDoc(s.HallDoc)
		if err != nil {
			return nil, fmt.Errorf("hall of the snapshot: %w", err)
		}
		h = logged
	}
	if s.Tickets == nil {
		s.Tickets = map[string]*Ticket{}
	}
	if s.Counters == nil {
		s.Counters = map[string]int{}
	}
	if s.Windows == nil {
		s.Windows = map[string]*WindowState{}
	}
	if s.Staff == nil {
		s.Staff = map[string]*StaffState{}
	}
	if s.Cases == nil {
		s.Cases = map[string]*Case{}
	}
	if s.ServiceSecs == nil {
		s.ServiceSecs = map[string]float64{}
	}
	s.attach(h)
	return s, nil
}

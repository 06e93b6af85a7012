package queue

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// The hall's configuration is data in the log: every change is an EvHall
// event carrying the whole new document, who made it and how. The state's
// hall follows the log, so replaying a past day gives the services and
// windows that applied that day, and undoing a change is one more event.

// Reasons of an EvHall event.
const (
	HallImport = "import" // a hall file was read at start (Note: its SHA-256)
	HallEdit   = "edit"   // the manager changed the document
	HallPIN    = "pin"    // a clerk's PIN was set (Note: the staff id)
	HallRevert = "revert" // an earlier document came back (Note: its seq)
)

// HallConfig is the part of the state that records the configuration.
type HallConfig struct {
	// HallDoc is the document in force, as logged; HallSeq its event (the
	// version a change must be made from; 0 before any was logged).
	HallDoc json.RawMessage `json:"hall_doc,omitempty"`
	HallSeq uint64          `json:"hall_seq,omitempty"`
	// HallFile is the SHA-256 of the hall file imported last, so that a
	// restart with the same --hall keeps the manager's later changes.
	HallFile    string     `json:"hall_file,omitempty"`
	HallChanges []HallMark `json:"hall_changes,omitempty"`
}

// HallMark is one configuration change, for the history and undo.
type HallMark struct {
	Seq    uint64    `json:"seq"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Reason string    `json:"reason"`
	Note   string    `json:"note,omitempty"`
}

// hallHistory bounds the marks kept in the state; older changes stay in
// the log.
const hallHistory = 200

func (s *State) applyHall(e Event) {
	h := e.hall
	if h == nil {
		var err error
		if h, err = parseHallDoc(e.Hall); err != nil {
			return // it was valid when made; a bad one changes nothing
		}
	}
	s.HallDoc, s.HallSeq = e.Hall, e.Seq
	if e.Reason == HallImport {
		s.HallFile = e.Note
	}
	s.HallChanges = append(s.HallChanges, HallMark{Seq: e.Seq, At: e.At, By: e.Staff, Reason: e.Reason, Note: e.Note})
	if len(s.HallChanges) > hallHistory {
		s.HallChanges = slices.Delete(s.HallChanges, 0, len(s.HallChanges)-hallHistory)
	}
	s.attach(h)
}

func parseHallDoc(doc []byte) (*Hall, error) { return ParseHallDoc(doc) }

// ParseHallDoc reads a configuration from a hall's log. It was checked
// when it was logged; what is checked again is its shape, not the clerks'
// PINs, so that a county replaying a hall's published events (whose
// configuration carries no PIN or hash, docs/county/protocol.md) binds
// the same configuration the hall has.
func ParseHallDoc(doc []byte) (*Hall, error) {
	var h Hall
	if err := json.Unmarshal(doc, &h); err != nil {
		return nil, fmt.Errorf("hall: %w", jsonErrorAt(doc, err))
	}
	if err := h.validate(false); err != nil {
		return nil, err
	}
	return &h, nil
}

// HallChange is a new configuration document.
type HallChange struct {
	By string // who: a staff id, "admin", or "file"
	// Version is the HallSeq the change was made from; another change
	// since then makes it stale.
	Version uint64
	// Hall is the whole new document. Staff without a PIN hash keep the
	// one they have; plain PINs must be hashed by the caller.
	Hall *Hall
	// Moves says where the waiting tickets of a removed category go.
	Moves map[string]string
}

// UpdateHall applies a new configuration at once. It returns the new
// version (unchanged when the document is the same).
func (e *Engine) UpdateHall(ctx context.Context, c HallChange) (uint64, error) {
	return e.changeHall(ctx, c, HallEdit, "", true)
}

// RevertHall brings back the document of an earlier change (undo), as a
// new change.
func (e *Engine) RevertHall(ctx context.Context, by string, to, version uint64, moves map[string]string) (uint64, error) {
	h, err := e.HallAt(to)
	if err != nil {
		return 0, err
	}
	return e.changeHall(ctx, HallChange{By: by, Version: version, Hall: h, Moves: moves}, HallRevert, strconv.FormatUint(to, 10), true)
}

// ImportHall logs a hall file read at start, unless it is the same file
// (by its SHA-256, sum) as the one imported last: a restart with an
// unchanged --hall keeps what the manager changed since. Waiting tickets of
// a category the file drops go to another category of their service.
func (e *Engine) ImportHall(ctx context.Context, h *Hall, sum string) (bool, error) {
	imported := false
	_, err := exec(ctx, e, func(s *State, emit func(Event)) (struct{}, error) {
		if s.HallSeq > 0 && s.HallFile == sum {
			return struct{}{}, nil
		}
		nh, doc, err := e.prepareHall(s, h)
		if err != nil {
			return struct{}{}, err
		}
		moves := map[string]string{}
		for _, c := range s.hall.Categories {
			if _, kept := nh.Category(c.ID); !kept {
				moves[c.ID] = nh.Categories[0].ID
			}
		}
		emitHall(s, emit, nh, doc, "file", HallImport, sum, moves)
		imported = true
		return struct{}{}, nil
	})
	return imported, err
}

// NeedsImport reports whether a hall file with this SHA-256 would be
// imported, so that the caller hashes its PINs only then.
func (e *Engine) NeedsImport(sum string) bool {
	need := true
	e.Read(func(s *State) { need = s.HallSeq == 0 || s.HallFile != sum })
	return need
}

// SetPIN gives a clerk a new PIN, already hashed by the caller.
func (e *Engine) SetPIN(ctx context.Context, by, staff, hash string) (uint64, error) {
	return exec(ctx, e, func(s *State, emit func(Event)) (uint64, error) {
		h, err := cloneHall(s.hall)
		if err != nil {
			return 0, err
		}
		m, ok := h.StaffMember(staff)
		if !ok {
			return 0, errorf(NotFound, "unknown_staff", "没有这位工作人员")
		}
		m.PINHash = hash
		nh, doc, err := e.prepareHall(s, h)
		if err != nil {
			return 0, err
		}
		emitHall(s, emit, nh, doc, by, HallPIN, staff, nil)
		return s.HallSeq, nil
	})
}

func (e *Engine) changeHall(ctx context.Context, c HallChange, reason, note string, checkVersion bool) (uint64, error) {
	if c.Hall == nil {
		return 0, errorf(Invalid, "missing_hall", "缺少配置")
	}
	return exec(ctx, e, func(s *State, emit func(Event)) (uint64, error) {
		if checkVersion && c.Version != s.HallSeq {
			return 0, errorf(Conflict, "stale_version", "配置刚被别人改过（版本 %d，您的是 %d），请刷新后再改", s.HallSeq, c.Version)
		}
		nh, doc, err := e.prepareHall(s, c.Hall)
		if err != nil {
			return 0, err
		}
		if bytes.Equal(doc, s.HallDoc) {
			return s.HallSeq, nil
		}
		for _, old := range s.hall.Categories {
			if _, kept := nh.Category(old.ID); kept {
				continue
			}
			n, _ := s.WaitingCounts(old.ID)
			to := c.Moves[old.ID]
			if _, ok := nh.Category(to); n > 0 && !ok {
				return 0, &Error{Kind: Conflict, Code: "category_has_waiting",
					Message: fmt.Sprintf("「%s」还有 %d 人等候，请选择把他们转到哪个类别", old.Name, n),
					Err:     &FieldError{Path: "moves." + old.ID, Problem: fmt.Sprintf("%d waiting tickets need a category", n)}}
			}
		}
		emitHall(s, emit, nh, doc, c.By, reason, note, c.Moves)
		return s.HallSeq, nil
	})
}

// prepareHall checks a new document against the state: staff without a
// PIN hash keep theirs, and the result is validated and normalised (the
// document is what Validate made of it, so that equal halls log equal).
func (e *Engine) prepareHall(s *State, h *Hall) (*Hall, []byte, error) {
	h, err := cloneHall(h)
	if err != nil {
		return nil, nil, err
	}
	for i := range h.Staff {
		st := &h.Staff[i]
		if st.PIN != "" {
			return nil, nil, errorf(Invalid, "plain_pin", "PIN 须先加密再保存")
		}
		if st.PINHash == "" {
			if old, ok := s.hall.StaffMember(st.ID); ok {
				st.PINHash = old.PINHash
			}
		}
	}
	if err := h.Validate(); err != nil {
		return nil, nil, &Error{Kind: Invalid, Code: "invalid_hall", Message: "配置有误，请按提示修改", Err: err}
	}
	doc, err := json.Marshal(h)
	if err != nil {
		return nil, nil, fmt.Errorf("queue: encode hall: %w", err)
	}
	return h, doc, nil
}

// emitHall emits the change and then moves the waiting tickets of removed
// categories, keeping their numbers and places.
func emitHall(s *State, emit func(Event), h *Hall, doc []byte, by, reason, note string, moves map[string]string) {
	var moving []*Ticket
	for _, c := range s.hall.Categories {
		if _, kept := h.Category(c.ID); !kept {
			moving = append(moving, s.Waiting(c.ID)...)
		}
	}
	// Tickets transferred to a window that goes wait in their line again.
	for id, q := range s.direct {
		if _, kept := h.Window(id); !kept {
			moving = append(append(append(moving, q.appt.waiting()...), q.prio.waiting()...), q.ord.waiting()...)
		}
	}
	moving = slices.Clone(moving)
	emit(Event{Type: EvHall, Hall: doc, hall: h, Staff: by, Reason: reason, Note: note})
	for _, t := range moving {
		if _, kept := h.Category(t.Category); kept && t.To() != "" {
			emit(Event{Type: EvTransferred, Ticket: t.ID, Number: t.Number, Category: t.Category, From: t.Category, Reason: "hall"})
			continue
		}
		to := moves[t.Category]
		if svc, ok := h.Service(t.Service); ok && to == "" {
			to = svc.Categories[0]
		}
		if _, ok := h.Category(to); !ok {
			to = h.Categories[0].ID
		}
		emit(Event{Type: EvTransferred, Ticket: t.ID, Number: t.Number, Category: to, From: t.Category, Reason: "hall"})
	}
}

// cloneHall makes a private copy of a hall through its document; a plain
// PIN (never in a document) is carried over by hand.
func cloneHall(h *Hall) (*Hall, error) {
	doc, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("queue: encode hall: %w", err)
	}
	var c Hall
	if err := json.Unmarshal(doc, &c); err != nil {
		return nil, fmt.Errorf("queue: decode hall: %w", err)
	}
	for i := range c.Staff {
		if i < len(h.Staff) && h.Staff[i].ID == c.Staff[i].ID {
			c.Staff[i].PIN = h.Staff[i].PIN
		}
	}
	c.loc = h.loc
	return &c, nil
}

// HallVersion returns the version of the configuration in force and its
// change history, newest last.
func (e *Engine) HallVersion() (uint64, []HallMark) {
	var (
		v     uint64
		marks []HallMark
	)
	e.Read(func(s *State) { v, marks = s.HallSeq, slices.Clone(s.HallChanges) })
	return v, marks
}

// HallAt reads the document of an earlier change from the log.
func (e *Engine) HallAt(seq uint64) (*Hall, error) {
	if seq == 0 {
		return e.boot, nil
	}
	var h *Hall
	err := e.log.Replay(seq-1, func(ev Event) error {
		if ev.Seq == seq && ev.Type == EvHall {
			var err error
			h, err = parseHallDoc(ev.Hall)
			if err != nil {
				return err
			}
		}
		return errStop
	})
	if err != nil && !errors.Is(err, errStop) {
		return nil, &Error{Kind: Unavailable, Code: "log_read", Message: "读取记录失败", Err: err}
	}
	if h == nil {
		return nil, errorf(NotFound, "unknown_version", "没有这个配置版本")
	}
	return h, nil
}

// LoggedHall reads the configuration a log has set, without starting an
// engine (for exporting it): the snapshot's, then any change after it. It
// returns nil when the log has set none.
func LoggedHall(log Log) (*Hall, error) {
	seq, data, err := log.LoadSnapshot()
	if err != nil {
		return nil, fmt.Errorf("queue: load snapshot: %w", err)
	}
	var doc json.RawMessage
	if data != nil {
		snap, err := decodeSnapshot(data)
		if err != nil {
			return nil, fmt.Errorf("queue: snapshot at %d: %w", seq, err)
		}
		doc = snap.HallDoc
	}
	err = log.Replay(seq, func(ev Event) error {
		if ev.Type == EvHall {
			doc = ev.Hall
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("queue: replay: %w", err)
	}
	if doc == nil {
		return nil, nil
	}
	return parseHallDoc(doc)
}

package queue

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// DayFold folds one day's events into its summary outside an engine, by
// the same rules as the engine's own ledger: a county replaying a hall's
// stream keeps one per hall, so that its ledger of the hall equals the
// hall's. Feed it the day's events from its EvDay on, in log order.
type DayFold struct {
	day string
	run *dayRun
}

// NewDayFold starts the fold of day, whose EvDay is the event seq first,
// under the configuration h in force when the day began.
func NewDayFold(h *Hall, day string, first uint64) (*DayFold, error) {
	run, err := newRun(h, day, first)
	if err != nil {
		return nil, err
	}
	return &DayFold{day: day, run: run}, nil
}

// Day is the local date the fold is of.
func (f *DayFold) Day() string { return f.day }

// Seq is the last event folded.
func (f *DayFold) Seq() uint64 { return f.run.seq }

// Apply folds the day's next event.
func (f *DayFold) Apply(ev Event) { f.run.add(ev) }

// Summary is the day as of now while it runs (closed false), or, once the
// next day has begun, as the hall's ledger stores it (closed true).
func (f *DayFold) Summary(now time.Time, closed bool) DaySummary {
	r := dayRange{day: f.day, from: f.run.from, upto: math.MaxUint64}
	if closed {
		r.upto = f.run.seq + 1
	}
	return f.run.summary(r, now)
}

// dayFoldDoc is a DayFold as stored: the builder's state and its running
// intervals, so that a restart resumes the day without its events.
type dayFoldDoc struct {
	Day      string                 `json:"day"`
	From     uint64                 `json:"from"`
	Seq      uint64                 `json:"seq"`
	Midnight time.Time              `json:"midnight"`
	End      time.Time              `json:"end"`
	Last     time.Time              `json:"last"`
	State    []byte                 `json:"state"` // State.Marshal, binary
	Sessions map[string]intervalDoc `json:"sessions,omitempty"`
	Pauses   map[string]intervalDoc `json:"pauses,omitempty"`
	Clerks   map[string]*ClerkTally `json:"clerks,omitempty"`
	Low      []LowRating            `json:"low,omitempty"`
	Missed   int                    `json:"missed,omitempty"`
}

type intervalDoc struct {
	Staff  string    `json:"staff"`
	Reason string    `json:"reason,omitempty"`
	Since  time.Time `json:"since"`
}

// MarshalJSON encodes the fold so far.
func (f *DayFold) MarshalJSON() ([]byte, error) {
	b := f.run.b
	st, err := b.st.Marshal()
	if err != nil {
		return nil, err
	}
	doc := dayFoldDoc{
		Day: f.day, From: f.run.from, Seq: f.run.seq, Midnight: f.run.midnight, End: f.run.end,
		Last: b.last, State: st, Clerks: b.clerks, Low: b.low, Missed: b.missed,
		Sessions: map[string]intervalDoc{}, Pauses: map[string]intervalDoc{},
	}
	for w, i := range b.sessions {
		doc.Sessions[w] = intervalDoc{i.staff, i.reason, i.since}
	}
	for w, i := range b.pauses {
		doc.Pauses[w] = intervalDoc{i.staff, i.reason, i.since}
	}
	return json.Marshal(doc)
}

// UnmarshalDayFold decodes a fold made by MarshalJSON; h is the hall to
// bind its state to when the log had set none.
func UnmarshalDayFold(h *Hall, data []byte) (*DayFold, error) {
	var doc dayFoldDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("queue: day fold: %w", err)
	}
	st, err := UnmarshalState(h, doc.State)
	if err != nil {
		return nil, fmt.Errorf("queue: day fold %s: %w", doc.Day, err)
	}
	b := &dayBuilder{
		st: st, last: doc.Last, clerks: doc.Clerks, low: doc.Low, missed: doc.Missed,
		sessions: map[string]interval{}, pauses: map[string]interval{},
	}
	if b.clerks == nil {
		b.clerks = map[string]*ClerkTally{}
	}
	for w, i := range doc.Sessions {
		b.sessions[w] = interval{i.Staff, i.Reason, i.Since}
	}
	for w, i := range doc.Pauses {
		b.pauses[w] = interval{i.Staff, i.Reason, i.Since}
	}
	run := &dayRun{from: doc.From, seq: doc.Seq, b: b, midnight: doc.Midnight, end: doc.End}
	return &DayFold{day: doc.Day, run: run}, nil
}

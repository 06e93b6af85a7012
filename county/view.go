package county

import (
	"slices"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// offlineAfter is how long without a hello marks a hall offline
// (docs/county/protocol.md: hellos come every 30 s).
const offlineAfter = 90 * time.Second

// behindAfter is how long after a hello its events may still be on their
// way before the hall shows as behind.
const behindAfter = 10 * time.Second

// HallView is one hall as the county pages show it (docs/county/api.md).
type HallView struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Online   bool      `json:"online"`
	LastSeen time.Time `json:"last_seen,omitzero"`
	Version  string    `json:"version,omitempty"`
	// Seq is the hall's last event the county has folded; HallSeq the
	// last the hall had committed when it last said hello.
	Seq     uint64 `json:"seq"`
	HallSeq uint64 `json:"hall_seq"`
	Day     string `json:"day,omitempty"`

	Waiting     int            `json:"waiting"`
	OpenWindows int            `json:"open_windows"`
	Today       queue.Figures  `json:"today"` // 取号 issued, 办结 finished, 满意率 satisfaction …
	Categories  []CategoryView `json:"categories"`
	Windows     []WindowView   `json:"windows"`
	Staff       []StaffView    `json:"staff"`
	Alarms      []Alarm        `json:"alarms"`
}

// CategoryView is a category's line in a hall.
type CategoryView struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Prefix   string `json:"prefix"`
	Waiting  int    `json:"waiting"`
	Priority int    `json:"priority"`
	// LongestWaitMinutes is how long the first in line has waited.
	LongestWaitMinutes float64 `json:"longest_wait_minutes"`
	OpenWindows        int     `json:"open_windows"`
}

// WindowView is a window of a hall.
type WindowView struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Open      bool   `json:"open"`
	Staff     string `json:"staff,omitempty"`
	StaffName string `json:"staff_name,omitempty"`
	Current   string `json:"current,omitempty"` // the number called or served
	Paused    bool   `json:"paused,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// StaffView is a clerk's whereabouts.
type StaffView struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Status     string `json:"status"`
	StatusName string `json:"status_name"`
	Note       string `json:"note,omitempty"`
	Until      string `json:"until,omitempty"`
	Window     string `json:"window,omitempty"`
}

// Alarm is something the county office should look at, derived from the
// hall's state.
type Alarm struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// view builds a hall's view; the caller holds f.mu for reading.
func (f *fold) view(h *hall, now time.Time) HallView {
	st, cfg := h.st, h.st.Hall()
	v := HallView{
		ID: h.rec.ID, Name: h.name(), LastSeen: h.rec.LastSeen, Version: h.rec.Version,
		Online: !h.rec.LastSeen.IsZero() && now.Sub(h.rec.LastSeen) < offlineAfter,
		Seq:    st.Seq, HallSeq: max(h.rec.HelloSeq, st.Seq), Day: st.Day,
		Categories: []CategoryView{}, Windows: []WindowView{}, Staff: []StaffView{}, Alarms: []Alarm{},
	}
	today := now.In(cfg.Location()).Format(time.DateOnly)
	if h.day != nil && h.day.Day() == today {
		sum := h.day.Summary(now, false)
		v.Today = sum.Total.Figures(cfg.TargetWait())
	}
	running := st.Day == today
	staffName := func(id string) string {
		if s, ok := cfg.StaffMember(id); ok {
			return s.Name
		}
		return id
	}
	for _, w := range cfg.Windows {
		ws := st.Windows[w.ID]
		wv := WindowView{ID: w.ID, Name: w.Name}
		if ws != nil && ws.Occupant != "" && running {
			wv.Open, wv.Staff, wv.StaffName = true, ws.Occupant, staffName(ws.Occupant)
			wv.Paused, wv.Reason = ws.Paused, ws.Reason
			if t := st.Tickets[ws.Current]; t != nil {
				wv.Current = t.Number
			}
			if !ws.Paused {
				v.OpenWindows++
			}
		}
		v.Windows = append(v.Windows, wv)
	}
	for _, c := range cfg.Categories {
		cv := CategoryView{ID: c.ID, Name: c.Name, Prefix: c.Prefix}
		if running {
			cv.Waiting, cv.Priority = st.WaitingCounts(c.ID)
			for _, t := range st.Waiting(c.ID) {
				if m := now.Sub(t.IssuedAt()).Minutes(); m > cv.LongestWaitMinutes {
					cv.LongestWaitMinutes = float64(int(m))
				}
			}
		}
		for _, w := range cfg.Windows {
			if slices.Contains(w.Categories, c.ID) {
				if ws := st.Windows[w.ID]; ws != nil && ws.Occupant != "" && !ws.Paused && running {
					cv.OpenWindows++
				}
			}
		}
		v.Waiting += cv.Waiting
		v.Categories = append(v.Categories, cv)
	}
	for _, s := range cfg.Staff {
		ss := st.Staff[s.ID]
		sv := StaffView{ID: s.ID, Name: s.Name, Status: queue.StaffOff}
		if ss != nil && running {
			sv.Status, sv.Note, sv.Until, sv.Window = ss.Status, ss.Note, ss.Until, ss.Window
		}
		sv.StatusName = queue.StaffStatusNames[sv.Status]
		v.Staff = append(v.Staff, sv)
	}
	v.Alarms = alarms(v, cfg.TargetWait(), now)
	return v
}

// alarms derives what needs the county office's eye: a hall gone quiet,
// villagers waiting where no window serves them, waits past the target.
func alarms(v HallView, target time.Duration, now time.Time) []Alarm {
	out := []Alarm{}
	if !v.Online {
		out = append(out, Alarm{"offline", "离线"})
	}
	// A hello runs a moment ahead of the events it counts: only a gap that
	// outlives it says the county is behind.
	if v.HallSeq > v.Seq && now.Sub(v.LastSeen) > behindAfter {
		out = append(out, Alarm{"behind", "数据未同步完"})
	}
	for _, c := range v.Categories {
		if c.Waiting > 0 && c.OpenWindows == 0 {
			out = append(out, Alarm{"unstaffed", c.Name + "无人办理"})
		}
		if target > 0 && c.LongestWaitMinutes > target.Minutes() {
			out = append(out, Alarm{"long_wait", c.Name + "等候超时"})
		}
	}
	return out
}

// views lists every hall, by id.
func (f *fold) views(now time.Time) []HallView {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := make([]HallView, 0, len(f.halls))
	for _, h := range f.halls {
		out = append(out, f.view(h, now))
	}
	slices.SortFunc(out, func(a, b HallView) int {
		if a.ID < b.ID {
			return -1
		}
		if a.ID > b.ID {
			return 1
		}
		return 0
	})
	return out
}

// hallView is one hall's view, false when the county does not know it.
func (f *fold) hallView(id string, now time.Time) (HallView, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	h := f.halls[id]
	if h == nil {
		return HallView{}, false
	}
	return f.view(h, now), true
}

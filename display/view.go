package display

import (
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// Message is one push message. Snapshot messages fill every list; patches
// fill only what changed.
type Message struct {
	Type string `json:"type"`
	Seq  uint64 `json:"seq"`
	Boot string `json:"boot,omitempty"`
	Day  string `json:"day,omitempty"`

	// Set on called, finished, no_show, transferred, cancelled.
	Number     string `json:"number,omitempty"`
	Window     string `json:"window,omitempty"`
	WindowName string `json:"window_name,omitempty"`
	Recall     bool   `json:"recall,omitempty"`
	Category   string `json:"category,omitempty"`
	Reason     string `json:"reason,omitempty"`

	Hall    *HallView    `json:"hall,omitempty"`
	Queues  []QueueView  `json:"queues,omitempty"`
	Windows []WindowView `json:"windows,omitempty"`
	Staff   []StaffView  `json:"staff,omitempty"`
	// Services is what the kiosk shows on each service's button.
	Services []ServiceView `json:"services,omitempty"`
	Recent   []CallView    `json:"recent,omitempty"` // snapshot and day: the last calls, newest first
	Call     *CallView     `json:"call,omitempty"`   // called: the call to put first in recent
	Alarms   []Alarm       `json:"alarms,omitempty"`
	// Pickup is the lobby's 请取件 list: with snapshot, day, hall and
	// case messages, always whole.
	Pickup *PickupView `json:"pickup,omitempty"`
}

// PickupView lists the numbers of cases ready for pick-up (待取件), the
// most recently done first: numbers only, never whose they are. Total
// counts them all when there are more than the list holds.
type PickupView struct {
	Numbers []string `json:"numbers"`
	Total   int      `json:"total"`
}

// pickupMax bounds the list a screen is sent: more than a lobby can show.
const pickupMax = 30

func pickupView(s *queue.State) *PickupView {
	v := &PickupView{}
	v.Numbers, v.Total = s.ReadyNumbers(pickupMax)
	return v
}

// HallView is the fixed part of the board, sent with snapshots.
type HallView struct {
	Name    string   `json:"name"`
	Notices []string `json:"notices,omitempty"`
	// SelfBooking: villagers may book on /book (appointments.self_booking),
	// so the lobby shows the way there.
	SelfBooking bool `json:"self_booking,omitempty"`
}

func hallView(h *queue.Hall) *HallView {
	return &HallView{Name: h.Name, Notices: h.Notices, SelfBooking: h.Appointments.SelfBooking}
}

// QueueView is one category's line.
type QueueView struct {
	Category string `json:"category"`
	Prefix   string `json:"prefix"`
	Name     string `json:"name"`
	Waiting  int    `json:"waiting"`
	Priority int    `json:"priority"`
	// WaitMinutes is null when no open window serves the line (NoWindow):
	// there is then no estimate to give.
	WaitMinutes *int `json:"wait_minutes"`
	NoWindow    bool `json:"no_window,omitempty"`
	Open        int  `json:"open_windows"`
}

// ServiceView is what a ticket of a service taken now would be told: the
// line it goes to, how many are ahead (of an ordinary or a priority
// ticket) and the wait, null with no_window when no open window serves it.
type ServiceView struct {
	ID            string `json:"id"`
	Category      string `json:"category"`
	Ahead         int    `json:"ahead"`
	AheadPriority int    `json:"ahead_priority"`
	WaitMinutes   *int   `json:"wait_minutes"`
	NoWindow      bool   `json:"no_window,omitempty"`
}

// WindowView is one window as the hall sees it.
type WindowView struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Categories []string `json:"categories"`
	// State is idle, called, serving, paused or closed (nobody there).
	State     string `json:"state"`
	Number    string `json:"number,omitempty"`
	Staff     string `json:"staff,omitempty"`
	StaffName string `json:"staff_name,omitempty"`
	Post      string `json:"post,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// StaffView is one line of the whereabouts board.
type StaffView struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Windows    []string `json:"windows"`
	Window     string   `json:"window,omitempty"`
	Status     string   `json:"status"`
	StatusName string   `json:"status_name"`
	Note       string   `json:"note,omitempty"`
	Until      string   `json:"until,omitempty"`
}

// CallView is one of the recent calls.
type CallView struct {
	Number     string    `json:"number"`
	Window     string    `json:"window"`
	WindowName string    `json:"window_name"`
	Recall     bool      `json:"recall,omitempty"`
	At         time.Time `json:"at"`
	// Appointment: a 预约 ticket, which the lobby marks as such.
	Appointment bool `json:"appointment,omitempty"`
}

// Alarm is a device or printer fault shown to the manager.
type Alarm struct {
	Source string    `json:"source"` // "printer", "device:<hwid>", ...
	Level  string    `json:"level"`  // "warn" or "error"
	Text   string    `json:"text"`   // Chinese, for the manager
	At     time.Time `json:"at"`
}

func queueView(s *queue.State, c *queue.Category) QueueView {
	all, prio := s.WaitingCounts(c.ID)
	v := QueueView{
		Category: c.ID, Prefix: c.Prefix, Name: c.Name,
		Waiting: all, Priority: prio,
		Open: s.OpenWindows(c.ID),
	}
	v.WaitMinutes, v.NoWindow = WaitMinutes(s.ExpectedWait(c.ID), v.Open == 0)
	return v
}

// WaitMinutes rounds an estimate up to whole minutes, or gives none (nil,
// true) for a line no open window serves: a made-up estimate there would
// tell villagers they need not wait.
func WaitMinutes(d time.Duration, noWindow bool) (*int, bool) {
	if noWindow {
		return nil, true
	}
	m := int((d + time.Minute - 1) / time.Minute)
	return &m, false
}

func serviceView(s *queue.State, svc *queue.Service) ServiceView {
	p := s.PreviewService(svc)
	v := ServiceView{ID: svc.ID, Category: p.Category, Ahead: p.Ahead, AheadPriority: p.AheadPriority}
	v.WaitMinutes, v.NoWindow = WaitMinutes(p.Wait, p.NoWindow)
	return v
}

func windowView(s *queue.State, w *queue.Window) WindowView {
	ws := s.Windows[w.ID]
	v := WindowView{ID: w.ID, Name: w.Name, Categories: w.Categories, State: "closed"}
	if ws == nil {
		return v
	}
	if ws.Occupant != "" {
		v.State = "idle"
		v.Staff = ws.Occupant
		v.Post = s.Post(w.ID, ws.Occupant)
		if m, ok := s.Hall().StaffMember(ws.Occupant); ok {
			v.StaffName = m.Name
		}
	}
	if t := s.Current(w.ID); t != nil {
		v.Number, v.State = t.Number, t.Status()
	}
	if ws.Paused {
		v.State, v.Reason = "paused", ws.Reason
	}
	return v
}

func staffView(s *queue.State, m *queue.Staff) StaffView {
	st := s.Staff[m.ID]
	v := StaffView{ID: m.ID, Name: m.Name, Windows: s.WindowsOf(m.ID), Status: queue.StaffOff}
	if st != nil {
		v.Status, v.Note, v.Until, v.Window = st.Status, st.Note, st.Until, st.Window
	}
	v.StatusName = queue.StaffStatusNames[v.Status]
	return v
}

func recentView(s *queue.State) []CallView {
	out := make([]CallView, 0, len(s.Recent))
	for _, c := range s.Recent {
		out = append(out, callView(s, c))
	}
	return out
}

func callView(s *queue.State, c queue.Call) CallView {
	v := CallView{Number: c.Number, Window: c.Window, Recall: c.Recall, At: c.At, Appointment: c.Appointment}
	if w, ok := s.Hall().Window(c.Window); ok {
		v.WindowName = w.Name
	}
	return v
}

// board fills a message with the whole board.
func board(s *queue.State, m *Message) {
	h := s.Hall()
	m.Day = s.Day
	m.Queues = make([]QueueView, 0, len(h.Categories))
	for i := range h.Categories {
		m.Queues = append(m.Queues, queueView(s, &h.Categories[i]))
	}
	m.Windows = make([]WindowView, 0, len(h.Windows))
	for i := range h.Windows {
		m.Windows = append(m.Windows, windowView(s, &h.Windows[i]))
	}
	m.Staff = make([]StaffView, 0, len(h.Staff))
	for i := range h.Staff {
		m.Staff = append(m.Staff, staffView(s, &h.Staff[i]))
	}
	m.Services = make([]ServiceView, 0, len(h.Services))
	for i := range h.Services {
		m.Services = append(m.Services, serviceView(s, &h.Services[i]))
	}
	m.Recent = recentView(s)
	m.Pickup = pickupView(s)
}

// QueueOf, WindowOf and StaffOf give the views the push messages carry, for
// the API to answer in the same shapes.
func QueueOf(s *queue.State, c *queue.Category) QueueView { return queueView(s, c) }

// WindowOf gives a window's view.
func WindowOf(s *queue.State, w *queue.Window) WindowView { return windowView(s, w) }

// StaffOf gives a clerk's view.
func StaffOf(s *queue.State, m *queue.Staff) StaffView { return staffView(s, m) }

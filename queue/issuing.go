package queue

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Whether a number may be issued: the opening hours, the daily caps, and
// the manager's overrides of today (extend the hours, lift a cap).

// Overrides are the manager's decisions for today; a new day clears them.
type Overrides struct {
	ExtendTo string   `json:"extend_to,omitempty"` // today's closing, "HH:MM"
	Lifted   []string `json:"lifted,omitempty"`    // caps lifted: "service:ID", "category:ID"
	Closing  string   `json:"closing,omitempty"`   // the closing choice (closing.go)
	// Extra are the windows given to clerks for today (extra_window.go).
	Extra []ExtraWindow `json:"extra,omitempty"`
}

// EvOverride is the manager's override of today: Reason "extend" with
// Until, "lift_cap" with Service or Category, or "extra_window" and
// "extra_window_undo" with Window and To (extra_window.go).
const EvOverride = "override"

// ClosedError says when the kiosk hands out numbers again.
type ClosedError struct{ OpensAt time.Time }

func (e *ClosedError) Error() string { return "closed until " + e.OpensAt.Format(time.RFC3339) }

func (s *State) applyOverride(e Event) {
	switch e.Reason {
	case "extend":
		s.Today.ExtendTo = e.Until
	case "lift_cap":
		key := "service:" + e.Service
		if e.Category != "" {
			key = "category:" + e.Category
		}
		if !slices.Contains(s.Today.Lifted, key) {
			s.Today.Lifted = append(s.Today.Lifted, key)
		}
	case "extra_window", "extra_window_undo":
		s.applyExtraWindow(e)
	}
}

// Issuing says whether numbers are handed out at t, with today's
// overrides.
func (s *State) Issuing(t time.Time) Issuing { return s.hall.IssuingAt(t, s.Today.ExtendTo) }

// openAt refuses a number outside the opening hours, saying when they
// are handed out again.
func (s *State) openAt(now time.Time) error {
	if is := s.Issuing(now); !is.Open {
		msg := "现在不取号"
		if !is.OpensAt.IsZero() {
			msg = "现在不取号，" + ReopenText(now, is.OpensAt, s.hall.Location()) + "开始取号"
		}
		return &Error{Kind: Conflict, Code: "closed", Message: msg, Err: &ClosedError{OpensAt: is.OpensAt}}
	}
	return nil
}

// issuable checks the hours and caps for a new ticket of a service and
// returns the service with only the categories that may still take it.
func (s *State) issuable(svc *Service, now time.Time) (*Service, error) {
	if err := s.openAt(now); err != nil {
		return nil, err
	}
	full := func() error {
		return errorf(Conflict, "cap_reached", "「%s」今天的号已取完，请明天再来", svc.Name)
	}
	if s.serviceCapped(svc, s.Day) {
		return nil, full()
	}
	if !slices.ContainsFunc(svc.Categories, func(id string) bool { return s.categoryCapped(id, s.Day) }) {
		return svc, nil // the usual case, and on every number: no copy
	}
	open := *svc
	open.Categories = slices.DeleteFunc(slices.Clone(svc.Categories), func(id string) bool {
		return s.categoryCapped(id, s.Day)
	})
	if len(open.Categories) == 0 {
		return nil, full()
	}
	return &open, nil
}

// ReopenText says a reopening time the way the hall says it: "今天
// 14:00", "明天 08:30", "11月25日（星期三）08:30".
func ReopenText(now, at time.Time, loc *time.Location) string {
	n, a := now.In(loc), at.In(loc)
	days := int(time.Date(a.Year(), a.Month(), a.Day(), 12, 0, 0, 0, loc).Sub(time.Date(n.Year(), n.Month(), n.Day(), 12, 0, 0, 0, loc)).Hours()+1) / 24
	clock := a.Format("15:04")
	switch days {
	case 0:
		return "今天 " + clock
	case 1:
		return "明天 " + clock
	case 2:
		return "后天 " + clock
	}
	week := []string{"日", "一", "二", "三", "四", "五", "六"}[a.Weekday()]
	return fmt.Sprintf("%d月%d日（星期%s）%s", a.Month(), a.Day(), week, clock)
}

// ExtendToday moves today's closing time later ("HH:MM").
func (e *Engine) ExtendToday(ctx context.Context, by, until string) error {
	if _, ok := minuteOfDay(until); !ok {
		return errorf(Invalid, "bad_time", "时间应写成 18:30")
	}
	_, err := exec(ctx, e, func(s *State, emit func(Event)) (struct{}, error) {
		emit(Event{Type: EvOverride, Reason: "extend", Until: until, Staff: by})
		return struct{}{}, nil
	})
	return err
}

// LiftCap lifts today's cap of a service or a category (one of them).
func (e *Engine) LiftCap(ctx context.Context, by, service, category string) error {
	_, err := exec(ctx, e, func(s *State, emit func(Event)) (struct{}, error) {
		_, svcOK := s.hall.Service(service)
		_, catOK := s.hall.Category(category)
		if svcOK == catOK {
			return struct{}{}, errorf(Invalid, "bad_cap", "请指定一个事项或一个类别")
		}
		emit(Event{Type: EvOverride, Reason: "lift_cap", Service: service, Category: category, Staff: by})
		return struct{}{}, nil
	})
	return err
}

// IssuingNow says whether the kiosk hands out numbers now (for the kiosk
// and the lobby).
func (e *Engine) IssuingNow() Issuing {
	var is Issuing
	now := e.now()
	e.Read(func(s *State) { is = s.Issuing(now) })
	return is
}

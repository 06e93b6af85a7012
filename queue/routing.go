package queue

import (
	"math"
	"slices"
	"time"
)

// Route picks the category for a new ticket of a service: the one with the
// shortest expected wait. A category that no open window serves still takes
// tickets, but only when every candidate is in that case; ties go to the
// category listed first for the service.
func (s *State) Route(svc *Service) string {
	best, bestClosed, bestWait := "", true, math.Inf(1)
	for _, c := range svc.Categories {
		closed := s.OpenWindows(c) == 0
		wait := s.ExpectedWait(c).Seconds()
		if best == "" || (bestClosed && !closed) || (closed == bestClosed && wait < bestWait) {
			best, bestClosed, bestWait = c, closed, wait
		}
	}
	return best
}

// ExpectedWait estimates how long a new ordinary ticket of a category waits:
// the tickets before it, times the recent average service time, shared by
// the open windows serving the category (one, when none is open, so that
// closed categories still compare among themselves).
func (s *State) ExpectedWait(category string) time.Duration {
	all, _ := s.WaitingCounts(category)
	return s.waitFor(category, all)
}

func (s *State) waitFor(category string, ahead int) time.Duration {
	open := max(s.OpenWindows(category), 1)
	secs := float64(ahead) * s.ServiceSecs[category] / float64(open)
	return time.Duration(secs * float64(time.Second)).Round(time.Second)
}

// OpenWindows counts the windows serving a category that can call now: a
// clerk on duty works there and it is not paused.
func (s *State) OpenWindows(category string) int {
	n := 0
	for _, w := range s.hall.Windows {
		if slices.Contains(w.Categories, category) && s.windowOpen(s.Windows[w.ID]) {
			n++
		}
	}
	return n
}

func (s *State) windowOpen(w *WindowState) bool {
	if w == nil || w.Paused || w.Occupant == "" {
		return false
	}
	st := s.Staff[w.Occupant]
	return st != nil && st.Status == StaffOnDuty
}

// WindowOpen reports whether a window can call now.
func (s *State) WindowOpen(id string) bool { return s.windowOpen(s.Windows[id]) }

// Preview is what the kiosk shows on a service's button before the tap:
// the line a ticket taken now goes to, how many are ahead of it and the
// estimated wait. NoWindow says that no open window serves that line;
// Wait is then no estimate.
type Preview struct {
	Category      string
	Ahead         int // an ordinary ticket
	AheadPriority int // a priority ticket
	Wait          time.Duration
	NoWindow      bool
}

// PreviewService answers what IssueKind would tell a villager who takes a
// ticket of the service now.
func (s *State) PreviewService(svc *Service) Preview {
	c := s.Route(svc)
	p := Preview{Category: c, Ahead: s.aheadOfNew(c, false), AheadPriority: s.aheadOfNew(c, true)}
	p.Wait = s.waitFor(c, p.Ahead)
	p.NoWindow = s.OpenWindows(c) == 0
	return p
}

// aheadOfNew counts the tickets that would be ahead of a ticket issued now
// in a category: Ahead of the ticket Issue would make, by the same rule
// (aheadAt), at the back of its line.
func (s *State) aheadOfNew(category string, priority bool) int {
	q := s.queues[category]
	if q == nil {
		return 0
	}
	l := &q.ord
	if priority {
		l = &q.prio
	}
	n := s.aheadAt(category, priority, l.len(), s.Last.Add(time.Hour))
	return n + s.apptsBefore(category, n)
}

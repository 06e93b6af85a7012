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
		if ws := s.Windows[w.ID]; s.windowOpen(ws) && slices.Contains(w.Categories, category) {
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

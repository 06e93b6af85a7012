package queue

import (
	"cmp"
	"slices"
)

// ReadyNumbers lists the numbers of the cases waiting to be picked up
// (待取件), for the lobby's 请取件 list: the numbers only, never whose they
// are, the most recently done first, each number once. 代办 cases are left
// out: they have no ticket to come back with. At most max are given, and
// total says how many numbers there are.
func (s *State) ReadyNumbers(max int) (numbers []string, total int) {
	var ready []*Case
	for _, c := range s.Cases {
		if c.State == CaseReady && c.Proxy == nil && c.Number != "" {
			ready = append(ready, c)
		}
	}
	slices.SortFunc(ready, func(a, b *Case) int {
		if n := b.DoneAt.Compare(a.DoneAt); n != 0 {
			return n
		}
		return cmp.Compare(a.Number, b.Number)
	})
	seen := map[string]bool{}
	numbers = []string{}
	for _, c := range ready {
		if seen[c.Number] {
			continue
		}
		seen[c.Number] = true
		total++
		if len(numbers) < max {
			numbers = append(numbers, c.Number)
		}
	}
	return numbers, total
}

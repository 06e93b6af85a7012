package queue

import (
	"fmt"
	"regexp"
)

// A hall's id names it to its county: it is the hall's NATS JetStream
// domain and a token of every subject it publishes
// (docs/county/protocol.md), so it is kept to what both accept.
var hallIDRule = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}$`)

// CheckHallID says whether id can name a hall: 1–32 characters of a-z,
// 0-9 and '-', starting with a letter.
func CheckHallID(id string) error {
	if !hallIDRule.MatchString(id) {
		return fmt.Errorf("hall id %q: want 1–32 characters a-z, 0-9, '-', starting with a letter", id)
	}
	return nil
}

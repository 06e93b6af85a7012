package queue

import (
	"strings"
	"unicode/utf8"
)

// clockTime reads a return time as clerks type it: "16:30", "9:05", or
// with a Chinese input method "16：30" and full-width digits. It answers
// "HH:MM", or ok false for anything that is not a time of day. Empty
// stays empty (no return time).
func clockTime(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	if utf8.RuneCountInString(s) > 8 {
		return "", false
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '０' && r <= '９':
			b.WriteRune('0' + r - '０')
		case r == '：' || r == '.' || r == '。':
			b.WriteRune(':')
		default:
			b.WriteRune(r)
		}
	}
	h, m, found := strings.Cut(b.String(), ":")
	if !found || len(h) < 1 || len(h) > 2 || len(m) != 2 || !digits(h) || !digits(m) {
		return "", false
	}
	if len(h) == 1 {
		h = "0" + h
	}
	if h > "23" || m > "59" {
		return "", false
	}
	return h + ":" + m, true
}

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

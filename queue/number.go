package queue

import (
	"fmt"
	"strconv"
	"strings"
)

// FormatNumber gives the number shown for the n-th ticket of a prefix:
// three digits, more only past 999 ("B012", "B1000").
func FormatNumber(prefix string, n int) string {
	return fmt.Sprintf("%s%03d", prefix, n)
}

func prefixOf(number string) string {
	return strings.TrimRight(number, "0123456789")
}

func numberOf(number string) int {
	n, _ := strconv.Atoi(number[len(prefixOf(number)):])
	return n
}

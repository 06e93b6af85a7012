package federation

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// The embedded server's refusal, repeated at every redial, is logged once
// and tells the link each time.
func TestNATSLogSaysARepeatedLineOnce(t *testing.T) {
	var buf bytes.Buffer
	refused := 0
	n := &natsLog{l: slog.New(slog.NewTextHandler(&buf, nil)), refused: func() { refused++ }, said: map[string]time.Time{}}
	for _, lid := range []string{"9", "10", "11"} {
		n.Errorf("127.0.0.1:7422 - lid:%s - Leafnode Error 'Authorization Violation'", lid)
	}
	n.Warnf("something else")
	if got := strings.Count(buf.String(), "Authorization Violation"); got != 1 {
		t.Errorf("the refusal was logged %d times:\n%s", got, buf.String())
	}
	if !strings.Contains(buf.String(), "something else") {
		t.Errorf("another line was not logged:\n%s", buf.String())
	}
	if refused != 3 {
		t.Errorf("refused told %d times, want 3", refused)
	}
}

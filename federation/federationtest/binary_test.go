package federationtest

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// recorder is a test that records how it ended instead of ending the
// real one.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.fatal = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Skipf(format string, args ...any) {
	r.skip = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func startMissing(t *testing.T) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		StartProcessHub(r, "/nonexistent/nats-server", "../../docs/county/hub.conf")
	}()
	<-done
	return r
}

// Without the binary the hub test skips on a developer's machine, but
// fails on CI, which installs the package so that it always runs there.
func TestProcessHubMissingBinary(t *testing.T) {
	t.Setenv("CI", "true")
	if r := startMissing(t); !strings.Contains(r.fatal, "missing on CI") || r.skip != "" {
		t.Errorf("CI=true: fatal %q, skip %q; want a failure", r.fatal, r.skip)
	}
	t.Setenv("CI", "")
	if r := startMissing(t); r.skip == "" || r.fatal != "" {
		t.Errorf("outside CI: fatal %q, skip %q; want a skip", r.fatal, r.skip)
	}
}

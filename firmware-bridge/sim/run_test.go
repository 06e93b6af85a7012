package sim

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestRunSimulatorBadTarget(t *testing.T) {
	if err := Run(context.Background(), "tcp://x", &syncBuf{}); err == nil {
		t.Fatal("want error")
	}
}

func TestRunSimulatorPTY(t *testing.T) {
	var out syncBuf
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := Run(ctx, "pty", &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "yimen --bridge serial:/dev/pts/") {
		t.Errorf("output:\n%s", out.String())
	}
}

package queuetest

import (
	"testing"

	"github.com/yimen-hall/yimen/queue"
)

func TestMemLogConforms(t *testing.T) {
	TestLog(t, func(*testing.T) queue.Log { return new(MemLog) }, nil)
}

package main

import (
	"context"
	"fmt"
	"io"
)

func bench(ctx context.Context, args []string, stdout io.Writer) error {
	return usageError{fmt.Errorf("bench: not wired in this build")}
}

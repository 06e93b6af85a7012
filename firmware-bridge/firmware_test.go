package bridge

import (
	"os/exec"
	"testing"
)

// TestFirmwareCodec builds the portable C codec with gcc and runs it against
// proto/testdata/vectors.txt, so `go test` covers the firmware too.
func TestFirmwareCodec(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("gcc not installed")
	}
	out, err := exec.Command("sh", "firmware/test.sh").CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("firmware/test.sh: %v", err)
	}
}

package bridge

import (
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"testing"
)

// TestPadSignInAndTransfer: a pad signed in with staff id + PIN acts as
// that clerk; 转办 with a digit maps to the hall's category; a wrong PIN
// and an unassigned pad are refused.
func TestPadSignInAndTransfer(t *testing.T) {
	r := newRig(t, pipeLink(), func(o *Options) {
		o.Verify = func(_, staff, pin string) bool { return staff == "s-w1" && pin == "1234" }
	})
	r.eng.mu.Lock()
	r.eng.windows["w1"].Staff = "" // nobody signed in on the clerk page
	r.eng.mu.Unlock()
	r.learn()
	r.eng.issue("A001")

	r.pad.Press(proto.KeyNext, 0) // no clerk: refused
	eventually(t, "refused key acknowledged", func() bool { return r.pad.Pending() == 0 })
	if n := len(r.eng.actions()); n != 0 {
		t.Fatalf("%d actions without a clerk", n)
	}
	r.pad.SignIn("s-w1", "0000")
	r.pad.SignIn("s-w1", "1234")
	r.eng.mu.Lock()
	r.eng.windows["w1"].Staff = "s-w1" // the fake checks staff against this
	r.eng.mu.Unlock()
	r.pad.Press(proto.KeyTransfer, 2)
	eventually(t, "transfer", func() bool { return len(r.eng.actions()) == 1 })
	a := r.eng.actions()[0]
	if a.Key != proto.KeyTransfer || a.Category != "B" || a.Staff != "s-w1" {
		t.Errorf("action = %+v", a)
	}
	r.pad.Press(proto.KeySignOut, 0)
	r.pad.Press(proto.KeyTransfer, 9) // out of range
	eventually(t, "queue drained", func() bool { return r.pad.Pending() == 0 })
	if n := len(r.eng.actions()); n != 1 {
		t.Errorf("%d actions, want 1", n)
	}
}

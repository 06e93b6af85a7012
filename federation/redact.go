package federation

import (
	"encoding/json"
	"fmt"

	"github.com/yimen-hall/yimen/queue"
)

// Redact is the event as it leaves the hall (docs/county/protocol.md,
// "Redaction"): no ticket token, the hall's configuration in its public
// form (no PIN hashes), villagers' phone numbers down to their last four
// digits. Everything else is the event as the log holds it, so that the
// county's reducer sees the hall as the hall sees itself.
func Redact(ev queue.Event) ([]byte, error) {
	ev.Token = ""
	if ev.Appt != nil {
		a := *ev.Appt
		a.Phone = MaskPhone(a.Phone)
		ev.Appt = &a
	}
	if ev.Case != nil {
		c := *ev.Case
		c.Phone = MaskPhone(c.Phone)
		ev.Case = &c
	}
	if ev.Type == queue.EvHall && len(ev.Hall) > 0 {
		var h queue.Hall
		if err := json.Unmarshal(ev.Hall, &h); err != nil {
			return nil, fmt.Errorf("federation: event %d: hall: %w", ev.Seq, err)
		}
		pub, err := json.Marshal(h.Published())
		if err != nil {
			return nil, fmt.Errorf("federation: event %d: public hall: %w", ev.Seq, err)
		}
		ev.Hall = pub
	}
	return json.Marshal(ev)
}

// MaskPhone keeps a phone number's last four digits: 13800001234 becomes
// *******1234. A number of four characters or fewer is masked whole.
func MaskPhone(p string) string {
	r := []rune(p)
	keep := 4
	if len(r) <= keep {
		keep = 0
	}
	for i := range len(r) - keep {
		r[i] = '*'
	}
	return string(r)
}

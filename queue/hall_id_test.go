package queue

import (
	"encoding/json"
	"strings"
	"testing"
)

// A hall file's id must be usable as the hall's JetStream domain and a
// subject token; a hall without one is fine (it does not link).
func TestHallFileID(t *testing.T) {
	doc := func(id string) string {
		h := DemoHall()
		h.ID = id
		for i := range h.Staff {
			h.Staff[i].PIN = ""
		}
		data, err := json.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	for _, id := range []string{"", "dongzhen", "xiba-bus", "a1"} {
		h, err := ParseHall(strings.NewReader(doc(id)))
		if err != nil || h.ID != id {
			t.Errorf("id %q: %v, %v", id, h, err)
		}
	}
	for _, id := range []string{"Dongzhen", "1zhen", "dong.zhen", "dong zhen", "东镇", strings.Repeat("a", 33)} {
		if _, err := ParseHall(strings.NewReader(doc(id))); err == nil || !strings.Contains(err.Error(), "id:") {
			t.Errorf("id %q: %v, want an error at id", id, err)
		}
	}
}

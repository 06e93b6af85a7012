package queue_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/yimen-hall/yimen/queue"
)

// TestPublishedHallReplays: a county replays a hall's configuration in
// its published form, without PINs or hashes; a hall file still needs
// every clerk's PIN.
func TestPublishedHallReplays(t *testing.T) {
	doc, err := json.Marshal(queue.DemoHall().Public())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(doc, []byte("pin")) {
		t.Fatalf("public form holds a PIN: %s", doc)
	}
	h, err := queue.ParseHallDoc(doc)
	if err != nil {
		t.Fatalf("published configuration not replayed: %v", err)
	}
	if len(h.Staff) == 0 || h.Location().String() != "Asia/Shanghai" {
		t.Errorf("replayed hall: %d staff, zone %s", len(h.Staff), h.Location())
	}
	if _, err := queue.ParseHall(bytes.NewReader(doc)); err == nil {
		t.Error("a hall file without PINs was accepted")
	}
}

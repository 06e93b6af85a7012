package bridge

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// SimWS connects d to a bridge websocket endpoint (ws://host/path) as a
// Wi-Fi device and runs until ctx ends or the connection fails. Events are
// pushed and resent with the same seq until acknowledged.
func SimWS(ctx context.Context, url string, d *SimDevice) error {
	d.mu.Lock()
	d.push = true
	d.mu.Unlock()
	c, resp, err := websocket.DefaultDialer.DialContext(ctx, url, http.Header{})
	if err != nil {
		return fmt.Errorf("bridge: sim dial %s: %w", url, err)
	}
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	defer c.Close()
	go func() { <-ctx.Done(); c.Close() }()
	var wmu sync.Mutex
	send := func(f Frame) error {
		raw, err := f.Marshal()
		if err != nil {
			return err
		}
		wmu.Lock()
		defer wmu.Unlock()
		return c.WriteMessage(websocket.BinaryMessage, raw)
	}
	errc := make(chan error, 1)
	go func() {
		for {
			_, msg, err := c.ReadMessage()
			if err != nil {
				errc <- err
				return
			}
			f, err := Unmarshal(msg)
			if err != nil {
				continue
			}
			if r, ok := d.Handle(f); ok {
				if err := send(r); err != nil {
					errc <- err
					return
				}
			}
		}
	}()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	var inflight Frame
	var sentAt time.Time
	have := false
	lastBeat := time.Now()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("bridge: sim read: %w", err)
		case <-tick.C:
		}
		d.mu.Lock()
		disabled := d.disabled
		head, pending := Frame{}, len(d.queue) > 0
		if pending {
			head = d.head()
		}
		d.mu.Unlock()
		if disabled {
			continue
		}
		switch {
		case pending && (!have || head.Seq != inflight.Seq || time.Since(sentAt) > 500*time.Millisecond):
			inflight, have, sentAt = head, true, time.Now()
			if err := send(head); err != nil {
				return fmt.Errorf("bridge: sim write: %w", err)
			}
			lastBeat = time.Now()
		case time.Since(lastBeat) > 2*time.Second:
			lastBeat = time.Now()
			if err := send(Frame{Type: MsgHeartbeat}); err != nil {
				return fmt.Errorf("bridge: sim write: %w", err)
			}
		}
	}
}

package sim

import (
	"context"
	"fmt"
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// WS connects d to a bridge websocket endpoint (ws://host/path) as a
// Wi-Fi device and runs until ctx ends, reconnecting with backoff (200 ms
// doubling to 2 s; the firmware uses 1 s … 30 s) whenever the connection
// fails or the host refuses it, as the firmware does. Every connection
// starts with a HELLO; events are pushed and resent with the same seq
// until acknowledged.
func WS(ctx context.Context, url string, d *Device) error {
	d.mu.Lock()
	d.push = true
	d.mu.Unlock()
	delay := 200 * time.Millisecond
	for {
		start := time.Now()
		err := wsOnce(ctx, url, d)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(start) > 10*time.Second {
			delay = 200 * time.Millisecond
		}
		_ = err // the firmware only retries; tests look at what the host saw
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
	}
}

// wsOnce runs one connection until it fails or ctx ends.
func wsOnce(ctx context.Context, url string, d *Device) error {
	d.Reboot()
	c, resp, err := websocket.DefaultDialer.DialContext(ctx, url, http.Header{})
	if err != nil {
		return fmt.Errorf("bridge: sim dial %s: %w", url, err)
	}
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	defer c.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { <-ctx.Done(); c.Close() }()
	var wmu sync.Mutex
	send := func(f proto.Frame) error {
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
			f, err := proto.Unmarshal(msg)
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
	var inflight proto.Frame
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
		head, pending := proto.Frame{}, len(d.queue) > 0
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
			if err := send(proto.Frame{Type: proto.MsgHeartbeat}); err != nil {
				return fmt.Errorf("bridge: sim write: %w", err)
			}
		}
	}
}

package federation

import (
	"context"
	"encoding/json"
	"time"

	"github.com/yimen-hall/yimen/queue"
)

// Hello is what a linked hall says on yimen.<hall>.hello: at once when the
// link comes up and every 30 s after (docs/county/protocol.md, Presence).
type Hello struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Version string    `json:"version"`
	Seq     uint64    `json:"seq"` // the hall's last committed event
	At      time.Time `json:"at"`
}

// hellos watches the leaf link once a second and greets the county when it
// comes up and every HelloEvery while it stays up.
func (l *Link) hellos(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var last time.Time
	up := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		linked := l.srv.NumLeafNodes() > 0
		if linked != up {
			if linked {
				l.cfg.Logger.Info("county link up")
				l.cfg.LinkAlarm("")
			} else {
				l.cfg.Logger.Warn("county link down: the hall works on and keeps its events for the county")
			}
		}
		if linked && (!up || time.Since(last) >= l.cfg.HelloEvery) {
			l.hello()
			last = time.Now()
		}
		up = linked
	}
}

func (l *Link) hello() {
	h := Hello{ID: l.cfg.Server.Hall, Name: l.cfg.Hall.Hall().Name, Version: l.cfg.Version, At: l.cfg.Now()}
	l.cfg.Hall.Read(func(s *queue.State) { h.Seq = s.Seq })
	data, err := json.Marshal(h)
	if err != nil {
		return
	}
	if err := l.nc.Publish(HelloSubject(h.ID), data); err != nil {
		l.cfg.Logger.Warn("county link: hello", "err", err)
	}
}

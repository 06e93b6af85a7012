package bridge

import (
	"context"
	"fmt"
	"github.com/yimen-hall/yimen/firmware-bridge/proto"

	"github.com/yimen-hall/yimen/queue"
)

// QueueEngine adapts the hall's *queue.Engine to the Engine the bridge
// consumes. What devices show comes from committed events only: the
// engine's reads serve its committed state, and the bridge refreshes on
// its durable batches.
func QueueEngine(e *queue.Engine) Engine { return queueEngine{e} }

type queueEngine struct{ e *queue.Engine }

func (q queueEngine) Act(ctx context.Context, a Action) error {
	var err error
	switch a.Key {
	case proto.KeyNext:
		_, err = q.e.Next(ctx, a.Window, a.Staff)
	case proto.KeyRecall:
		_, err = q.e.Recall(ctx, a.Window, a.Staff)
	case proto.KeyNoShow:
		_, err = q.e.NoShow(ctx, a.Window, a.Staff)
	case proto.KeyStart:
		_, err = q.e.Start(ctx, a.Window, a.Staff)
	case proto.KeyFinish:
		_, err = q.e.Finish(ctx, a.Window, a.Staff, a.Outcome)
	case proto.KeyTransfer:
		_, err = q.e.Transfer(ctx, a.Window, a.Staff, a.Category)
	case proto.KeyPause:
		_, err = q.e.Pause(ctx, a.Window, a.Staff, a.Reason)
	case proto.KeyResume:
		_, err = q.e.Resume(ctx, a.Window, a.Staff)
	case proto.KeyHold:
		_, _, err = q.e.Hold(ctx, a.Window, a.Staff)
	case proto.KeyRequeue:
		_, err = q.e.RequeueLast(ctx, a.Window, a.Staff)
	case proto.KeyCallBack:
		_, err = q.e.CallBackHeld(ctx, a.Window, a.Staff, a.Number)
	default:
		return fmt.Errorf("bridge: key %s has no engine action", a.Key)
	}
	if err != nil {
		return fmt.Errorf("bridge: %s at window %s: %w", a.Key, a.Window, err)
	}
	return nil
}

func (q queueEngine) Rate(ctx context.Context, window string, score int, reason string) error {
	if _, err := q.e.Rate(ctx, window, score, reason); err != nil {
		return fmt.Errorf("bridge: rate at window %s: %w", window, err)
	}
	return nil
}

func (q queueEngine) Window(window string) WindowView {
	var v WindowView
	hw, ok := q.e.Hall().Window(window)
	q.e.Read(func(s *queue.State) {
		w := s.Windows[window]
		if w == nil {
			return
		}
		v.Staff, v.Paused = w.Occupant, w.Paused
		if t := s.Current(window); t != nil {
			v.Number = t.Number
		}
		if t := s.Tickets[w.LastDone]; t != nil && t.Score() == 0 {
			v.ToRate = t.Number
		}
		if ok {
			for _, c := range hw.Categories {
				n, _ := s.WaitingCounts(c)
				v.Waiting += n
			}
		}
	})
	return v
}

func (q queueEngine) Categories() []string {
	var ids []string
	for _, c := range q.e.Hall().Categories {
		ids = append(ids, c.ID)
	}
	return ids
}

func (q queueEngine) Subscribe(fn func([]Event)) error {
	_, err := q.e.Subscribe(func(evs []queue.Event) {
		out := make([]Event, len(evs))
		for i, e := range evs {
			out[i] = Event{Type: e.Type, Window: e.Window, Number: e.Number, Recall: e.Recall}
		}
		fn(out)
	})
	if err != nil {
		return fmt.Errorf("bridge: subscribe: %w", err)
	}
	return nil
}

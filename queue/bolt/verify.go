package bolt

import (
	"context"
	"fmt"
	"time"

	"github.com/yimen-hall/yimen/queue"
	bolt "go.etcd.io/bbolt"
)

// logCheck follows the log from its first event and says what is wrong
// with it: an event whose checksum does not match, events missing, a
// ticket issued twice. CheckFile and Verify share it.
type logCheck struct {
	last    uint64            // the last event checked
	tickets int               // tickets issued
	days    map[string]bool   // days the log has seen
	issued  map[string]uint64 // the event that issued each ticket, since the day began
}

func newLogCheck() *logCheck {
	return &logCheck{days: map[string]bool{}, issued: map[string]uint64{}}
}

// event checks the next stored event (its key and value).
func (c *logCheck) event(k, v []byte) error {
	ev, err := decodeEvent(k, v)
	if err != nil {
		return err
	}
	if ev.Seq != c.last+1 {
		return fmt.Errorf("%w: event %d follows event %d (events are missing)", queue.ErrDamaged, ev.Seq, c.last)
	}
	c.last = ev.Seq
	switch ev.Type {
	case queue.EvDay:
		c.days[ev.Day] = true
		// A ticket's id begins with its day: only the running day's
		// can be issued again, so memory stays one day's worth.
		clear(c.issued)
	case queue.EvIssued:
		if first, ok := c.issued[ev.Ticket]; ok {
			return fmt.Errorf("%w: event %d issues %s again (first issued by event %d)", queue.ErrDamaged, ev.Seq, ev.Ticket, first)
		}
		c.issued[ev.Ticket] = ev.Seq
		c.tickets++
	}
	return nil
}

// verifyChunk is how many events Verify reads in one read transaction.
const verifyChunk = 2048

// Verify checks the stored events up to upTo as CheckFile does offline
// (each one's checksum, numbered from 1 without a gap, every ticket issued
// once) while the hall works: start-up checks only the snapshot and the
// events after it, and a damaged old event must still be found. It reads
// in short transactions, so that an append that grows the file is never
// held up by it, and rests after each as long as it worked, so that it
// takes at most half of one core from the hall. It ends early, with ctx's
// error, when ctx ends; damage is an error wrapping queue.ErrDamaged.
func (s *Store) Verify(ctx context.Context, upTo uint64) error {
	c := newLogCheck()
	for c.last < upTo {
		began := time.Now()
		if err := s.verifyChunk(c, upTo); err != nil {
			return err
		}
		rest := time.NewTimer(time.Since(began))
		select {
		case <-ctx.Done():
			rest.Stop()
			return ctx.Err()
		case <-rest.C:
		}
	}
	return nil
}

// verifyChunk checks up to verifyChunk events after c.last, in one read
// transaction.
func (s *Store) verifyChunk(c *logCheck, upTo uint64) (err error) {
	defer faultsAreDamage(&err)
	defer readGuard()()
	return s.db.View(func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketEvents).Cursor()
		k, v := cur.Seek(seqKey(c.last + 1))
		for n := 0; n < verifyChunk && c.last < upTo; n++ {
			if k == nil {
				return fmt.Errorf("%w: the log ends at event %d, before event %d", queue.ErrDamaged, c.last, upTo)
			}
			if err := c.event(k, v); err != nil {
				return err
			}
			k, v = cur.Next()
		}
		return nil
	})
}

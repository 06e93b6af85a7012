package bolt

import (
	"bytes"

	"github.com/yimen-hall/yimen/queue"
	bolt "go.etcd.io/bbolt"
)

// Closed days' ledger summaries, keyed by the day ("2006-01-02" sorts in
// date order). They are derived data: deleting the bucket only costs one
// replay of each day when it is next asked for.
var bucketSummaries = []byte("day_summaries")

var _ queue.SummaryStore = (*Store)(nil)

// LoadSummaries returns the stored summaries of the days from … to.
func (s *Store) LoadSummaries(from, to string) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSummaries)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek([]byte(from)); k != nil && bytes.Compare(k, []byte(to)) <= 0; k, v = c.Next() {
			out[string(k)] = bytes.Clone(v)
		}
		return nil
	})
	return out, err
}

// SaveSummary stores one day's summary.
func (s *Store) SaveSummary(day string, data []byte) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketSummaries)
		if err != nil {
			return err
		}
		return b.Put([]byte(day), data)
	})
}

package county

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// FileName is the county's bbolt file inside its data directory.
const FileName = "county.db"

// The county's file holds what it has folded, so that a restart goes on
// from where it was instead of replaying every hall's years of events.
var (
	bucketMeta   = []byte("meta")   // admin password hash, consumer position
	bucketHalls  = []byte("halls")  // hall id → hallRecord
	bucketStates = []byte("states") // hall id → stateRecord (snapshot + running day)
	bucketDays   = []byte("days")   // hall id "/" day → closed day's queue.DaySummary
	bucketDocs   = []byte("docs")   // hall id "/" seq (8 bytes) → hall document of that EvHall
	bucketAgents = []byte("agents") // user → Account

	keyAdmin    = []byte("admin")
	keyPosition = []byte("position") // last YIMEN_COUNTY sequence folded
)

// store is the county's bbolt file.
type store struct{ db *bolt.DB }

func openStore(dir string) (*store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("county: data directory: %w", err)
	}
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, &bolt.Options{Timeout: 2 * time.Second})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("county: %s is in use by another county service", filepath.Join(dir, FileName))
	}
	if err != nil {
		return nil, fmt.Errorf("county: open %s: %w", dir, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketHalls, bucketStates, bucketDays, bucketDocs, bucketAgents, bucketRequests} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("county: init %s: %w", dir, err)
	}
	return &store{db: db}, nil
}

func (s *store) close() error { return s.db.Close() }

func (s *store) meta(key []byte) ([]byte, error) {
	var v []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketMeta).Get(key); b != nil {
			v = append([]byte(nil), b...)
		}
		return nil
	})
	return v, err
}

func (s *store) putMeta(key, v []byte) error {
	return s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(key, v) })
}

// eachJSON decodes every value of a bucket into a fresh T.
func eachJSON[T any](s *store, bucket []byte, fn func(key string, v *T) error) error {
	return s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).ForEach(func(k, data []byte) error {
			v := new(T)
			if err := json.Unmarshal(data, v); err != nil {
				return fmt.Errorf("county: %s/%s: %w", bucket, k, err)
			}
			return fn(string(k), v)
		})
	})
}

func putJSON(tx *bolt.Tx, bucket []byte, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Bucket(bucket).Put([]byte(key), data)
}

func dayKey(hall, day string) string { return hall + "/" + day }

func docKey(hall string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte(hall+"/"), seq)
}

// days reads the stored summaries of a hall's days from … to, by day.
func (s *store) days(hall, from, to string) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketDays).Cursor()
		last := []byte(dayKey(hall, to))
		for k, v := c.Seek([]byte(dayKey(hall, from))); k != nil && string(k) <= string(last); k, v = c.Next() {
			out[string(k[len(hall)+1:])] = append([]byte(nil), v...)
		}
		return nil
	})
	return out, err
}

// doc reads the hall document a hall's EvHall of seq set.
func (s *store) doc(hall string, seq uint64) ([]byte, error) {
	var v []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketDocs).Get(docKey(hall, seq)); b != nil {
			v = append([]byte(nil), b...)
		}
		return nil
	})
	return v, err
}

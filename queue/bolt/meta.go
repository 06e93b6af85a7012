package bolt

import bolt "go.etcd.io/bbolt"

var bucketMeta = []byte("meta")

// GetMeta reads a small setting (e.g. the admin password hash); nil when
// unset.
func (s *Store) GetMeta(key string) ([]byte, error) {
	var v []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketMeta); b != nil {
			v = append([]byte(nil), b.Get([]byte(key))...)
		}
		return nil
	})
	if len(v) == 0 {
		v = nil
	}
	return v, err
}

// PutMeta stores a small setting durably.
func (s *Store) PutMeta(key string, v []byte) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		return b.Put([]byte(key), v)
	})
}

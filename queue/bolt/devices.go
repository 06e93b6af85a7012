package bolt

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// bucketDevices keeps the device registry: one record per hardware id,
// in the format of its owner (the firmware bridge), opaque here.
var bucketDevices = []byte("bridge_devices")

// DeviceRecords is the device registry's bucket in the store's file.
type DeviceRecords struct{ db *bolt.DB }

// DeviceRecords opens (creating when missing) the registry's bucket.
func (s *Store) DeviceRecords() (*DeviceRecords, error) {
	if err := s.db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucketDevices)
		return err
	}); err != nil {
		return nil, fmt.Errorf("bolt: device bucket: %w", err)
	}
	return &DeviceRecords{s.db}, nil
}

// All returns every record by key.
func (r *DeviceRecords) All() (map[string][]byte, error) {
	out := map[string][]byte{}
	err := r.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDevices).ForEach(func(k, v []byte) error {
			out[string(k)] = append([]byte(nil), v...)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("bolt: load devices: %w", err)
	}
	return out, nil
}

// Put stores a record, fsync'd before it returns.
func (r *DeviceRecords) Put(key string, value []byte) error {
	if err := r.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDevices).Put([]byte(key), value)
	}); err != nil {
		return fmt.Errorf("bolt: save device %s: %w", key, err)
	}
	return nil
}

// Delete removes a record.
func (r *DeviceRecords) Delete(key string) error {
	if err := r.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketDevices).Delete([]byte(key))
	}); err != nil {
		return fmt.Errorf("bolt: delete device %s: %w", key, err)
	}
	return nil
}

package bridge

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"go.etcd.io/bbolt"
)

// DeviceInfo is what the bridge knows about one device.
type DeviceInfo struct {
	HWID     string    `json:"hwid"` // 16 hex digits
	Kind     Kind      `json:"kind"`
	Window   string    `json:"window,omitempty"` // "" = unassigned (待分配)
	Bus      string    `json:"bus"`              // bus name, or "ws" for websocket devices
	Addr     uint8     `json:"addr,omitempty"`   // bus address
	Firmware string    `json:"firmware,omitempty"`
	Caps     uint8     `json:"caps,omitempty"`
	Width    int       `json:"width,omitempty"`
	Height   int       `json:"height,omitempty"`
	LastSeen time.Time `json:"last_seen"`
	Online   bool      `json:"online"` // not persisted meaningfully; set live
}

// Registry persists devices. Implementations must be safe for concurrent use.
type Registry interface {
	// Load returns every stored device.
	Load() ([]DeviceInfo, error)
	// Save stores (inserts or replaces) one device by HWID.
	Save(DeviceInfo) error
}

// MemRegistry is an in-memory Registry for tests and for running without a
// database.
type MemRegistry struct {
	mu sync.Mutex
	m  map[string]DeviceInfo
}

// NewMemRegistry returns an empty MemRegistry.
func NewMemRegistry() *MemRegistry { return &MemRegistry{m: map[string]DeviceInfo{}} }

// Load implements Registry.
func (r *MemRegistry) Load() ([]DeviceInfo, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]DeviceInfo, 0, len(r.m))
	for _, d := range r.m {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b DeviceInfo) int { return strings.Compare(a.HWID, b.HWID) })
	return out, nil
}

// Save implements Registry.
func (r *MemRegistry) Save(d DeviceInfo) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.m[d.HWID] = d
	return nil
}

// BoltBucket is the bucket NewBoltRegistry keeps devices in.
const BoltBucket = "bridge_devices"

type boltRegistry struct{ db *bbolt.DB }

// NewBoltRegistry stores devices as JSON in bucket BoltBucket of db, which
// the caller opened (with a Timeout) and closes.
func NewBoltRegistry(db *bbolt.DB) (Registry, error) {
	err := db.Update(func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists([]byte(BoltBucket))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("bridge: registry bucket: %w", err)
	}
	return boltRegistry{db}, nil
}

func (r boltRegistry) Load() ([]DeviceInfo, error) {
	var out []DeviceInfo
	err := r.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(BoltBucket)).ForEach(func(k, v []byte) error {
			var d DeviceInfo
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("device %s: %w", k, err)
			}
			out = append(out, d)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("bridge: load registry: %w", err)
	}
	return out, nil
}

func (r boltRegistry) Save(d DeviceInfo) error {
	d.Online = false
	v, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("bridge: save device %s: %w", d.HWID, err)
	}
	if err := r.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket([]byte(BoltBucket)).Put([]byte(d.HWID), v)
	}); err != nil {
		return fmt.Errorf("bridge: save device %s: %w", d.HWID, err)
	}
	return nil
}

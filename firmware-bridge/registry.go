package bridge

import (
	"encoding/json"
	"fmt"
	"github.com/yimen-hall/yimen/firmware-bridge/proto"
	"slices"
	"strings"
	"sync"
	"time"
)

// Device states.
const (
	StatePending  = "pending"  // said HELLO during learn mode; the manager has not approved it
	StateApproved = "approved" // approved by the manager; only these act or show
)

// DeviceInfo is what the bridge knows about one device. It is for the
// manager's views only: public pushes never carry it.
type DeviceInfo struct {
	HWID  string `json:"hwid"`  // 16 hex digits
	State string `json:"state"` // StatePending or StateApproved
	// No is the device's number (编号) given at approval; alarms name a
	// device by it, never by its hwid.
	No   int        `json:"no,omitempty"`
	Kind proto.Kind `json:"kind"`
	// ProposedKind is set when an approved device said HELLO as another
	// kind: it stays refused until the manager approves the new kind.
	ProposedKind proto.Kind `json:"proposed_kind,omitempty"`
	Window       string     `json:"window,omitempty"` // "" = unassigned (待分配)
	Bus          string     `json:"bus"`              // bus name, or "ws" for websocket devices
	Addr         uint8      `json:"addr,omitempty"`   // bus address
	Firmware     string     `json:"firmware,omitempty"`
	Caps         uint8      `json:"caps,omitempty"`
	Width        int        `json:"width,omitempty"`
	Height       int        `json:"height,omitempty"`
	// MaxPayload is the largest payload the device accepts (its HELLO).
	MaxPayload int       `json:"max_payload,omitempty"`
	LastSeen   time.Time `json:"last_seen"`
	Online     bool      `json:"online"` // not persisted meaningfully; set live
	// Expires is when a pending proposal is forgotten.
	Expires time.Time `json:"expires,omitzero"`
	// Secret is the pairing secret of a Wi-Fi device (nil for serial
	// devices, which prove nothing but their wiring). Never shown.
	Secret []byte `json:"-"`
}

// Registry persists devices. Implementations must be safe for concurrent use.
type Registry interface {
	// Load returns every stored device.
	Load() ([]DeviceInfo, error)
	// Save stores (inserts or replaces) one device by HWID, with its Secret.
	Save(DeviceInfo) error
	// Delete forgets a device (unpairing it).
	Delete(hwid string) error
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

// Delete implements Registry.
func (r *MemRegistry) Delete(hwid string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.m, hwid)
	return nil
}

// Records is a keyed store of opaque device records; the daemon's is the
// device bucket of its bbolt file (queue/bolt.DeviceRecords).
type Records interface {
	All() (map[string][]byte, error)
	Put(key string, value []byte) error
	Delete(key string) error
}

// recordRegistry keeps each device as a JSON record, its secret included.
type recordRegistry struct{ r Records }

// NewRecordRegistry returns a Registry over r.
func NewRecordRegistry(r Records) Registry { return recordRegistry{r} }

func (r recordRegistry) Load() ([]DeviceInfo, error) {
	all, err := r.r.All()
	if err != nil {
		return nil, fmt.Errorf("bridge: load registry: %w", err)
	}
	out := make([]DeviceInfo, 0, len(all))
	for k, v := range all {
		var rec storedDevice
		if err := json.Unmarshal(v, &rec); err != nil {
			return nil, fmt.Errorf("bridge: load registry: device %s: %w", k, err)
		}
		rec.DeviceInfo.Secret = rec.Secret
		out = append(out, rec.DeviceInfo)
	}
	slices.SortFunc(out, func(a, b DeviceInfo) int { return strings.Compare(a.HWID, b.HWID) })
	return out, nil
}

func (r recordRegistry) Save(d DeviceInfo) error {
	d.Online = false
	v, err := json.Marshal(storedDevice{d, d.Secret})
	if err != nil {
		return fmt.Errorf("bridge: save device %s: %w", d.HWID, err)
	}
	if err := r.r.Put(d.HWID, v); err != nil {
		return fmt.Errorf("bridge: save device %s: %w", d.HWID, err)
	}
	return nil
}

func (r recordRegistry) Delete(hwid string) error {
	if err := r.r.Delete(hwid); err != nil {
		return fmt.Errorf("bridge: delete device %s: %w", hwid, err)
	}
	return nil
}

// storedDevice is a registry record: the device and its secret, which
// DeviceInfo's own JSON leaves out so that no view can leak it.
type storedDevice struct {
	DeviceInfo
	Secret []byte `json:"secret,omitempty"`
}

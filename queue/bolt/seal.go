package bolt

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"runtime/debug"

	"github.com/yimen-hall/yimen/queue"
	bolt "go.etcd.io/bbolt"
)

// Every stored event and snapshot carries a CRC-32C of its bytes, so that a
// changed byte on a failing disk is caught instead of read as another
// ticket. Sealed values start with sealVersion; values written before
// sealing start with the JSON's '{' and are read as they are.
const sealVersion = 0x01

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// sealHeader is the sealed form's prefix: the version and the checksum.
const sealHeader = 5

// putSeal writes the seal of body into h, sealHeader bytes: sealVersion
// and the checksum.
func putSeal(h, body []byte) {
	h[0] = sealVersion
	binary.BigEndian.PutUint32(h[1:sealHeader], crc32.Checksum(body, castagnoli))
}

// checkSeal says whether h, a seal (its version already told apart), is
// that of body.
func checkSeal(h, body []byte) error {
	if crc32.Checksum(body, castagnoli) != binary.BigEndian.Uint32(h[1:sealHeader]) {
		return errChecksum
	}
	return nil
}

// sealHeaderAt seals v in place: v is sealHeader bytes of room followed by
// the data.
func sealHeaderAt(v []byte) []byte {
	putSeal(v[:sealHeader], v[sealHeader:])
	return v
}

var errChecksum = errors.New("checksum mismatch")

func unseal(v []byte) ([]byte, error) {
	switch {
	case len(v) > 0 && v[0] == '{':
		return v, nil // written before checksums
	case len(v) >= sealHeader && v[0] == sealVersion:
		if err := checkSeal(v[:sealHeader], v[sealHeader:]); err != nil {
			return nil, err
		}
		return v[sealHeader:], nil
	}
	return nil, fmt.Errorf("unknown record format (%d bytes)", len(v))
}

func decodeEvent(k, v []byte) (queue.Event, error) {
	var ev queue.Event
	seq := binary.BigEndian.Uint64(k)
	body, err := unseal(v)
	if err == nil {
		err = json.Unmarshal(body, &ev)
	}
	if err == nil && ev.Seq != seq {
		err = fmt.Errorf("it says it is event %d", ev.Seq)
	}
	if err != nil {
		return ev, fmt.Errorf("%w: event %d: %v", queue.ErrDamaged, seq, err)
	}
	return ev, nil
}

// checkLength refuses a file shorter than its own pages say (cut short by
// a failed copy or a full disk): reading past its end would crash.
func checkLength(db *bolt.DB, path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("bolt: %w", err)
	}
	return db.View(func(tx *bolt.Tx) error {
		if need := tx.Size(); fi.Size() < need {
			return fmt.Errorf("%w: %s is cut short: %d bytes of %d", queue.ErrDamaged, path, fi.Size(), need)
		}
		return nil
	})
}

// faultsAreDamage turns a fault while reading the mapped file (a damaged
// page) into an error instead of a crash. Deferred by readers.
func faultsAreDamage(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: the file is damaged or cut short: %v", queue.ErrDamaged, r)
	}
}

// readGuard makes memory faults in the mapped file panics that
// faultsAreDamage can catch, for the calling goroutine; call the returned
// function to restore.
func readGuard() func() {
	old := debug.SetPanicOnFault(true)
	return func() { debug.SetPanicOnFault(old) }
}

// A snapshot's head is its seq and the seal of its body: the body is
// stored as it is, so that saving a snapshot tens of megabytes long does
// not copy it.
const snapshotHeadLen = 8 + sealHeader

func snapshotHead(seq uint64, body []byte) []byte {
	h := make([]byte, snapshotHeadLen)
	binary.BigEndian.PutUint64(h, seq)
	putSeal(h[8:], body)
	return h
}

// readSnapshot reads the bucket's snapshot, in either form: its seq and
// body (valid for the transaction), or a nil body when there is none.
func readSnapshot(b *bolt.Bucket) (seq uint64, body []byte, err error) {
	if h := b.Get(keySnapshotHead); h != nil {
		if len(h) >= 8 {
			seq = binary.BigEndian.Uint64(h)
		}
		body = b.Get(keySnapshotBody)
		switch {
		case len(h) != snapshotHeadLen || h[8] != sealVersion:
			err = fmt.Errorf("unknown record format (%d bytes)", len(h))
		case body == nil:
			err = errors.New("its state is missing")
		default:
			err = checkSeal(h[8:], body)
		}
	} else {
		v := b.Get(keySnapshot) // as files written before kept it
		if len(v) < 8 {
			return 0, nil, nil
		}
		seq = binary.BigEndian.Uint64(v)
		body, err = unseal(v[8:])
	}
	if err != nil {
		return seq, nil, fmt.Errorf("%w: the state snapshot at event %d: %v", queue.ErrDamaged, seq, err)
	}
	return seq, body, nil
}

package queue

// Log is the durable, append-only event log the engine writes through.
// queue/bolt implements it on a bbolt file.
type Log interface {
	// Append stores events durably (fsync'd) before it returns. The events
	// carry consecutive sequence numbers following the last stored one.
	Append(events []Event) error
	// Replay calls fn for every stored event with Seq > after, in order.
	Replay(after uint64, fn func(Event) error) error
	// SaveSnapshot stores the engine state as of seq; LoadSnapshot returns
	// the last saved one (seq 0 and nil data when there is none).
	SaveSnapshot(seq uint64, data []byte) error
	LoadSnapshot() (seq uint64, data []byte, err error)
}

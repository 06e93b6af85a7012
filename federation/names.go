// Package federation links a hall to its county over NATS JetStream: the
// hall's embedded server, the publisher of its committed events, and the
// names both ends agree on (docs/county/protocol.md is the contract).
package federation

import (
	"fmt"
	"strconv"

	"github.com/yimen-hall/yimen/queue"
)

// CountyDomain is the hub's JetStream domain.
const CountyDomain = "county"

// Streams and their headers (docs/county/protocol.md).
const (
	EventsStream   = "YIMEN_EVENTS"   // in each hall's domain
	CountyStream   = "YIMEN_COUNTY"   // on the hub: sources every hall's events
	RequestsStream = "YIMEN_REQUESTS" // on the hub: work queue of requests to halls

	HeaderMsgID = "Nats-Msg-Id"
	HeaderSeq   = "Yimen-Seq"
)

// CheckHallID says whether id can name a hall: it is a JetStream domain and
// a subject token, so it is kept to lower-case letters, digits and '-'. The
// rule lives in queue, which validates hall files with it.
func CheckHallID(id string) error {
	if err := queue.CheckHallID(id); err != nil {
		return fmt.Errorf("federation: %w", err)
	}
	return nil
}

// EventsSubject is where a hall publishes its committed events.
func EventsSubject(hall string) string { return "yimen." + hall + ".events" }

// HelloSubject is where a linked hall says it is there.
func HelloSubject(hall string) string { return "yimen." + hall + ".hello" }

// RequestsSubject is where requests for a hall wait on the hub.
func RequestsSubject(hall string) string { return "yimen." + hall + ".requests" }

// DeliverSubject is the prefix the county's source of a hall delivers on,
// under the hall's own subjects so that the hall's permissions cover it.
func DeliverSubject(hall string) string { return "yimen." + hall + ".deliver" }

// APIPrefix is the JetStream API of a domain as seen across leaf links.
func APIPrefix(domain string) string { return "$JS." + domain + ".API" }

// HallConsumer is the durable consumer a hall pulls its requests with.
func HallConsumer(hall string) string { return "hall-" + hall }

// MsgID is the message id of a hall's event seq: a retry is never stored
// twice.
func MsgID(hall string, seq uint64) string { return hall + ":" + strconv.FormatUint(seq, 10) }

// Inbox is the prefix of the replies a hall's own requests get across the
// leaf link: under the hall's name, so that no hall reads another's.
func Inbox(hall string) string { return "_INBOX." + hall }

package county

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/yimen-hall/yimen/federation"
)

// Durable is the county service's consumer of YIMEN_COUNTY.
const Durable = "county"

// streamMaxAge keeps a year and a month of every hall on the hub, like the
// halls' own streams.
const streamMaxAge = 400 * 24 * time.Hour

// fetchBatch is how many messages one pull asks for.
const fetchBatch = 500

// connect dials the hub; it keeps reconnecting by itself, and the service
// starts even while the hub is away.
func connect(c Config) (*nats.Conn, error) {
	opts := []nats.Option{
		nats.Name("yimen county"),
		nats.MaxReconnects(-1),
		nats.RetryOnFailedConnect(true),
		nats.ReconnectWait(time.Second),
	}
	if c.Creds != "" {
		user, pass, err := federation.ReadCreds(c.Creds)
		if err != nil {
			return nil, fmt.Errorf("county: --nats-creds: %w", err)
		}
		opts = append(opts, nats.UserInfo(user, pass))
	}
	nc, err := nats.Connect(strings.Join(c.NATS, ","), opts...)
	if err != nil {
		return nil, fmt.Errorf("county: connect to %s: %w", strings.Join(c.NATS, ","), err)
	}
	return nc, nil
}

// sourcedHall names the hall a source of the county stream is of.
func sourcedHall(s *jetstream.StreamSource) string {
	if s.External == nil {
		return ""
	}
	return strings.TrimSuffix(strings.TrimPrefix(s.External.APIPrefix, "$JS."), ".API")
}

// ensureStream makes YIMEN_COUNTY hold a source for every hall in ids,
// keeping the sources it has (and their positions).
func ensureStream(ctx context.Context, js jetstream.JetStream, ids []string) (map[string]bool, error) {
	have := map[string]bool{}
	cfg := jetstream.StreamConfig{
		Name:        federation.CountyStream,
		Description: "每个乡镇便民服务中心的事件（yimen county）",
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		MaxAge:      streamMaxAge,
	}
	st, err := js.Stream(ctx, federation.CountyStream)
	switch {
	case errors.Is(err, jetstream.ErrStreamNotFound):
	case err != nil:
		return nil, fmt.Errorf("county: stream %s: %w", federation.CountyStream, err)
	default:
		cfg = st.CachedInfo().Config
	}
	for _, s := range cfg.Sources {
		if id := sourcedHall(s); id != "" {
			have[id] = true
		}
	}
	changed := st == nil
	for _, id := range ids {
		if !have[id] {
			cfg.Sources = append(cfg.Sources, federation.CountySource(id))
			have[id] = true
			changed = true
		}
	}
	if !changed {
		return have, nil
	}
	slices.SortFunc(cfg.Sources, func(a, b *jetstream.StreamSource) int { return strings.Compare(sourcedHall(a), sourcedHall(b)) })
	if st == nil {
		_, err = js.CreateStream(ctx, cfg)
	} else {
		_, err = js.UpdateStream(ctx, cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("county: stream %s: %w", federation.CountyStream, err)
	}
	return have, nil
}

// openConsumer (re)creates the durable consumer so that it delivers from
// the message after pos: the county's file, not the hub, says what was
// folded, so a restart never waits for unacknowledged messages to time out
// and never folds a message twice.
func openConsumer(ctx context.Context, js jetstream.JetStream, pos uint64) (jetstream.Consumer, error) {
	err := js.DeleteConsumer(ctx, federation.CountyStream, Durable)
	if err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		return nil, fmt.Errorf("county: consumer: %w", err)
	}
	cfg := jetstream.ConsumerConfig{
		Durable:       Durable,
		Description:   "yimen county",
		AckPolicy:     jetstream.AckAllPolicy,
		AckWait:       30 * time.Second,
		DeliverPolicy: jetstream.DeliverAllPolicy,
		MaxAckPending: 4 * fetchBatch,
	}
	if pos > 0 {
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, pos+1
	}
	c, err := js.CreateConsumer(ctx, federation.CountyStream, cfg)
	if err != nil {
		return nil, fmt.Errorf("county: consumer: %w", err)
	}
	return c, nil
}

package federation

import "github.com/nats-io/nats.go/jetstream"

// CountySource is the county stream's source of one hall
// (docs/county/protocol.md, Stream 2): the hall's YIMEN_EVENTS read across
// its JetStream domain, delivered under the hall's own subjects.
func CountySource(hall string) *jetstream.StreamSource {
	return &jetstream.StreamSource{
		Name:          EventsStream,
		FilterSubject: EventsSubject(hall),
		External: &jetstream.ExternalStream{
			APIPrefix:     APIPrefix(hall),
			DeliverPrefix: DeliverSubject(hall),
		},
	}
}

// CountyStreamConfig is YIMEN_COUNTY sourcing the given halls, as the
// county service keeps it (tests and benchmarks make it so).
func CountyStreamConfig(halls ...string) jetstream.StreamConfig {
	cfg := jetstream.StreamConfig{Name: CountyStream, Storage: jetstream.FileStorage}
	for _, h := range halls {
		cfg.Sources = append(cfg.Sources, CountySource(h))
	}
	return cfg
}

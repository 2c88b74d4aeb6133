package engine

import (
	"fmt"

	kafkasrc "github.com/gostream/gostream/engine/internal/source/kafka"
)

// SaveToKafka writes every RDD to topic: a Pair becomes a record with key
// and value formatted as Print formats them, any other element a record
// with that value and no key. Without options the writes are idempotent
// and at least once (a batch re-run after a failure writes its records
// again); with Transactional() each batch's records and the offsets its
// Kafka streams consumed are committed in one Kafka transaction, and a
// batch re-run after a restart whose transaction had committed writes
// nothing, so read_committed consumers see every batch exactly once.
func (d *DStream) SaveToKafka(kafka Kafka, topic string, opts ...KafkaOption) {
	const op = "SaveToKafka"
	if err := kafkasrc.CheckSink(kafka.Brokers, topic); err != nil {
		buildErrorf(op, "%v", err)
	}
	cfg, err := kafkasrc.SinkOptions(opts)
	if err != nil {
		buildErrorf(op, "%v", err)
	}
	d.ssc.mu.Lock()
	d.ssc.kafkaSinks = append(d.ssc.kafkaSinks, kafka)
	d.ssc.mu.Unlock()
	w := &kafkaWriter{ssc: d.ssc, topic: topic}
	pc := kafkasrc.ProducerConfig{Brokers: kafka.Brokers, Topic: topic, Done: d.ssc.done}
	if cfg.Transactional {
		pc.TransactionalID = w.txnID()
	}
	w.p = kafkasrc.NewProducer(pc)
	d.addOutput(op, func(r *RDD, t Time) {
		if err := w.write(r, t); err != nil {
			panic(taskFailure{&Error{Op: op, Time: t, Msg: fmt.Sprintf("writing to topic %q at %s: %v", topic, kafka, err), Err: err}})
		}
	})
}

type kafkaWriter struct {
	ssc   *StreamingContext
	topic string
	p     *kafkasrc.Producer
}

func (w *kafkaWriter) write(r *RDD, t Time) error {
	if cm := w.ssc.member; cm != nil {
		// In a cluster job the records are in the member's transaction.
		for _, m := range w.messages(r) {
			cm.Produce(w.topic, m.Key, m.Value)
		}
		return nil
	}
	return w.p.Write(func() []kafkasrc.Message { return w.messages(r) }, func() (map[string][]kafkasrc.Range, error) { return w.consumed(t) })
}

// txnID is the transactional ID of the writer: the same across restarts,
// so a restarted job fences the producer of the run it replaces.
func (w *kafkaWriter) txnID() string { return "gostream-" + w.ssc.appName + "-" + w.topic }

// messages formats the RDD's elements as records.
func (w *kafkaWriter) messages(r *RDD) []kafkasrc.Message {
	leaf := w.ssc.out.Leaf()
	return kafkasrc.Messages(r.Collect(), func(x any) (key, value any, ok bool) {
		p, ok := x.(Pair)
		return p.Key, p.Value, ok
	}, func(x any) string { return FormatWith(x, leaf) })
}

// consumed returns, per group, the ranges the context's Kafka streams read
// for batch t.
func (w *kafkaWriter) consumed(t Time) (map[string][]kafkasrc.Range, error) {
	var streams []*kafkasrc.Stream
	w.ssc.mu.Lock()
	for _, in := range w.ssc.inputs {
		if s, ok := in.src.(*kafkaSource); ok {
			streams = append(streams, s.src)
		}
	}
	w.ssc.mu.Unlock()
	return kafkasrc.Consumed(streams, int64(t), t.String())
}

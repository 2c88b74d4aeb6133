// Package kafka is the engine's Kafka client: the direct stream's source
// side (which offsets a batch reads, reading them, committing them) and the
// producer behind SaveToKafka. It speaks plain Go: topic-partitions,
// offset ranges, records with string keys and values, and plain errors; the
// engine turns them into KafkaRecord, OffsetRange and *engine.Error.
//
// The contract of a Source (one KafkaStream):
//   - Next cuts the ranges of one batch, one per topic-partition, ordered
//     by the topics' order then by partition: from where the previous batch
//     ended to the partition's end (the last stable offset, or the high
//     watermark with ReadUncommitted), capped by MaxRatePerPartition and by
//     a backpressure estimate the caller passes in. A capped range keeps at
//     least one offset. When the cluster cannot be reached, Next returns
//     empty ranges at the current positions and the error; the next call
//     tries again. Ranges of partitions that appeared after the start begin
//     at the partition's start.
//   - Before the first batch, positions come from RestorePosition (a
//     checkpoint), else from Starting (earliest, latest, offsets, a time),
//     else from the group's committed offsets, else from the end.
//   - Fetch emits the records of one range in offset order, skipping what
//     no reader sees inside it (transaction markers, aborted and
//     compacted-away records); it retries a moving or unreachable leader
//     for FetchRetryFor before it fails.
//   - CommitAsync applies commits in the order they were asked for and
//     never moves a partition's committed offset back; Close waits for them.
//   - Position, RestorePosition, EncodeRanges and DecodeRanges are the JSON
//     a checkpoint holds (the field names of engine.OffsetRange).
//
// The contract of Batches (a stream's recent batches; times are ms): Put
// records a batch's ranges with a handle of the caller's (its RDD) and
// forgets the oldest beyond the number kept; Ranges (by time), RangesOf
// (by handle, across every Batches) and Counted answer for the batches
// recorded, and for no other; SetEstimate and Estimate carry the
// backpressure estimate to Next. Problems reports a problem once until it
// changes.
//
// The contract of a Stream (a Source as the engine drives one KafkaStream):
// Cut is Next with the stream's backpressure estimate, the batch's count
// recorded and a failure reported through the engine's report, once until
// the problem changes (Report; a commit's failure too, in Commit); Record
// and Rebuild are a batch's checkpoint record and its ranges back from
// it; Consumed is what a transactional sink commits for a batch (the
// group and the ranges); Completed feeds a completed batch to the
// estimator that Backpressure installed. Batch times are ms; the engine
// passes the text that names a batch in errors. Options are what the
// engine's Kafka options set, and Config the source configuration they
// give a stream's topics.
//
// The contract of a Producer (one SaveToKafka):
//   - Without a transactional ID, writes are idempotent and at least once.
//   - With one, each Write fences the producer of an earlier run, writes
//     nothing when the groups' committed offsets already cover the batch
//     (its transaction committed before a restart), and otherwise writes
//     the records and the consumed offsets in one transaction.
//   - Messages makes the records of a batch's elements: a pair's key and
//     value, or an element's value alone, as the caller formats them.
//   - Done, when given, closes the producer's client once it is closed.
//
// The engine's side: CheckStream and CheckSink check what a KafkaStream
// and a SaveToKafka are made of; StreamOptions and SinkOptions apply their
// options (generic over the engine's option type), refusing one of the
// other's; ToRanges, FromRanges and OffsetsOf convert the engine's types
// of Range's and TopicPartition's fields; Consumed is what a transactional
// sink commits for a batch of the context's streams, per group.
//
// Every client is made by one function, NewClient, with the options they
// share; a cluster member's group and transactional clients
// (engine/internal/cluster) are made by it too.
package kafka

// Package clustertest holds the tests and the benchmark that run one job as
// several OS processes on Kafka: engine/internal/clusterjob, a stateful word
// count, as members of one job on `gostream kafka` with several brokers, with
// kcat producing the input and reading the output.
package clustertest

package ui

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the server's Prometheus metrics, labelled by context (its
// number in the UI), app (its name) and, where it applies, stream or
// operation.
type metrics struct {
	reg *prometheus.Registry

	info           *prometheus.GaugeVec
	interval       *prometheus.GaugeVec
	batches        *prometheus.CounterVec
	active         *prometheus.GaugeVec
	records        *prometheus.CounterVec
	inputRate      *prometheus.GaugeVec
	schedDelay     *prometheus.HistogramVec
	procTime       *prometheus.HistogramVec
	totalDelay     *prometheus.HistogramVec
	batchRecords   *prometheus.HistogramVec
	opDuration     *prometheus.HistogramVec
	receiverErrors *prometheus.CounterVec
	receiverActive *prometheus.GaugeVec
}

// delayBuckets go from 1 ms to about 65 s.
var delayBuckets = prometheus.ExponentialBuckets(0.001, 2, 17)

func newMetrics() *metrics {
	ctx := []string{"context", "app"}
	stream := []string{"context", "app", "stream"}
	m := &metrics{
		reg: prometheus.NewRegistry(),
		info: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gostream_context_info", Help: "A streaming context: 1, with its master and state as labels.",
		}, []string{"context", "app", "master", "state"}),
		interval: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gostream_batch_interval_seconds", Help: "The batch interval of the context.",
		}, ctx),
		batches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gostream_batches_total", Help: "Batches completed, by status (succeeded or failed).",
		}, []string{"context", "app", "status"}),
		active: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gostream_batches_active", Help: "Batches submitted and not yet completed (queued or running).",
		}, ctx),
		records: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gostream_input_records_total", Help: "Records the input stream put into completed batches.",
		}, stream),
		inputRate: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gostream_input_rate_records_per_second", Help: "The input stream's records in the last completed batch over the batch interval.",
		}, stream),
		schedDelay: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gostream_batch_scheduling_delay_seconds", Help: "Time from a batch's submission to the start of its first job.", Buckets: delayBuckets,
		}, ctx),
		procTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gostream_batch_processing_time_seconds", Help: "Time a batch's jobs ran.", Buckets: delayBuckets,
		}, ctx),
		totalDelay: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gostream_batch_total_delay_seconds", Help: "Scheduling delay plus processing time of a batch; keep it under the batch interval.", Buckets: delayBuckets,
		}, ctx),
		batchRecords: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gostream_batch_records", Help: "Input records per batch.", Buckets: prometheus.ExponentialBuckets(1, 10, 8),
		}, ctx),
		opDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "gostream_output_operation_duration_seconds", Help: "Time an output operation's job ran in a batch.", Buckets: delayBuckets,
		}, []string{"context", "app", "operation"}),
		receiverErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gostream_receiver_errors_total", Help: "Errors the receiver of an input stream reported.",
		}, stream),
		receiverActive: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gostream_receiver_active", Help: "1 while the receiver of an input stream runs.",
		}, stream),
	}
	m.reg.MustRegister(m.info, m.interval, m.batches, m.active, m.records, m.inputRate,
		m.schedDelay, m.procTime, m.totalDelay, m.batchRecords, m.opDuration, m.receiverErrors, m.receiverActive,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// appMetrics are one context's metrics with their labels bound.
type appMetrics struct {
	m          *metrics
	app        *App
	ctx, name  string
	schedDelay prometheus.Observer
	procTime   prometheus.Observer
	totalDelay prometheus.Observer
	recs       prometheus.Observer
	succeeded  prometheus.Counter
	failed     prometheus.Counter
	active     prometheus.Gauge
}

func (m *metrics) forApp(a *App) *appMetrics {
	id := strconv.Itoa(a.ID)
	am := &appMetrics{m: m, app: a, ctx: id, name: a.info.Name}
	am.schedDelay = m.schedDelay.WithLabelValues(id, am.name)
	am.procTime = m.procTime.WithLabelValues(id, am.name)
	am.totalDelay = m.totalDelay.WithLabelValues(id, am.name)
	am.recs = m.batchRecords.WithLabelValues(id, am.name)
	am.succeeded = m.batches.WithLabelValues(id, am.name, "succeeded")
	am.failed = m.batches.WithLabelValues(id, am.name, "failed")
	am.active = m.active.WithLabelValues(id, am.name)
	m.interval.WithLabelValues(id, am.name).Set(a.info.BatchInterval.Seconds())
	return am
}

// refreshInfo sets gostream_context_info of every app (states change
// without events: a stop).
func (m *metrics) refreshInfo(apps []*App) {
	m.info.Reset()
	for _, a := range apps {
		m.info.WithLabelValues(strconv.Itoa(a.ID), a.info.Name, a.info.Master, a.State()).Set(1)
	}
}

// drop forgets the metrics of a context the server no longer lists.
func (m *metrics) drop(a *App) {
	l := prometheus.Labels{"context": strconv.Itoa(a.ID)}
	for _, v := range []interface {
		DeletePartialMatch(prometheus.Labels) int
	}{m.interval, m.batches, m.active, m.records, m.inputRate, m.schedDelay, m.procTime, m.totalDelay, m.batchRecords, m.opDuration, m.receiverErrors, m.receiverActive} {
		v.DeletePartialMatch(l)
	}
}

func (am *appMetrics) started(streams []StreamInfo) {
	for _, s := range streams {
		am.m.records.WithLabelValues(am.ctx, am.name, s.Name).Add(0)
		am.m.inputRate.WithLabelValues(am.ctx, am.name, s.Name).Set(0)
		if s.Receiver {
			am.m.receiverErrors.WithLabelValues(am.ctx, am.name, s.Name).Add(0)
		}
	}
	am.succeeded.Add(0)
	am.failed.Add(0)
}

func (am *appMetrics) activeBatches(d float64) { am.active.Add(d) }

func (am *appMetrics) opCompleted(op Op) {
	if !op.End.IsZero() {
		am.m.opDuration.WithLabelValues(am.ctx, am.name, strconv.Itoa(op.ID)+" "+op.Name).Observe(op.End.Sub(op.Start).Seconds())
	}
}

func (am *appMetrics) batchCompleted(b *Batch, names map[int]string, interval time.Duration) {
	am.active.Add(-1)
	if b.Err != "" {
		am.failed.Inc()
	} else {
		am.succeeded.Inc()
	}
	am.schedDelay.Observe(b.SchedulingDelay().Seconds())
	am.procTime.Observe(b.ProcessingTime().Seconds())
	am.totalDelay.Observe(b.TotalDelay().Seconds())
	am.recs.Observe(float64(b.Records))
	for id, n := range b.Inputs {
		name, ok := names[id]
		if !ok {
			continue
		}
		am.m.records.WithLabelValues(am.ctx, am.name, name).Add(float64(n))
		am.m.inputRate.WithLabelValues(am.ctx, am.name, name).Set(float64(n) / interval.Seconds())
	}
}

func (am *appMetrics) receiverActive(stream string, on bool) {
	v := 0.0
	if on {
		v = 1
	}
	am.m.receiverActive.WithLabelValues(am.ctx, am.name, stream).Set(v)
}

func (am *appMetrics) receiverError(stream string) {
	am.m.receiverErrors.WithLabelValues(am.ctx, am.name, stream).Inc()
}

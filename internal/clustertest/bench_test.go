package clustertest

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gostream/gostream/engine"
	"github.com/gostream/gostream/internal/kafkatest"
)

// BenchmarkClusterWordCount runs the job on the same input (benchLines
// lines on six partitions) alone with local[2] and as 1, 2 and 3 member
// processes of one job, in the same run, and reports each one's lines/s
// and its ratio to local[2]'s. The members are started and share the
// partitions before the input is produced; a run's time is from the start
// of producing to the moment every word's count in the output topic, read
// with read_committed, has reached the truth. That includes the one batch
// interval each shuffle in a cluster adds (one here, UpdateStateByKey's), which the input's
// size makes a small part.
// It also reports the processing time of a cluster batch with no input (the
// markers, the transaction and the group's bookkeeping alone) as a ratio of
// a batch's processing time with input, and of the batch interval.
func BenchmarkClusterWordCount(b *testing.B) {
	lines := benchLines
	if testing.Short() {
		lines /= 10
	}
	gostream, job := binaries(b)
	c := kafkatest.StartCluster(b, gostream, "kafka", "-port", "0", "-brokers", "3", "-partitions", "6")
	input := make([]string, lines)
	truth := map[string]int{}
	for i := range input {
		input[i] = engine.RateLine(int64(i))
		for _, w := range strings.Fields(input[i]) {
			truth[w]++
		}
	}
	runs := []int{0, 1, 2, 3} // 0: local[2]
	took := map[int]time.Duration{}
	var idle, busy []float64
	run := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, n := range runs {
			run++
			d, id, bu := benchRun(b, c, gostream, job, run, n, input, truth)
			took[n] += d
			if n > 0 {
				idle = append(idle, id...)
				busy = append(busy, bu...)
			}
		}
	}
	b.StopTimer()
	rate := func(n int) float64 { return float64(lines*b.N) / took[n].Seconds() }
	b.ReportMetric(rate(0), "local2-lines/s")
	for _, n := range runs[1:] {
		b.ReportMetric(rate(n), fmt.Sprintf("members%d-lines/s", n))
		b.ReportMetric(rate(n)/rate(0), fmt.Sprintf("members%d/local2", n))
	}
	if len(idle) > 0 && len(busy) > 0 {
		b.ReportMetric(median(idle)/median(busy), "idle-batch/busy-batch")
		b.ReportMetric(median(idle)/benchBatch.Seconds(), "idle-batch/interval")
	}
}

const (
	benchLines = 200_000
	benchBatch = 250 * time.Millisecond
)

// benchRun runs the job with members processes (0: one local[2] process) on
// a topic of its own, and returns the time from producing the input to the
// moment the output's counts (read_committed) reach the truth, and the
// processing times (seconds) of the members' batches without and with
// input.
func benchRun(b *testing.B, c *kafkatest.Cluster, gostream, job string, run, members int, input []string, truth map[string]int) (took time.Duration, idle, busy []float64) {
	b.Helper()
	in, out := fmt.Sprintf("lines-%d", run), fmt.Sprintf("counts-%d", run)
	c.Produce(b, out, -1, "") // the output topic exists
	app := fmt.Sprintf("bench-%d", run)
	argv := []string{job, "-brokers", c.Bootstrap, "-in", in, "-out", out, "-batch", benchBatch.String()}
	if members == 0 {
		argv = append(argv, "-master", "local[2]", "-group", app)
	} else {
		argv = append(argv, "-master", "kafka://"+c.Bootstrap+"/"+app)
	}
	// The input topic exists, with its six partitions, before the members start.
	c.Produce(b, in, 0, "")
	var ms []*member
	for k := 0; k < max(members, 1); k++ {
		ms = append(ms, startMember(b, strconv.Itoa(k), argv...))
	}
	for _, m := range ms {
		m.waitLine(b, time.Minute, "started")
	}
	if members > 0 {
		waitOwners(b, time.Minute, 6, time.Time{}, "the members to share the partitions", ms...)
	}
	w := watchOutput(b, c, out)
	start := time.Now()
	produce(b, c, in, input)
	for !w.reached(truth) {
		if time.Since(start) > 5*time.Minute {
			b.Fatalf("%d members: the counts did not reach the truth in 5 minutes", members)
		}
		time.Sleep(5 * time.Millisecond)
	}
	done := time.Now()
	took = done.Sub(start)
	w.close()
	// Batches after the input's last are idle: wait for a few.
	for _, m := range ms {
		kafkatest.Poll(b, time.Minute, "idle batches", func() bool { return len(m.batches(done, false)) >= 3 })
	}
	for _, m := range ms {
		if err := m.stop(b, time.Minute); err != nil {
			b.Fatalf("member %s after SIGTERM: %v; stderr:\n%s", m.name, err, m.stderrText())
		}
		idle = append(idle, m.batches(done, false)...)
		busy = append(busy, m.batches(start, true)...)
	}
	_, last := output(b, c, out)
	for w, n := range truth {
		if last[w] != n {
			b.Fatalf("%d members: word %s counted %d, want %d", members, w, last[w], n)
		}
	}
	return took, idle, busy
}

// produce writes lines to topic round-robin over its partitions.
func produce(b *testing.B, c *kafkatest.Cluster, topic string, lines []string) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(c.Bootstrap, ",")...), kgo.RecordPartitioner(kgo.RoundRobinPartitioner()))
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Close()
	recs := make([]*kgo.Record, len(lines))
	for i, l := range lines {
		recs[i] = &kgo.Record{Topic: topic, Value: []byte(l)}
	}
	if err := cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		b.Fatal(err)
	}
}

// batches returns the processing times (seconds) of the batches completed
// at or after since, with input (withInput) or without.
func (m *member) batches(since time.Time, withInput bool) []float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []float64
	for _, l := range m.lines {
		f := strings.Fields(l.text)
		if l.at.Before(since) || len(f) < 6 || f[0] != "batch" {
			continue
		}
		n, _ := strconv.Atoi(f[3])
		s, _ := strconv.ParseFloat(f[5], 64)
		if (n > 0) == withInput {
			out = append(out, s)
		}
	}
	return out
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

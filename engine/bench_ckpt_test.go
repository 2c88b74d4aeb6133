package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkStateCheckpoint measures what checkpointing a large state costs
// per batch: an UpdateStateByKey word count whose state starts with 100,000
// keys and is checkpointed every batch, fed by RateStream (1,000 lines a
// batch, so a batch touches a few hundred of the keys). It reports the
// state-file bytes written per batch and the batch time.
func BenchmarkStateCheckpoint(b *testing.B) {
	const keys = 100_000
	initial := make([]any, keys)
	for i := range initial {
		initial[i] = KV(fmt.Sprintf("key-%06d", i), i)
	}
	dir := b.TempDir()
	ssc := NewStreamingContext("local[2]", "state-ckpt", Seconds(1), WithManualClock(), WithBatchLog(nil))
	ssc.Checkpoint(dir)
	counts := ssc.RateStream(1000).FlatMap(strings.Fields).Map(WithOne).
		UpdateStateByKey(func(vs []int, s *int) *int {
			n := 0
			if s != nil {
				n = *s
			}
			for _, v := range vs {
				n += v
			}
			return &n
		}, InitialState(ssc.Parallelize(initial)))
	counts.Checkpoint(Seconds(1))
	counts.ForeachRDD(func(*RDD) {})
	if err := ssc.Start(); err != nil {
		b.Fatal(err)
	}
	defer ssc.Stop(false)
	seen := map[string]bool{}
	written := func() int64 {
		var n int64
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if !strings.HasPrefix(e.Name(), ckptStatePre) || seen[e.Name()] {
				continue
			}
			seen[e.Name()] = true
			if fi, err := os.Stat(filepath.Join(dir, e.Name())); err == nil {
				n += fi.Size()
			}
		}
		return n
	}
	if err := ssc.Advance(Seconds(1)); err != nil { // the first batch writes the whole state
		b.Fatal(err)
	}
	written()
	var bytes int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := ssc.Advance(Seconds(1)); err != nil {
			b.Fatal(err)
		}
		bytes += written()
	}
	b.StopTimer()
	b.ReportMetric(float64(bytes)/float64(b.N), "state-bytes/batch")
}

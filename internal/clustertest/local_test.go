package clustertest

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/gostream/gostream/internal/kafkatest"
)

// TestLocalWordCount runs the same program alone, with local[2], as the
// baseline the cluster is compared with: its counts equal the truth and
// SIGTERM stops it with exit status 0.
func TestLocalWordCount(t *testing.T) {
	gostream, job := binaries(t)
	c := kafkatest.StartCluster(t, gostream, "kafka", "-port", "0", "-partitions", "6", "-topics", "lines,counts")
	in := newInput()
	w := watchOutput(t, c, "counts")
	m := startMember(t, "local", job, "-master", "local[2]", "-brokers", c.Bootstrap, "-batch", "200ms", "-output", "changed")
	m.waitLine(t, time.Minute, "started")
	for round := 0; round < 3; round++ {
		c.Produce(t, "lines", -1, in.round(50)...)
		waitCounts(t, w, in, time.Minute, fmt.Sprintf("round %d", round))
	}
	if err := m.stop(t, time.Minute); err != nil {
		t.Errorf("after SIGTERM: %v, want exit status 0; stderr:\n%s", err, m.stderrText())
	}
	if _, ok := m.find(time.Time{}, "stopped", nil); !ok {
		t.Errorf("no stopped line after SIGTERM")
	}
	seqs, last := output(t, c, "counts")
	checkRising(t, seqs, in.want())
	if !reflect.DeepEqual(last, in.want()) {
		t.Errorf("final counts %v, want %v", last, in.want())
	}
}

package clustertest

import (
	"fmt"
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
	m := startMember(t, "local", job, "-master", "local[2]", "-brokers", c.Bootstrap, "-batch", "200ms")
	m.waitLine(t, time.Minute, "started")
	for round := 0; round < 3; round++ {
		c.Produce(t, "lines", -1, in.round(50)...)
		waitCounts(t, c, in, time.Minute, fmt.Sprintf("round %d", round))
	}
	if err := m.stop(t, time.Minute); err != nil {
		t.Errorf("after SIGTERM: %v, want exit status 0; stderr:\n%s", err, m.stderrText())
	}
	if _, ok := m.find(time.Time{}, "stopped", nil); !ok {
		t.Errorf("no stopped line after SIGTERM")
	}
	seqs, _ := output(t, c, "counts")
	for w, s := range seqs {
		for i := 1; i < len(s); i++ {
			if s[i] <= s[i-1] {
				t.Errorf("word %s: counts %v do not rise", w, s)
				break
			}
		}
	}
}

package clustertest

import (
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gostream/gostream/internal/kafkatest"
)

// TestClusterWordCount runs the word count as three member processes of one
// job on `gostream kafka` with three brokers and a six-partition input that
// kcat keeps producing to. One member is killed with SIGKILL while it
// processes input and a replacement started later; another is stopped with
// SIGTERM and must leave the group at once and exit with status 0. The job
// writes the new counts of a batch's words, through a Join of the batch's
// words with the running counts (three shuffles a batch). The counts read
// back with read_committed must equal the truth, and each word's counts
// must rise (a repeat is a batch output twice, a drop is state lost) and
// never pass the truth (input counted twice). The same job also counts
// with MapWithState and an incremental window, whose final counts must
// equal the truth as well.
func TestClusterWordCount(t *testing.T) {
	gostream, job := binaries(t)
	c := kafkatest.StartCluster(t, gostream, "kafka", "-port", "0", "-brokers", "3", "-partitions", "6", "-topics", "lines,counts,mapped,windowed")
	const session = 6 * time.Second
	master := "kafka://" + c.Bootstrap + "/wc?session=" + session.String()
	argv := []string{job, "-master", master, "-brokers", c.Bootstrap, "-batch", "300ms", "-output", "changed", "-more"}
	in := newInput()
	w := watchOutput(t, c, "counts")
	const phase = 60 * time.Second

	a, b, d := startMember(t, "A", argv...), startMember(t, "B", argv...), startMember(t, "C", argv...)
	for _, m := range []*member{a, b, d} {
		m.waitLine(t, phase, "started")
	}
	owner := waitOwners(t, phase, 6, time.Time{}, "three members to share the six partitions", a, b, d)
	c.Produce(t, "lines", -1, in.round(120)...)
	waitCounts(t, w, in, phase, "three members, first round")
	for _, m := range []*member{a, b, d} {
		if m.processed(time.Time{}) == 0 {
			t.Errorf("member %s (partitions %v) processed no records while three members ran", m.name, partsOf(owner, m))
		}
	}

	// Kill B while it processes a round; input keeps coming.
	roundAt := time.Now()
	c.Produce(t, "lines", -1, in.round(120)...)
	kafkatest.Poll(t, phase, "member B to process the second round", func() bool { return b.processed(roundAt) > 0 })
	lost := partsOf(owner, b)
	b.cmd.Process.Kill()
	<-b.done
	killed := time.Now()
	c.Produce(t, "lines", -1, in.round(120)...)
	resumed := resumedAt(t, phase, 6, killed, lost, "the survivors to take B's partitions", a, d)
	t.Logf("rebalance after SIGKILL (session timeout %v): %.2f s from the kill to resumed processing of partitions %v", session, resumed.Sub(killed).Seconds(), lost)
	waitCounts(t, w, in, phase, "after member B was killed")

	// A replacement takes a share.
	e := startMember(t, "D", argv...)
	e.waitLine(t, phase, "started")
	joined := time.Now()
	owner = waitOwners(t, phase, 6, joined, "the replacement D to get partitions", a, d, e)
	if len(partsOf(owner, e)) == 0 {
		t.Fatalf("the replacement D owns no partitions")
	}
	for round := 0; ; round++ {
		c.Produce(t, "lines", -1, in.round(60)...)
		waitCounts(t, w, in, phase, "after member D joined")
		if e.processed(joined) > 0 {
			break
		}
		if round == 20 {
			t.Fatalf("member D (partitions %v) processed nothing in 20 rounds", partsOf(owner, e))
		}
	}

	// A leaves with SIGTERM while input keeps coming: it finishes its batch,
	// leaves the group at once (its partitions move without waiting for the
	// session timeout) and exits with status 0.
	left := partsOf(owner, a)
	c.Produce(t, "lines", -1, in.round(120)...)
	if err := a.stop(t, phase); err != nil {
		t.Errorf("member A after SIGTERM: %v, want exit status 0; stderr:\n%s", err, a.stderrText())
	}
	exited := time.Now()
	if _, ok := a.find(time.Time{}, "stopped", nil); !ok {
		t.Errorf("member A did not print stopped")
	}
	c.Produce(t, "lines", -1, in.round(120)...)
	moved := waitOwners(t, phase, 6, exited, "the others to take A's partitions", d, e)
	var handover time.Duration
	for _, p := range left {
		_, at, _ := moved[p].owned()
		handover = max(handover, at.Sub(exited))
	}
	t.Logf("handover after SIGTERM: partitions %v owned by others %.2f s after A exited", left, handover.Seconds())
	if handover >= session-time.Second {
		t.Errorf("A's partitions moved %v after it exited: it did not leave the group (session timeout %v)", handover, session)
	}
	waitCounts(t, w, in, phase, "after member A left")

	for _, m := range []*member{d, e} {
		if err := m.stop(t, phase); err != nil {
			t.Errorf("member %s after SIGTERM: %v, want exit status 0", m.name, err)
		}
	}
	seqs, last := output(t, c, "counts")
	records := checkRising(t, seqs, in.want())
	if want := in.want(); !reflect.DeepEqual(last, want) {
		t.Errorf("final counts %v, want %v", last, want)
	}
	t.Logf("%d lines in, %d count records out", in.lines, records)
	// The counts kept by MapWithState (a record per word) and by the
	// incremental window (every word, every batch) reach the truth too:
	// their state moved with the partitions.
	seqs, last = output(t, c, "mapped")
	checkRising(t, seqs, in.want())
	if want := in.want(); !reflect.DeepEqual(last, want) {
		t.Errorf("final counts of MapWithState %v, want %v", last, want)
	}
	if _, last = output(t, c, "windowed"); !reflect.DeepEqual(last, in.want()) {
		t.Errorf("final counts of the window %v, want %v", last, in.want())
	}
	checkTopics(t, c, "wc")
}

// checkTopics checks the topics the job app made: its meta topic, a
// changelog of its UpdateStateByKey and repartition topics whose consumed
// records were deleted (every partition holds nothing or starts after
// offset 0).
func checkTopics(t *testing.T, c *kafkatest.Cluster, app string) {
	t.Helper()
	var meta struct {
		Topics []struct {
			Topic string `json:"topic"`
		} `json:"topics"`
	}
	if err := json.Unmarshal([]byte(c.Kcat(t, "", "-L", "-J")), &meta); err != nil {
		t.Fatalf("kcat -L -J: %v", err)
	}
	var names, repartition []string
	changelog := false
	for _, tp := range meta.Topics {
		names = append(names, tp.Topic)
		switch {
		case strings.HasPrefix(tp.Topic, app+"-") && strings.HasSuffix(tp.Topic, "-repartition"):
			repartition = append(repartition, tp.Topic)
		case strings.HasPrefix(tp.Topic, app+"-UpdateStateByKey-") && strings.HasSuffix(tp.Topic, "-changelog"):
			changelog = true
		}
	}
	sort.Strings(names)
	if !changelog || len(repartition) == 0 || !slices.Contains(names, app+"-meta") {
		t.Errorf("topics %v: want %s-meta, %s-UpdateStateByKey-N-changelog and %s-...-repartition topics", names, app, app, app)
	}
	for _, topic := range repartition {
		first := map[int32]int64{}
		for _, m := range c.Consume(t, topic) {
			if _, ok := first[m.Partition]; !ok {
				first[m.Partition] = m.Offset
			}
		}
		for p, o := range first {
			if o == 0 {
				t.Errorf("repartition topic %s partition %d still holds its first record: consumed records are not deleted", topic, p)
			}
		}
	}
}

package kernel

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gostream/gostream/internal/kafkatest"
)

const clusterNotebook = "cluster-member.ipynb"

// TestClusterNotebook runs notebooks/cluster-member.ipynb as a member of a
// job whose other member is a process: a word count on a topic of two
// partitions, started first and alone. The notebook must get one of the two
// partitions and say so, restore its words' counts from the job's changelog
// (its Print shows counts equal to the input's), and when it stops, the
// process must take its partition back and count what comes after, nothing
// lost or counted twice.
func TestClusterNotebook(t *testing.T) {
	requireJupyter(t)
	env := jupyterEnv(t)
	gostream := gostreamBinary(t)
	job := filepath.Join(t.TempDir(), "clusterjob")
	if out, err := exec.Command("go", "build", "-o", job, "github.com/gostream/gostream/engine/internal/clusterjob").CombinedOutput(); err != nil {
		t.Fatalf("go build clusterjob: %v\n%s", err, out)
	}
	kc := kafkatest.StartCluster(t, gostream, "kafka", "-port", "0", "-topics", "cluster-lines,cluster-counts", "-partitions", "2")
	env = append(env, "KAFKA_BROKERS="+kc.Bootstrap)
	counts := kc.Follow(t, "cluster-counts")

	truth := map[string]int{}
	round := func(n int) {
		var lines []string
		for i := range n {
			l := fmt.Sprintf("w%d w%d common", i%7, (i+3)%11)
			for _, w := range strings.Fields(l) {
				truth[w]++
			}
			lines = append(lines, l)
		}
		kc.Produce(t, "cluster-lines", -1, lines...)
	}
	reached := func(what string) {
		t.Helper()
		want := maps.Clone(truth)
		kafkatest.Poll(t, 90*time.Second, what, func() bool {
			got := lastCounts(t, counts)
			return maps.Equal(got, want)
		})
	}

	logPath := filepath.Join(t.TempDir(), "member.log")
	log, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	stderr := func() string { b, _ := os.ReadFile(logPath); return string(b) }
	member := exec.Command(job, "-master", "kafka://"+kc.Bootstrap+"/wordcount", "-brokers", kc.Bootstrap,
		"-in", "cluster-lines", "-out", "cluster-counts", "-batch", "500ms")
	member.Stdout, member.Stderr = log, log
	if err := member.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	var exit error
	go func() { exit = member.Wait(); close(exited) }()
	t.Cleanup(func() {
		member.Process.Kill()
		<-exited
	})
	round(60)
	reached("the job's process alone to count the first round")

	cells := executeNotebook(t, env, filepath.Join("..", "notebooks", clusterNotebook))
	if len(cells) != 3 {
		t.Fatalf("got %d code cells, want 3", len(cells))
	}
	start := cells[1]
	owns := regexp.MustCompile(`(?m)^cluster wordcount: member \S+ owns partitions \[(\d)\]$`).FindStringSubmatch(start.stdout)
	if owns == nil {
		t.Fatalf("the notebook does not say it owns one of the two partitions:\n%s", start.stdout)
	}
	blocks := printBlocks(start.stdout)
	if len(blocks) == 0 {
		t.Fatalf("the notebook printed no batch:\n%s", start.stdout)
	}
	last := blocks[len(blocks)-1]
	pair := regexp.MustCompile(`^\((\w+),(\d+)\)$`)
	shown := 0
	for _, l := range strings.Split(strings.TrimSuffix(last, "\n"), "\n") {
		if l == "..." {
			continue
		}
		m := pair.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("Print line %q is not a (word,count) pair", l)
			continue
		}
		if n, _ := strconv.Atoi(m[2]); n != truth[m[1]] {
			t.Errorf("the notebook shows %s, want the count %d restored from the job's changelog", l, truth[m[1]])
		}
		shown++
	}
	if shown == 0 || shown == len(truth) {
		t.Errorf("the notebook's last batch shows %d of the %d words: want those of its partition %s only:\n%s", shown, len(truth), owns[1], last)
	}
	if len(cells[2].results) != 1 || cells[2].results[0]["text/plain"] != "STOPPED" {
		t.Errorf("last cell: %+v, want STOPPED", cells[2])
	}

	round(60)
	reached("the job's process to take the notebook's partition back and count the second round")
	member.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
		if exit != nil {
			t.Errorf("the job's process after SIGTERM: %v; stderr:\n%s", exit, stderr())
		}
	case <-time.After(time.Minute):
		t.Errorf("the job's process did not exit within a minute of SIGTERM; stderr:\n%s", stderr())
	}
	seen := map[string]int{}
	eachCount(t, counts, func(w string, n int) {
		if n < seen[w] {
			t.Errorf("the count of %s went back from %d to %d: state lost in a move", w, seen[w], n)
		}
		seen[w] = n
	})
}

// lastCounts is each word's highest count the follower has read.
func lastCounts(t *testing.T, f *kafkatest.Follower) map[string]int {
	got := map[string]int{}
	eachCount(t, f, func(w string, n int) { got[w] = max(got[w], n) })
	return got
}

// eachCount calls fn with each (word, count) record the follower has read,
// in order.
func eachCount(t *testing.T, f *kafkatest.Follower, fn func(word string, n int)) {
	t.Helper()
	msgs, err := f.Messages()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if m.Key == nil || m.Value == nil {
			continue
		}
		n, err := strconv.Atoi(*m.Value)
		if err != nil {
			t.Fatalf("output record %s=%q: not a count", *m.Key, *m.Value)
		}
		fn(*m.Key, n)
	}
}

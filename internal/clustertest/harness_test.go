package clustertest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/gostream/gostream/internal/kafkatest"
)

// binaries builds `gostream` and this job into a directory of the test's
// (the build cache makes every build after the first a link).
func binaries(t testing.TB) (gostream, job string) {
	t.Helper()
	if _, err := exec.LookPath("kcat"); err != nil {
		t.Fatal("the cluster tests need Debian's kcat (test.sh installs it)")
	}
	dir := t.TempDir()
	gostream, job = filepath.Join(dir, "gostream"), filepath.Join(dir, "clusterjob")
	for bin, pkg := range map[string]string{gostream: "github.com/gostream/gostream/cmd/gostream", job: "github.com/gostream/gostream/engine/internal/clusterjob"} {
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	return gostream, job
}

// member is one process of the job.
type member struct {
	name  string
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []line // standard output
	errs  []line // standard error
	done  chan struct{}
	err   error // the exit, once done is closed
}

// line is a line of a member's standard output and when it was read.
type line struct {
	at   time.Time
	text string
}

func startMember(t testing.TB, name string, argv ...string) *member {
	t.Helper()
	m := &member{name: name, cmd: exec.Command(argv[0], argv[1:]...), done: make(chan struct{})}
	out, err := m.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	errOut, err := m.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := m.cmd.Start(); err != nil {
		t.Fatalf("starting member %s: %v", name, err)
	}
	t.Cleanup(func() {
		m.cmd.Process.Kill()
		<-m.done
		if t.Failed() {
			t.Logf("member %s, exit %v; stderr:\n%s", name, m.err, m.stderrText())
		}
	})
	var read sync.WaitGroup
	read.Add(2)
	scan := func(r io.Reader, to *[]line) {
		defer read.Done()
		s := bufio.NewScanner(r)
		s.Buffer(nil, 1<<20)
		for s.Scan() {
			m.mu.Lock()
			*to = append(*to, line{time.Now(), s.Text()})
			m.mu.Unlock()
		}
	}
	go scan(out, &m.lines)
	go scan(errOut, &m.errs)
	go func() {
		read.Wait()
		m.err = m.cmd.Wait()
		close(m.done)
	}()
	return m
}

// stderrText is the member's standard error for a failure's message: the
// batch log's "Total delay" lines only for the last ten batches.
func (m *member) stderrText() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	delays := 0
	for _, l := range m.errs {
		if strings.HasPrefix(l.text, "Total delay") {
			delays++
		}
	}
	var b strings.Builder
	for _, l := range m.errs {
		if strings.HasPrefix(l.text, "Total delay") {
			if delays--; delays >= 10 {
				continue
			}
		}
		b.WriteString(l.at.Format("15:04:05.000 ") + l.text + "\n")
	}
	return b.String()
}

// find returns the first line of standard output read at or after since
// that starts with prefix and satisfies ok (nil: any).
func (m *member) find(since time.Time, prefix string, ok func(string) bool) (line, bool) {
	return m.search(&m.lines, since, prefix, ok)
}

// findErr is find on standard error.
func (m *member) findErr(since time.Time, prefix string, ok func(string) bool) (line, bool) {
	return m.search(&m.errs, since, prefix, ok)
}

func (m *member) search(ls *[]line, since time.Time, prefix string, ok func(string) bool) (line, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, l := range *ls {
		if !l.at.Before(since) && strings.HasPrefix(l.text, prefix) && (ok == nil || ok(l.text)) {
			return l, true
		}
	}
	return line{}, false
}

// waitLine waits for a line starting with prefix, failing the test if the
// member exits first or none comes within limit.
func (m *member) waitLine(t testing.TB, limit time.Duration, prefix string) line {
	t.Helper()
	var l line
	kafkatest.Poll(t, limit, fmt.Sprintf("member %s to print %q", m.name, prefix), func() bool {
		var ok bool
		l, ok = m.find(time.Time{}, prefix, nil)
		if !ok {
			select {
			case <-m.done:
				t.Fatalf("member %s exited (%v) before printing %q; stderr:\n%s", m.name, m.err, prefix, m.stderrText())
			default:
			}
		}
		return ok
	})
	return l
}

// records is a batch line's input record count (-1 for other lines).
func records(text string) int {
	f := strings.Fields(text)
	if len(f) < 4 || f[0] != "batch" || f[2] != "records" {
		return -1
	}
	n, _ := strconv.Atoi(f[3])
	return n
}

// processed returns the input records of the batches the member completed
// at or after since.
func (m *member) processed(since time.Time) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, l := range m.lines {
		if !l.at.Before(since) {
			n += max(records(l.text), 0)
		}
	}
	return n
}

// stop sends SIGTERM and waits (bounded) for the exit.
func (m *member) stop(t testing.TB, limit time.Duration) error {
	t.Helper()
	m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-m.done:
		return m.err
	case <-time.After(limit):
		t.Fatalf("member %s did not exit within %v of SIGTERM; stderr:\n%s", m.name, limit, m.stderrText())
		return nil
	}
}

// input is the word count's input, made round by round, and the truth.
type input struct {
	vocab []string
	truth map[string]int
	lines int
}

func newInput() *input {
	return &input{vocab: strings.Fields("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa"), truth: map[string]int{}}
}

// round returns n more lines, each a unique key and five words, tab
// separated as kafkatest.Produce takes them (the key spreads the lines over
// the partitions), and counts their words into the truth.
func (in *input) round(n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		k := in.lines
		in.lines++
		var ws []string
		for w := 0; w < 5; w++ {
			word := in.vocab[(k*7+w*w*3+k/5)%len(in.vocab)]
			ws = append(ws, word)
			in.truth[word]++
		}
		out = append(out, fmt.Sprintf("line-%d\t%s", k, strings.Join(ws, " ")))
	}
	return out
}

func (in *input) want() map[string]int {
	w := map[string]int{}
	for k, v := range in.truth {
		w[k] = v
	}
	return w
}

// output reads the counts topic with read_committed: each word's counts in
// the order of their partition's offsets, and the last one.
func output(t testing.TB, c *kafkatest.Cluster, topic string) (seqs map[string][]int, last map[string]int) {
	t.Helper()
	msgs := c.Consume(t, topic)
	sort.SliceStable(msgs, func(i, j int) bool {
		if msgs[i].Partition != msgs[j].Partition {
			return msgs[i].Partition < msgs[j].Partition
		}
		return msgs[i].Offset < msgs[j].Offset
	})
	seqs, last = map[string][]int{}, map[string]int{}
	for _, m := range msgs {
		if m.Key == nil || *m.Key == "" || m.Value == nil {
			continue
		}
		n, err := strconv.Atoi(*m.Value)
		if err != nil {
			t.Fatalf("output record %s=%q at %d/%d: not a count", *m.Key, *m.Value, m.Partition, m.Offset)
		}
		seqs[*m.Key] = append(seqs[*m.Key], n)
		last[*m.Key] = max(last[*m.Key], n)
	}
	return seqs, last
}

// watch follows an output topic as it is written, with a read_committed
// consumer: `kcat -e` in read_committed mode does not exit while a job
// commits a transaction to the topic every batch, so the tests read the
// final counts with kcat once the members have stopped.
type watch struct {
	mu    sync.Mutex
	last  map[string]int // each word's highest count so far
	close func()         // stops the consumer (also done when the test ends)
}

func watchOutput(t testing.TB, c *kafkatest.Cluster, topic string) *watch {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(c.Bootstrap, ",")...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var once sync.Once
	w := &watch{last: map[string]int{}, close: func() { once.Do(func() { cl.Close(); <-done }) }}
	t.Cleanup(w.close)
	go func() {
		defer close(done)
		for {
			fs := cl.PollFetches(context.Background())
			if fs.IsClientClosed() {
				return
			}
			w.mu.Lock()
			fs.EachRecord(func(r *kgo.Record) {
				if n, err := strconv.Atoi(string(r.Value)); err == nil && len(r.Key) > 0 {
					w.last[string(r.Key)] = max(w.last[string(r.Key)], n)
				}
			})
			w.mu.Unlock()
		}
	}()
	return w
}

// reached says whether every word's count has reached truth's.
func (w *watch) reached(truth map[string]int) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for k, n := range truth {
		if w.last[k] < n {
			return false
		}
	}
	return true
}

// waitCounts waits (bounded) until the output's counts equal the input's
// truth so far.
func waitCounts(t testing.TB, w *watch, in *input, limit time.Duration, what string) {
	t.Helper()
	want := in.want()
	deadline := time.Now().Add(limit)
	for {
		w.mu.Lock()
		same := reflect.DeepEqual(w.last, want)
		last := fmt.Sprint(w.last)
		w.mu.Unlock()
		if same {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: after %v the output's counts are\n%s\nwant\n%v", what, limit, last, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// owned returns the partitions of the member's last "owns partitions" line
// and when it was printed (ok false: none yet).
func (m *member) owned() (parts []int, at time.Time, ok bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := len(m.errs) - 1; i >= 0; i-- {
		l := m.errs[i]
		j := strings.Index(l.text, " owns partitions [")
		if !strings.HasPrefix(l.text, "cluster ") || j < 0 {
			continue
		}
		for _, f := range strings.Fields(strings.Trim(l.text[j+len(" owns partitions "):], "[]")) {
			n, err := strconv.Atoi(f)
			if err != nil {
				return nil, l.at, false
			}
			parts = append(parts, n)
		}
		return parts, l.at, true
	}
	return nil, time.Time{}, false
}

// waitOwners waits until the members' assignments, each printed at or
// after since, are disjoint and cover the input's n partitions, and returns
// which member owns each partition.
func waitOwners(t testing.TB, limit time.Duration, n int, since time.Time, what string, ms ...*member) map[int]*member {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		owner := map[int]*member{}
		var state []string
		ready := true
		for _, m := range ms {
			parts, at, ok := m.owned()
			switch {
			case !ok:
				state = append(state, m.name+" owns nothing yet")
				ready = false
			case at.Before(since):
				state = append(state, fmt.Sprintf("%s owns %v since before", m.name, parts))
				ready = false
			default:
				state = append(state, fmt.Sprintf("%s owns %v", m.name, parts))
			}
			for _, p := range parts {
				if owner[p] != nil {
					ready = false
				}
				owner[p] = m
			}
		}
		// Every member has a share once the group has settled (a member
		// that joins may see an assignment of everything to another first).
		for _, m := range ms {
			if parts, _, _ := m.owned(); len(parts) == 0 && len(ms) <= n {
				ready = false
			}
		}
		if ready && len(owner) == n {
			return owner
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s: %s", limit, what, strings.Join(state, "; "))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// partsOf lists the partitions owner gives m.
func partsOf(owner map[int]*member, m *member) []int {
	var ps []int
	for p, o := range owner {
		if o == m {
			ps = append(ps, p)
		}
	}
	sort.Ints(ps)
	return ps
}

// resumedAt waits until every partition of lost has a new owner among ms
// that has printed its assignment after since and completed a batch with
// input after that, and returns the moment the last of them did.
func resumedAt(t testing.TB, limit time.Duration, n int, since time.Time, lost []int, what string, ms ...*member) time.Time {
	t.Helper()
	owner := waitOwners(t, limit, n, since, what, ms...)
	var resumed time.Time
	for _, p := range lost {
		m := owner[p]
		_, at, _ := m.owned()
		var l line
		kafkatest.Poll(t, limit, "member "+m.name+" to complete a batch with input after taking partition "+strconv.Itoa(p), func() bool {
			var ok bool
			l, ok = m.find(at, "batch ", func(s string) bool { return records(s) > 0 })
			return ok
		})
		if l.at.After(resumed) {
			resumed = l.at
		}
	}
	return resumed
}

// checkRising checks each word's counts in the output's order, written
// only for the words of a batch (clusterjob -output changed): they rise
// (a count repeated is a batch's records output twice, a count lower one
// lost or state not restored) and never pass the truth (input counted
// twice). It returns the number of count records.
func checkRising(t testing.TB, seqs map[string][]int, truth map[string]int) int {
	t.Helper()
	records := 0
	for w, s := range seqs {
		records += len(s)
		for i, n := range s {
			if n > truth[w] {
				t.Errorf("word %s: count %d is more than the input holds (%d): input counted twice (counts %v)", w, n, truth[w], s)
				break
			}
			if i > 0 && n < s[i-1] {
				t.Errorf("word %s: count went back from %d to %d (counts %v)", w, s[i-1], n, s)
				break
			}
			if i > 0 && n == s[i-1] {
				t.Errorf("word %s: count %d written again though only words of a batch are written: a batch's records were output twice (counts %v)", w, n, s)
				break
			}
		}
	}
	return records
}

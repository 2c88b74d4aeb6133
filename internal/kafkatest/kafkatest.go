// Package kafkatest is what the Kafka tests share: a development cluster
// run as a separate process, and Debian's kcat, a Kafka client that shares
// no code with gostream's, producing input and reading output.
package kafkatest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// Cluster is a development cluster running in its own process.
type Cluster struct {
	Bootstrap string
	cmd       *exec.Cmd
	stderr    bytes.Buffer
}

// StartCluster runs argv (a program whose first line of output is the
// bootstrap address, as `gostream kafka` prints it) and stops it when the
// test ends.
func StartCluster(t testing.TB, argv ...string) *Cluster {
	t.Helper()
	c := &Cluster{cmd: exec.Command(argv[0], argv[1:]...)}
	c.cmd.Stderr = &syncWriter{w: &c.stderr}
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("starting the cluster %v: %v", argv, err)
	}
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		c.cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		r := bufio.NewReader(out)
		s, _ := r.ReadString('\n')
		line <- strings.TrimSpace(s)
		io.Copy(io.Discard, r)
	}()
	select {
	case s := <-line:
		if s == "" {
			t.Fatalf("the cluster %v printed no bootstrap address; stderr:\n%s", argv, c.stderr.String())
		}
		c.Bootstrap = s
	case <-time.After(2 * time.Minute):
		t.Fatalf("the cluster %v printed no bootstrap address in 2 minutes", argv)
	}
	return c
}

// Stop interrupts the cluster and waits for it to exit.
func (c *Cluster) Stop() error {
	c.cmd.Process.Signal(interrupt)
	return c.cmd.Wait()
}

// Kcat runs kcat against the cluster with args, stdin as its input, and
// returns its standard output.
func (c *Cluster) Kcat(t testing.TB, stdin string, args ...string) string {
	t.Helper()
	out, err := c.KcatErr(stdin, args...)
	if err != nil {
		t.Fatalf("kcat %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// KcatErr is Kcat returning its failure (with kcat's standard error).
func (c *Cluster) KcatErr(stdin string, args ...string) (string, error) {
	cmd := exec.Command("kcat", append([]string{"-b", c.Bootstrap}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		return "", err
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return stdout.String(), fmt.Errorf("%v: %s", err, stderr.String())
		}
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		<-done
		return stdout.String(), fmt.Errorf("no exit in 2 minutes: %s", stderr.String())
	}
	return stdout.String(), nil
}

// Produce writes one record per line to topic with kcat; a line
// "key\tvalue" has a key. partition ≥ 0 picks the partition.
func (c *Cluster) Produce(t testing.TB, topic string, partition int, lines ...string) {
	t.Helper()
	args := []string{"-P", "-t", topic, "-K", "\t", "-X", "enable.idempotence=true"}
	if partition >= 0 {
		args = append(args, "-p", fmt.Sprint(partition))
	}
	var in strings.Builder
	for _, l := range lines {
		if !strings.Contains(l, "\t") {
			l = "\t" + l
		}
		in.WriteString(l + "\n")
	}
	c.Kcat(t, in.String(), args...)
}

// Message is a record kcat read.
type Message struct {
	Partition int32   `json:"partition"`
	Offset    int64   `json:"offset"`
	Key       *string `json:"key"`
	Value     *string `json:"payload"`
}

// Consume reads every committed record of topic with kcat in
// read_committed mode, up to the end of each partition.
func (c *Cluster) Consume(t testing.TB, topic string) []Message {
	t.Helper()
	out := c.Kcat(t, "", "-C", "-t", topic, "-e", "-q", "-J", "-X", "isolation.level=read_committed")
	var msgs []Message
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var m Message
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("kcat printed %q: %v", l, err)
		}
		msgs = append(msgs, m)
	}
	return msgs
}

// Poll calls f until it returns true, failing the test after limit.
func Poll(t testing.TB, limit time.Duration, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", limit, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Follower reads a topic with kcat in read_committed mode as it is written,
// from its start, until the test ends: what Consume cannot do while a job
// keeps a transaction open (kcat's end of a partition waits for it).
type Follower struct {
	mu   sync.Mutex
	msgs []Message
	err  error
}

// Follow starts a Follower of topic.
func (c *Cluster) Follow(t testing.TB, topic string) *Follower {
	t.Helper()
	cmd := exec.Command("kcat", "-b", c.Bootstrap, "-C", "-t", topic, "-o", "beginning", "-q", "-J", "-X", "isolation.level=read_committed")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("kcat -C -t %s: %v", topic, err)
	}
	f := &Follower{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for sc.Scan() {
			var m Message
			err := json.Unmarshal(sc.Bytes(), &m)
			f.mu.Lock()
			if err != nil && f.err == nil {
				f.err = fmt.Errorf("kcat printed %q: %v", sc.Text(), err)
			}
			f.msgs = append(f.msgs, m)
			f.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-done
		cmd.Wait()
	})
	return f
}

// Messages returns the records read so far, in the order kcat printed
// them, and the first line it could not read.
func (f *Follower) Messages() ([]Message, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.msgs), f.err
}

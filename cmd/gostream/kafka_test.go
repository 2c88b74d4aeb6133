package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gostream/gostream/internal/kafkatest"
)

// TestKafkaCluster runs `gostream kafka` with three brokers and checks,
// with kcat, that it serves them all and keeps what is produced to it.
func TestKafkaCluster(t *testing.T) {
	c := kafkatest.StartCluster(t, binary, "kafka", "-port", "0", "-brokers", "3")
	addrs := strings.Split(c.Bootstrap, ",")
	if len(addrs) != 3 {
		t.Fatalf("bootstrap %q: want 3 brokers", c.Bootstrap)
	}
	for _, a := range addrs {
		if !strings.HasPrefix(a, "127.0.0.1:") {
			t.Errorf("broker %q is not on 127.0.0.1", a)
		}
	}
	meta := c.Kcat(t, "", "-L")
	if !strings.Contains(meta, " 3 brokers:") {
		t.Errorf("kcat -L shows:\n%s\nwant 3 brokers", meta)
	}
	c.Produce(t, "in", -1, "k1\tone", "two")
	msgs := c.Consume(t, "in")
	var got []string
	for _, m := range msgs {
		k := "<nil>"
		if m.Key != nil {
			k = *m.Key
		}
		got = append(got, k+"="+*m.Value)
	}
	if strings.Join(got, " ") != "k1=one =two" {
		t.Errorf("read back %q, want [k1=one =two]", got)
	}
	if err := c.Stop(); err != nil {
		t.Errorf("after Ctrl-C: %v, want exit status 0", err)
	}
}

func TestKafkaBadFlags(t *testing.T) {
	out, code := runProgram(t, binary, "kafka", "-brokers", "0")
	if code != 1 || !strings.Contains(out, "gostream kafka: want at least 1 broker, got 0") {
		t.Errorf("gostream kafka -brokers 0: exit %d, output %q", code, out)
	}
}

// TestKafkaWordCountExample runs examples/kafkawordcount, compiled, against
// `gostream kafka`, with kcat producing its input and reading its counts in
// read_committed mode.
func TestKafkaWordCountExample(t *testing.T) {
	c := kafkatest.StartCluster(t, binary, "kafka", "-port", "0", "-partitions", "2")
	c.Produce(t, "lines", 0, "to be or")
	c.Produce(t, "lines", 1, "not to be")
	bin := buildExample(t, "kafkawordcount")
	out, code := runProgram(t, bin, "-brokers", c.Bootstrap, "-batches", "3")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	got := map[string]string{}
	for _, m := range c.Consume(t, "counts") {
		got[*m.Key] = *m.Value
	}
	if want := map[string]string{"to": "2", "be": "2", "or": "1", "not": "1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("counts read back: %v, want %v\noutput:\n%s", got, want, out)
	}
	if !strings.Contains(out, "(to,2)") || !strings.Contains(out, "(be,2)") {
		t.Errorf("Print output lacks the counts:\n%s", out)
	}
}

package main

import (
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

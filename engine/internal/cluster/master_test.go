package cluster

import (
	"strings"
	"testing"
	"time"
)

func TestParseMaster(t *testing.T) {
	m, err := ParseMaster("kafka://a:1,b:2/job-1?local=3&session=2s&txn=30s")
	if err != nil {
		t.Fatal(err)
	}
	if m.App != "job-1" || strings.Join(m.Brokers, ",") != "a:1,b:2" || m.Workers != 3 || m.Session != 2*time.Second || m.Txn != 30*time.Second {
		t.Fatalf("parsed %+v", m)
	}
	if m.Name() != "kafka://a:1,b:2/job-1" {
		t.Errorf("Name = %q", m.Name())
	}
	d, err := ParseMaster("kafka://h:9092/j")
	if err != nil || d.Workers != 2 || d.Session != 6*time.Second || d.Txn != 10*time.Second {
		t.Fatalf("defaults: %+v, %v", d, err)
	}
	for url, want := range map[string]string{
		"kafka://h:9092":             "the application name APP after the brokers is missing",
		"kafka:///j":                 "no broker address",
		"kafka://h:0/j":              `broker "h:0" is not HOST:PORT`,
		"kafka://h:1/a b":            `the application name "a b"`,
		"kafka://h:1/j?local=0":      "local=0: want a whole number of workers ≥ 1 or *",
		"kafka://h:1/j?session=10ms": "session=10ms: want a duration of at least 1s",
		"kafka://h:1/j?x=1":          "unknown parameter x",
	} {
		_, err := ParseMaster(url)
		if err == nil || !strings.HasPrefix(err.Error(), `master "`+url+`": `) || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseMaster(%q) = %v, want an error naming the URL and saying %q", url, err, want)
		}
	}
	if !SameBrokers([]string{"b:2", "a:1", "a:1"}, []string{"a:1", "b:2"}) || SameBrokers([]string{"a:1"}, []string{"a:2"}) {
		t.Error("SameBrokers")
	}
}

package kafka

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gostream/gostream/engine/internal/rate"
)

func TestStream(t *testing.T) {
	var reports []string
	s := NewStream(SourceConfig{Brokers: []string{"h1:1", "h2:2"}, Group: "g", Topics: []string{"in"}},
		func(msg string, err error) { reports = append(reports, msg+": "+err.Error()) })
	if err := s.RestorePosition([]byte(`{"Offsets":[{"Topic":"in","Partition":0,"FromOffset":4,"UntilOffset":4}]}`)); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// A cluster out of reach: the empty ranges at the positions, the
	// problem reported once until it changes.
	for i := range 2 {
		rs, n := s.Cut(1000, "1000 ms")
		if want := []Range{{"in", 0, 4, 4}}; !reflect.DeepEqual(rs, want) || n != 0 {
			t.Errorf("Cut #%d = %v, %d; want %v, 0", i, rs, n, want)
		}
	}
	if len(reports) != 1 || !strings.Contains(reports[0], "topics in at the brokers h1:1,h2:2: the batch of 1000 ms reads nothing new") {
		t.Errorf("reports = %q; want one about topics in at h1:1,h2:2", reports)
	}
	s.Report("other", errors.New("x"))
	s.Report("other", errors.New("x"))
	if len(reports) != 2 {
		t.Errorf("a changed problem: %d reports; want 2", len(reports))
	}

	// A batch's record, its rebuild and what a transactional sink commits.
	if _, err := s.Record(2000, "2000 ms"); err == nil || err.Error() != "no offset ranges for batch 2000 ms" {
		t.Errorf("Record of an unknown batch: %v", err)
	}
	s.Batches.Put(2000, []Range{{"in", 0, 4, 9}}, nil, 8)
	rec, err := s.Record(2000, "2000 ms")
	if err != nil {
		t.Fatal(err)
	}
	rs, n, err := s.Rebuild(3000, rec, "3000 ms")
	if want := []Range{{"in", 0, 4, 9}}; err != nil || !reflect.DeepEqual(rs, want) || n != 5 || s.Batches.Counted(3000) != 5 {
		t.Errorf("Rebuild = %v, %d, %v (counted %d); want %v, 5", rs, n, err, s.Batches.Counted(3000), want)
	}
	if _, _, err := s.Rebuild(3000, []byte("{"), "3000 ms"); err == nil || !strings.HasPrefix(err.Error(), "the offset ranges of batch 3000 ms: ") {
		t.Errorf("Rebuild of a broken record: %v", err)
	}
	g, rs, err := s.Consumed(2000, "2000 ms")
	if g != "g" || len(rs) != 1 || err != nil {
		t.Errorf("Consumed = %q, %v, %v", g, rs, err)
	}
	if _, _, err := s.Consumed(5000, "5000 ms"); err == nil || err.Error() != "the offset ranges of batch 5000 ms are no longer known" {
		t.Errorf("Consumed of an unknown batch: %v", err)
	}
	if _, _, err := NewStream(SourceConfig{}, nil).Consumed(2000, ""); err == nil || !strings.Contains(err.Error(), "no Kafka.Group") {
		t.Errorf("Consumed without a group: %v", err)
	}
}

func TestStreamBackpressure(t *testing.T) {
	s := NewStream(SourceConfig{}, nil)
	pid, err := rate.NewDefaultPID(1000)
	if err != nil {
		t.Fatal(err)
	}
	s.Backpressure(50, pid)
	if got := s.Batches.Estimate(); got != 50 {
		t.Errorf("estimate before any batch = %v; want the initial 50", got)
	}
	// Batches of 1,000 records processed in 2 s: the rate drops below the
	// 1,000 a second they arrived at.
	for i := int64(1); i <= 3; i++ {
		s.Batches.Count(i*1000, []Range{{"in", 0, 0, 1000}})
		s.Completed(i*1000, i*1000+2000, 2000, 0)
	}
	if got := s.Batches.Estimate(); got == 50 || got >= 1000 {
		t.Errorf("estimate after slow batches = %v; want one set by the estimator, under 1000", got)
	}
}

func TestOptionsConfig(t *testing.T) {
	o := Options{Starting: Starting{Set: true, Earliest: true}, MaxRatePerPartition: 7, ReadUncommitted: true, Transactional: true}
	got := o.Config([]string{"b:1"}, "g", []string{"t"}, 2*time.Second)
	want := SourceConfig{Brokers: []string{"b:1"}, Group: "g", Topics: []string{"t"}, Batch: 2 * time.Second,
		Starting: Starting{Set: true, Earliest: true}, MaxRatePerPartition: 7, ReadUncommitted: true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Config = %+v; want %+v", got, want)
	}
}

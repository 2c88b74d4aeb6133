package kafka

import (
	"reflect"
	"testing"
	"time"
)

func TestLimit(t *testing.T) {
	lagging := func() []Range { return []Range{{"a", 0, 0, 300}, {"a", 1, 10, 110}, {"a", 2, 5, 5}} }
	tests := []struct {
		name    string
		est     float64
		maxRate int64
		want    []int64 // UntilOffset of each range
		inForce float64
	}{
		{"no limit", 0, 0, []int64{300, 110, 5}, 0},
		{"max rate per partition", 0, 40, []int64{80, 90, 5}, 120},
		{"estimate shared by lag", 200, 0, []int64{300, 110, 5}, 200},
		{"estimate under the lag", 40, 0, []int64{60, 30, 5}, 40},
		{"estimate capped by max rate", 400, 20, []int64{40, 50, 5}, 40},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rs := lagging()
			got := limit(rs, tc.est, tc.maxRate, 2*time.Second)
			var until []int64
			for _, r := range rs {
				until = append(until, r.UntilOffset)
			}
			if !reflect.DeepEqual(until, tc.want) || got != tc.inForce {
				t.Errorf("ends %v, rate %v; want %v, %v", until, got, tc.want, tc.inForce)
			}
		})
	}
	// An empty partition under a limit still allows one record.
	rs := []Range{{"a", 0, 7, 9}}
	limit(rs, 0.1, 0, time.Second)
	if rs[0].UntilOffset != 8 {
		t.Errorf("a tiny rate cut [7, 9) to [7, %d); want one record, [7, 8)", rs[0].UntilOffset)
	}
}

// The checkpoint's JSON of ranges and positions is what older checkpoints
// hold: engine.OffsetRange's field names.
func TestCheckpointJSON(t *testing.T) {
	b, err := EncodeRanges([]Range{{"in", 2, 5, 9}})
	if err != nil {
		t.Fatal(err)
	}
	const want = `[{"Topic":"in","Partition":2,"FromOffset":5,"UntilOffset":9}]`
	if string(b) != want {
		t.Errorf("EncodeRanges = %s; want %s", b, want)
	}
	rs, err := DecodeRanges(b)
	if err != nil || !reflect.DeepEqual(rs, []Range{{"in", 2, 5, 9}}) {
		t.Errorf("DecodeRanges = %v, %v", rs, err)
	}
	if _, err := DecodeRanges([]byte("{")); err == nil {
		t.Error("DecodeRanges of broken JSON: no error")
	}

	s := NewSource(SourceConfig{Topics: []string{"b", "a"}})
	if err := s.RestorePosition([]byte(`{"Offsets":[{"Topic":"b","Partition":1,"FromOffset":4,"UntilOffset":4},{"Topic":"a","Partition":0,"FromOffset":7,"UntilOffset":7}]}`)); err != nil {
		t.Fatal(err)
	}
	pos, err := s.Position()
	if err != nil {
		t.Fatal(err)
	}
	const wantPos = `{"Offsets":[{"Topic":"a","Partition":0,"FromOffset":7,"UntilOffset":7},{"Topic":"b","Partition":1,"FromOffset":4,"UntilOffset":4}]}`
	if string(pos) != wantPos {
		t.Errorf("Position = %s; want %s", pos, wantPos)
	}
	// Without a cluster, a batch is the restored positions, empty, in the
	// stream's order of topics.
	s.Close()
	rs, err = s.Next(0)
	if err == nil || err.Error() != "the stream is stopped" {
		t.Errorf("Next after Close: error %v; want the stream is stopped", err)
	}
	if want := []Range{{"b", 1, 4, 4}, {"a", 0, 7, 7}}; !reflect.DeepEqual(rs, want) {
		t.Errorf("Next after Close = %v; want %v", rs, want)
	}
}

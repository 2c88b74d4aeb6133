package generate

import (
	"strings"
	"testing"
)

func TestLine(t *testing.T) {
	counts := map[string]int{}
	for i := int64(0); i < 2000; i++ {
		l := Line(i)
		if l != Line(i) {
			t.Fatalf("line %d differs between two calls", i)
		}
		ws := strings.Fields(l)
		if len(ws) < 6 || len(ws) > 10 {
			t.Fatalf("line %d has %d words: %q", i, len(ws), l)
		}
		for _, w := range ws {
			counts[w]++
		}
	}
	// The skew: the first word of the vocabulary is far more frequent than
	// the last.
	if first, last := counts[words[0]], counts[words[len(words)-1]]; first < 10*max(last, 1) {
		t.Errorf("%q %d times, %q %d times: no skew", words[0], first, words[len(words)-1], last)
	}
	if got, want := Line(0), Line(0); got != want || got == Line(1) {
		t.Errorf("lines 0 and 1: %q, %q", Line(0), Line(1))
	}
}

func TestBatches(t *testing.T) {
	tests := []struct {
		name      string
		perSecond int
		batchMS   int64
		want      int64
	}{
		{"a second", 100, 1000, 100},
		{"a tenth", 100, 100, 10},
		{"under one line", 1, 100, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			per := PerBatch(tc.perSecond, tc.batchMS)
			if per != tc.want {
				t.Fatalf("PerBatch(%d, %d) = %d, want %d", tc.perSecond, tc.batchMS, per, tc.want)
			}
			// Consecutive batches number their lines on without a gap, and
			// the partitions of a batch hold each of its lines once.
			next := int64(0)
			for b := int64(1); b <= 3; b++ {
				first := First(b*tc.batchMS, tc.batchMS, per)
				if first != next {
					t.Fatalf("batch %d starts at line %d, want %d", b, first, next)
				}
				for _, p := range []int{1, 3, 7} {
					at := first
					for part := 0; part < p; part++ {
						lo, hi := Part(first, per, part, p)
						if lo != at || hi < lo {
							t.Fatalf("batch %d, partition %d of %d: [%d, %d), want from %d", b, part, p, lo, hi, at)
						}
						at = hi
					}
					if at != first+per {
						t.Fatalf("batch %d over %d partitions ends at %d, want %d", b, p, at, first+per)
					}
				}
				next = first + per
			}
		})
	}
}

// TestBatch: a batch's partitions emit its lines in order, each once, the
// lines following on from the previous batch's.
func TestBatch(t *testing.T) {
	var got []any
	b := NewBatch(10, 2000, 1000, 3)
	if b.Lines != 10 || b.Parts != 3 {
		t.Fatalf("NewBatch = %d lines over %d parts; want 10 over 3", b.Lines, b.Parts)
	}
	for p := range b.Parts {
		b.Emit(p, func(x any) { got = append(got, x) })
	}
	if len(got) != 10 {
		t.Fatalf("%d lines emitted; want 10", len(got))
	}
	for i, x := range got {
		if want := Line(10 + int64(i)); x != want {
			t.Errorf("line %d = %q; want line %d, %q", i, x, 10+i, want)
		}
	}
}

package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestTextFileStreamSplitsLargeFiles: a file larger than the split size
// becomes several partitions of its batch, read as the batch runs, with the
// lines and the record count of the whole file; smaller files of the same
// batch stay one partition each.
func TestTextFileStreamSplitsLargeFiles(t *testing.T) {
	old := fileSplitSize
	fileSplitSize = 1000
	t.Cleanup(func() { fileSplitSize = old })
	dir := t.TempDir()
	ssc := manualContext(t)
	lines := ssc.TextFileStream(dir)
	got := collect(lines)
	var infos []BatchInfo
	ssc.AddStreamingListener(OnBatchCompleted(func(b BatchInfo) { infos = append(infos, b) }))
	var counts [][]any
	lines.FlatMap(strings.Fields).CountByValue().ForeachRDD(func(r *RDD) { counts = append(counts, r.Collect()) })
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	var big strings.Builder
	var want []any
	for i := 0; i < 500; i++ {
		l := fmt.Sprintf("line %d of the big file", i)
		big.WriteString(l + "\n")
		want = append(want, l)
	}
	writeFile(t, dir, "big.txt", big.String(), 0) // 12,390 bytes: 13 splits
	writeFile(t, dir, "small.txt", "small one\nsmall two\n", 0)
	for _, f := range []string{"big.txt", "small.txt"} {
		setMtime(t, filepath.Join(dir, f), 500)
	}
	// Listed at 1 s, unchanged at 2 s: taken by the batch at 2 s.
	if err := ssc.Advance(Seconds(2)); err != nil {
		t.Fatal(err)
	}
	got.mu.Lock()
	parts := got.parts[1]
	got.mu.Unlock()
	if len(parts) != 14 {
		t.Fatalf("batch 2 s: %d partitions, want 13 of big.txt and 1 of small.txt", len(parts))
	}
	var all []any
	for _, p := range parts[:13] {
		if len(p) == 0 || len(p) > 1000/20+1 {
			t.Errorf("a split of big.txt holds %d lines, want 1 to %d", len(p), 1000/20+1)
		}
		all = append(all, p...)
	}
	if !reflect.DeepEqual(all, want) {
		t.Errorf("big.txt's splits hold %d lines, want its %d lines in order", len(all), len(want))
	}
	if !reflect.DeepEqual(parts[13], []any{"small one", "small two"}) {
		t.Errorf("small.txt's partition: %q", parts[13])
	}
	if infos[1].Records != 502 {
		t.Errorf("batch 2 s: %d records, want 502", infos[1].Records)
	}
	wordCount := map[any]any{}
	for _, x := range counts[1] {
		wordCount[x.(Pair).Key] = x.(Pair).Value
	}
	if wordCount["line"] != 500 || wordCount["small"] != 2 || wordCount["499"] != 1 {
		t.Errorf("word counts: line %v, small %v, 499 %v; want 500, 2, 1", wordCount["line"], wordCount["small"], wordCount["499"])
	}
}

// TestTextFileStreamSplitReadError: a large file that vanishes between its
// batch's generation and its tasks fails the batch with an error naming it.
func TestTextFileStreamSplitReadError(t *testing.T) {
	old := fileSplitSize
	fileSplitSize = 10
	t.Cleanup(func() { fileSplitSize = old })
	dir := t.TempDir()
	ssc := manualContext(t)
	lines := ssc.TextFileStream(dir)
	path := filepath.Join(dir, "gone.txt")
	lines.ForeachRDD(func(r *RDD) {
		if r.NumPartitions() > 0 { // the batch that took it
			os.Remove(path)
			r.Count()
		}
	})
	if err := ssc.Start(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "gone.txt", strings.Repeat("some words\n", 10), 500)
	err := ssc.Advance(Seconds(2))
	if err == nil || !strings.Contains(err.Error(), `reading "`+path+`" (bytes `) || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("got %v, want an error naming %s", err, path)
	}
}

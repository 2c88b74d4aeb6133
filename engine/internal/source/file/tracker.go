package file

import (
	"sort"
	"strings"
)

// Stat is what a listing keeps of a file: its size and modification time (ms).
type Stat struct {
	Size, MTime int64
}

// Tracker is a file stream's memory of the files it took, as Spark's
// FileInputDStream keeps it; times are ms. A file is taken once, by the
// first batch whose window holds its modification time, once it is stable.
type Tracker struct {
	Initial   int64              // files modified at or before this are old
	Processed map[string]int64   // name → mtime of every file taken, within the window
	Batches   map[int64][]string // the files each recent batch took, in order
	Listing   map[string]Stat    // the previous listing
	ListedAt  int64              // the time of the previous listing
}

// NewTracker returns a tracker that has taken nothing.
func NewTracker() *Tracker {
	return &Tracker{Processed: map[string]int64{}, Batches: map[int64][]string{}, Listing: map[string]Stat{}}
}

// Ignored reports whether a name is never a stream's input: hidden or
// temporary files (".x", "_x", "x.tmp", "x._COPYING_").
func Ignored(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") ||
		strings.HasSuffix(name, ".tmp") || strings.HasSuffix(name, "._COPYING_")
}

// Select returns the files batch t takes from the listing cur, looking back
// remember ms, oldest first (then by name), and records them; a batch
// selected before gets the same files again. A file is left for a later
// batch while it may still be written: when it changed since the previous
// listing, or appeared with a modification time after it.
func (tr *Tracker) Select(t, remember int64, cur map[string]Stat) []string {
	if files, ok := tr.Batches[t]; ok {
		return files
	}
	threshold := max(tr.Initial, t-remember)
	type cand struct {
		name  string
		mtime int64
	}
	var picked []cand
	for name, st := range cur {
		if st.MTime <= threshold || st.MTime > t {
			continue
		}
		if _, done := tr.Processed[name]; done {
			continue
		}
		prev, seen := tr.Listing[name]
		stable := seen && prev == st
		movedIn := !seen && st.MTime <= tr.ListedAt
		if !stable && !movedIn {
			continue // may still be being written: look again next batch
		}
		picked = append(picked, cand{name, st.MTime})
	}
	sort.Slice(picked, func(i, j int) bool {
		if picked[i].mtime != picked[j].mtime {
			return picked[i].mtime < picked[j].mtime
		}
		return picked[i].name < picked[j].name
	})
	files := make([]string, len(picked))
	for i, c := range picked {
		files[i] = c.name
		tr.Processed[c.name] = c.mtime
	}
	tr.Listing, tr.ListedAt = cur, t
	for name, mt := range tr.Processed {
		if mt <= threshold {
			delete(tr.Processed, name)
		}
	}
	tr.Batches[t] = files
	for bt := range tr.Batches {
		if bt <= t-remember {
			delete(tr.Batches, bt)
		}
	}
	return files
}

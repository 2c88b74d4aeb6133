package file

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestFileSplitLines: the lines of a file's splits, concatenated, are the
// file's lines as ReadLines cuts them, for every split size: lines across a
// boundary, a boundary just after a "\n", "\r\n", empty lines, a last line
// without "\n", lines longer than the reader's buffer, invalid UTF-8.
func TestFileSplitLines(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	dir := t.TempDir()
	long := strings.Repeat("x", 70<<10) // longer than the reader's buffer
	pieces := []string{"", "a", "bb", "ccc\r", "d\xffe", "ünï", long, "f g h", "\r"}
	for c := 0; c < 60; c++ {
		var b strings.Builder
		for i := rng.Intn(30); i >= 0; i-- {
			p := pieces[rng.Intn(len(pieces))]
			if c%2 == 0 && p == long {
				p = "short" // half the files are small enough for splits of a byte
			}
			b.WriteString(p)
			b.WriteByte('\n')
		}
		text := b.String()
		if c%3 == 0 {
			text += "tail without newline"
		}
		path := filepath.Join(dir, fmt.Sprintf("f%d", c))
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		want, err := ReadLines(path)
		if err != nil {
			t.Fatal(err)
		}
		n, err := CountLines(path)
		if err != nil {
			t.Fatal(err)
		}
		if n != len(want) {
			t.Fatalf("file %d: CountLines %d, ReadLines %d lines", c, n, len(want))
		}
		size := int64(len(text))
		for _, split := range []int64{1, 2, 3, 5, 7, 64, 4096, 100 << 10, size + 1} {
			if size/split > 2000 {
				continue // a split per byte of a long line costs its length each
			}
			got := []any{}
			for off := int64(0); off < size; off += split {
				sp := &Split{Path: path, Start: off, End: min(off+split, size)}
				if err := sp.Each(func(l string) { got = append(got, l) }); err != nil {
					t.Fatal(err)
				}
			}
			if len(want) == 0 {
				want = []any{}
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("file %d (%d bytes) in splits of %d: got %d lines, want %d\ngot  %.200q\nwant %.200q", c, size, split, len(got), len(want), got, want)
			}
		}
	}
}

package file

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestBatchEach(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "big")
	if err := os.WriteFile(path, []byte("a\nb\nc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b := Batch{Parts: [][]any{{"x", "y"}, nil}, Splits: []*Split{nil, {Path: path, Start: 0, End: 6}}}
	var got []any
	var strs []string
	for p := range 2 {
		if err := b.Each(p, func(x any) { got = append(got, x) }); err != nil {
			t.Fatal(err)
		}
		if err := b.EachString(p, func(s string) { strs = append(strs, s) }); err != nil {
			t.Fatal(err)
		}
	}
	if want := []any{"x", "y", "a", "b", "c"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Each: got %v, want %v", got, want)
	}
	if want := []string{"x", "y", "a", "b", "c"}; !reflect.DeepEqual(strs, want) {
		t.Errorf("EachString: got %v, want %v", strs, want)
	}
	os.Remove(path)
	err := b.Each(1, func(any) {})
	var re *ReadError
	if !errors.As(err, &re) || !strings.Contains(re.Msg, "(bytes 0-6)") || !errors.Is(re.Err, os.ErrNotExist) {
		t.Fatalf("a split whose file is gone: got %v", err)
	}
}

func TestReadBatchListingError(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gone")
	s := NewStream(Config{Dir: dir})
	_, err := s.ReadBatch(1000, 1000, Reading{SplitSize: 1 << 20}, func(n int, task func(int)) {
		for i := range n {
			task(i)
		}
	})
	var re *ReadError
	if !errors.As(err, &re) || !strings.HasPrefix(re.Msg, "listing directory ") || re.Err == nil {
		t.Fatalf("got %v, want a listing's *ReadError", err)
	}
}

func TestConfigure(t *testing.T) {
	type option func(*Config)
	cfg := Configure(Config{Dir: "d"}, []option{nil, func(c *Config) { c.OldFiles = true }})
	if cfg.Dir != "d" || !cfg.OldFiles {
		t.Errorf("got %+v", cfg)
	}
}

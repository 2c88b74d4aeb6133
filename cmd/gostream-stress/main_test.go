package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestTruth(t *testing.T) {
	m := truth(40)
	n := 0
	for _, v := range m {
		n += v
	}
	if n != 600 || m["file007"] != 5 || m["the"] != 80 {
		t.Errorf("truth(40): %d words, file007 %d, the %d; want 600, 5, 80", n, m["file007"], m["the"])
	}
	if ws := fileWords(3); len(ws) != 15 {
		t.Errorf("fileWords(3) has %d words, want 15", len(ws))
	}
}

func TestDiffNamesLostAndDoubledFiles(t *testing.T) {
	want := truth(3)
	if d := diff(want, want); d != "" {
		t.Errorf("diff of equal states: %q", d)
	}
	got := truth(3)
	got["file001"] = 0
	got["file002"] = 10
	d := diff(got, want)
	for _, s := range []string{"file001 0 (want 5)", "file002 10 (want 5)", "45 words counted, want 45"} {
		if !strings.Contains(d, s) {
			t.Errorf("diff %q does not say %q", d, s)
		}
	}
}

func TestReadState(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state")
	os.WriteFile(path, []byte("@ 1500\nthe 3\nfile000 5\n"), 0o644)
	m, at, err := readState(path)
	if err != nil || at != 1500 || !reflect.DeepEqual(m, map[string]int{"the": 3, "file000": 5}) {
		t.Errorf("readState: %v, %d, %v", m, at, err)
	}
	os.WriteFile(path, []byte("the x\n"), 0o644)
	if _, _, err := readState(path); err == nil || !strings.Contains(err.Error(), `bad line "the x"`) {
		t.Errorf("readState of a bad line: %v", err)
	}
}

func TestFlagErrors(t *testing.T) {
	var out strings.Builder
	if _, err := run([]string{"-batches", "5ms"}, &out); err == nil || !strings.Contains(err.Error(), `-batches: "5ms"`) {
		t.Errorf("-batches 5ms: %v", err)
	}
	if _, err := run([]string{"-runs", "0"}, &out); err == nil || !strings.Contains(err.Error(), "-runs") {
		t.Errorf("-runs 0: %v", err)
	}
}

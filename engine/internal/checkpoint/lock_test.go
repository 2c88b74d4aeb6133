package checkpoint

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLockDir(t *testing.T) {
	dir := t.TempDir()
	l, err := LockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	holder, _ := os.ReadFile(filepath.Join(dir, LockName))
	if want := fmt.Sprintf("process %d (", os.Getpid()); !strings.HasPrefix(string(holder), want) {
		t.Errorf("lock file says %q, want it to start with %q", holder, want)
	}
	_, err = LockDir(dir)
	if !errors.Is(err, ErrInUse) {
		t.Fatalf("second LockDir: got %v, want ErrInUse", err)
	}
	want := "in use by " + strings.TrimSpace(string(holder)) + ", which holds the lock " + filepath.Join(dir, LockName)
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("second LockDir: got %q, want it to start with %q", err, want)
	}
	l.Unlock()
	l.Unlock() // a second Unlock does nothing
	if b, _ := os.ReadFile(filepath.Join(dir, LockName)); len(b) != 0 {
		t.Errorf("lock file after Unlock holds %q, want nothing", b)
	}
	l2, err := LockDir(dir)
	if err != nil {
		t.Fatalf("LockDir after Unlock: %v", err)
	}
	l2.Unlock()
	var none *Lock
	none.Unlock()
}

func TestLockDirUnknownHolder(t *testing.T) {
	dir := t.TempDir()
	l, err := LockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Unlock()
	os.Truncate(filepath.Join(dir, LockName), 0)
	_, err = LockDir(dir)
	if err == nil || !strings.HasPrefix(err.Error(), "in use by another context,") {
		t.Errorf("got %v, want the holder named as another context", err)
	}
}

func TestOrphans(t *testing.T) {
	write := func(t *testing.T, dir string, names map[string]string) {
		t.Helper()
		for n, data := range names {
			p := filepath.Join(dir, n)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name  string
		files map[string]string
		want  string // "" for no error
	}{
		{name: "empty", files: nil},
		{name: "empty log segment and temporary state", files: map[string]string{
			"wal/input-0/00000000000000000000.log": "", "state-1-1000.tmp": "x", LockName: "x"}},
		{name: "one state file", files: map[string]string{"state-1-1000": "x"},
			want: "no checkpoint-* metadata file, but a state or log file remains (state-1-1000): the metadata was deleted or lost"},
		{name: "a log segment", files: map[string]string{"wal/input-2/00000000000000000007.log": "x"},
			want: "but a state or log file remains (" + filepath.Join("wal", "input-2", "00000000000000000007.log") + ")"},
		{name: "five", files: map[string]string{"state-1-1000": "x", "state-1-2000.delta": "x", "state-2-1000": "x", "state-3-1000": "x", "state-4-1000": "x"},
			want: "but 5 state and log files remain (state-1-1000, state-1-2000.delta, state-2-1000, and 2 more)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, tc.files)
			err := Orphans(dir)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("got %v, want no error", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want it to contain %q", err, tc.want)
			}
			if !errors.Is(err, ErrLost) || !errors.Is(err, ErrBad) {
				t.Errorf("got %v, want it to match ErrLost and ErrBad", err)
			}
			if _, p, lerr := Load(dir); lerr == nil || lerr.Error() != err.Error() || p != dir {
				t.Errorf("Load: got %v at %q, want the Orphans error at the directory", lerr, p)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	if m, p, err := Load(filepath.Join(t.TempDir(), "none")); m != nil || p != "" || err != nil {
		t.Errorf("missing directory: got %v %q %v, want nothing", m, p, err)
	}
	dir := t.TempDir()
	for i, c := range []int64{1000, 2000} {
		data, err := EncodeMeta(&Meta{BatchMS: 1000, Completed: c})
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteFileAtomic(dir, MetaName(uint64(i+1)), data); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "state-0-1000"), []byte("x"), 0o600) // referred to by none, but metadata exists
	m, p, err := Load(dir)
	if err != nil || m == nil || m.Completed != 2000 || p != filepath.Join(dir, MetaName(2)) {
		t.Fatalf("got %+v %q %v, want the second metadata file", m, p, err)
	}
	os.WriteFile(filepath.Join(dir, MetaName(3)), []byte("GSCK"), 0o600)
	if _, p, err := Load(dir); err == nil || p != filepath.Join(dir, MetaName(3)) || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated newest file: got %q %v, want its path and a truncation error", p, err)
	}
}

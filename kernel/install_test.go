package kernel

import (
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestInstallWritesKernelspec(t *testing.T) {
	prefix := t.TempDir()
	kernels, err := KernelsDir(false, prefix)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := Install(kernels, "gostream", "/opt/bin/gostream")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(prefix, "share", "jupyter", "kernels", "gostream"); dir != want {
		t.Errorf("installed in %s, want %s", dir, want)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"argv":           []any{"/opt/bin/gostream", "kernel", "--connection-file", "{connection_file}"},
		"display_name":   "Go (gostream)",
		"language":       "go",
		"interrupt_mode": "message",
		"metadata":       map[string]any{},
	}
	if !reflect.DeepEqual(spec, want) {
		t.Errorf("kernel.json:\n got %v\nwant %v", spec, want)
	}
	for _, size := range []int{32, 64} {
		f, err := os.Open(filepath.Join(dir, "logo-"+itoa(size)+"x"+itoa(size)+".png"))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("logo %d: %v", size, err)
		}
		if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Errorf("logo %d is %dx%d", size, b.Dx(), b.Dy())
		}
	}

	// Installing again replaces the spec, as jupyter kernelspec install does.
	if _, err := Install(kernels, "gostream", "/new/gostream"); err != nil {
		t.Fatal(err)
	}
	raw, _ = os.ReadFile(filepath.Join(dir, "kernel.json"))
	var again Spec
	if err := json.Unmarshal(raw, &again); err != nil || again.Argv[0] != "/new/gostream" {
		t.Errorf("reinstall: argv %v (%v), want /new/gostream first", again.Argv, err)
	}
}

func TestInstallRejects(t *testing.T) {
	for _, tc := range []struct{ name, kernel, binary string }{
		{"bad name", "go stream", "/bin/gostream"},
		{"relative binary", "gostream", "bin/gostream"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Install(t.TempDir(), tc.kernel, tc.binary); err == nil {
				t.Errorf("Install(%q, %q) succeeded", tc.kernel, tc.binary)
			}
		})
	}
}

func TestKernelsDirUser(t *testing.T) {
	t.Setenv("JUPYTER_DATA_DIR", "")
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/ada")
	got, err := KernelsDir(true, "")
	if err != nil || got != "/home/ada/.local/share/jupyter/kernels" {
		t.Errorf("KernelsDir(user) = %q, %v", got, err)
	}
}

func itoa(n int) string { return string(rune('0'+n/10)) + string(rune('0'+n%10)) }

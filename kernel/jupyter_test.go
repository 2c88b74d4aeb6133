package kernel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gostream/gostream/internal/kafkatest"
)

// These tests drive the gostream binary with Debian's Jupyter stack:
// jupyter_client, jupyter_kernel_test and nbconvert, run by /usr/bin/python3
// (the python3 on PATH may be another Python without them).

const systemPython = "/usr/bin/python3"

// requireJupyter skips the test where Debian's Jupyter packages are missing,
// except under CI, where test.sh installs them and their absence fails.
func requireJupyter(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("Jupyter tests build the binary and start kernels; skipped with -short")
	}
	out, err := exec.Command(systemPython, "-c", "import jupyter_client, jupyter_kernel_test, nbclient, nbconvert").CombinedOutput()
	if err == nil {
		return
	}
	msg := fmt.Sprintf("Debian's Jupyter packages are not installed (%v: %s)", err, out)
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

func TestMain(m *testing.M) {
	// The binary under test serves no streaming UI unless a test asks: its
	// announcement would be part of every transcript.
	os.Setenv("GOSTREAM_UI", "off")
	code := m.Run()
	if binary != "" {
		os.RemoveAll(filepath.Dir(binary))
	}
	os.Exit(code)
}

// gostreamBinary builds cmd/gostream once for all the tests of this run.
func gostreamBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gostream-kernel-test")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "gostream")
		cmd := exec.Command("go", "build", "-o", binary, "./cmd/gostream")
		cmd.Dir = ".."
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/gostream: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binary
}

// jupyterEnv installs the kernelspec into a fresh prefix and returns an
// environment in which Jupyter finds it (and nothing of the user's).
func jupyterEnv(t *testing.T) []string {
	t.Helper()
	bin := gostreamBinary(t)
	tmp := t.TempDir()
	prefix := filepath.Join(tmp, "prefix")
	out, err := exec.Command(bin, "kernel", "install", "--prefix", prefix).CombinedOutput()
	if err != nil {
		t.Fatalf("gostream kernel install --prefix: %v\n%s", err, out)
	}
	return append(os.Environ(),
		"PATH=/usr/bin:/bin:"+os.Getenv("PATH"),
		"JUPYTER_PATH="+filepath.Join(prefix, "share", "jupyter"),
		"JUPYTER_DATA_DIR="+filepath.Join(tmp, "data"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(tmp, "runtime"),
		"JUPYTER_CONFIG_DIR="+filepath.Join(tmp, "config"),
		"JUPYTER_PLATFORM_DIRS=1",
		"GOSTREAM_KERNEL_HISTORY="+filepath.Join(tmp, "history.jsonl"),
		"PYDEVD_DISABLE_FILE_VALIDATION=1",
		"PYTHONDONTWRITEBYTECODE=1",
	)
}

func run(t *testing.T, env []string, dir string, timeout time.Duration, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env, cmd.Dir = env, dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return out.String(), err
	case <-time.After(timeout):
		cmd.Process.Kill()
		<-done
		return out.String(), fmt.Errorf("%s timed out after %v", name, timeout)
	}
}

func TestKernelspecList(t *testing.T) {
	requireJupyter(t)
	env := jupyterEnv(t)
	out, err := run(t, env, "", time.Minute, "/usr/bin/jupyter", "kernelspec", "list", "--json")
	if err != nil {
		t.Fatalf("jupyter kernelspec list: %v\n%s", err, out)
	}
	var list struct {
		Kernelspecs map[string]struct {
			ResourceDir string `json:"resource_dir"`
			Spec        Spec   `json:"spec"`
		} `json:"kernelspecs"`
	}
	if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &list); err != nil {
		t.Fatalf("jupyter kernelspec list --json: %v\n%s", err, out)
	}
	ks, ok := list.Kernelspecs["gostream"]
	if !ok {
		t.Fatalf("jupyter kernelspec list does not show gostream:\n%s", out)
	}
	if ks.Spec.Argv[0] != gostreamBinary(t) || ks.Spec.InterruptMode != "message" || ks.Spec.DisplayName != "Go (gostream)" {
		t.Errorf("gostream kernelspec %+v", ks.Spec)
	}
	for _, logo := range []string{"logo-32x32.png", "logo-64x64.png"} {
		if _, err := os.Stat(filepath.Join(ks.ResourceDir, logo)); err != nil {
			t.Errorf("kernelspec lacks %s: %v", logo, err)
		}
	}
}

// TestJupyterKernelTests runs Debian's jupyter_kernel_test suite with every
// sample set (testdata/test_gostream_kernel.py) against the installed kernel.
func TestJupyterKernelTests(t *testing.T) {
	requireJupyter(t)
	env := jupyterEnv(t)
	out, err := run(t, env, "testdata", 5*time.Minute, systemPython, "-m", "unittest", "-v", "test_gostream_kernel")
	t.Logf("jupyter_kernel_test:\n%s", out)
	if err != nil {
		t.Fatalf("jupyter_kernel_test failed: %v", err)
	}
	for _, test := range []string{
		"test_execute_stdout", "test_execute_stderr", "test_completion", "test_is_complete",
		"test_error", "test_execute_result", "test_display_data", "test_history",
		"test_inspect", "test_clear_output", "test_kernel_info",
	} {
		if !regexp.MustCompile(test + ` \(.*\) \.\.\. ok`).MatchString(out) {
			t.Errorf("%s did not run and pass", test)
		}
	}
}

// TestRestartKeepsHistory restarts the kernel through jupyter_client (a
// shutdown_request with restart, then a new process): the history written
// before the restart is still there, under the previous session number.
func TestRestartKeepsHistory(t *testing.T) {
	requireJupyter(t)
	env := jupyterEnv(t)
	out, err := run(t, env, "testdata", 3*time.Minute, systemPython, "restart_history.py")
	if err != nil || !strings.HasSuffix(strings.TrimSpace(out), "OK") {
		t.Fatalf("restart_history.py: %v\n%s", err, out)
	}
}

// notebook is the part of an executed .ipynb the checks read.
type notebook struct {
	Cells []struct {
		CellType string          `json:"cell_type"`
		Source   json.RawMessage `json:"source"`
		Outputs  []struct {
			OutputType string                     `json:"output_type"`
			Name       string                     `json:"name"`
			Text       json.RawMessage            `json:"text"`
			Data       map[string]json.RawMessage `json:"data"`
		} `json:"outputs"`
	} `json:"cells"`
}

// multiline decodes nbformat's string-or-list-of-strings.
func multiline(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []string
	json.Unmarshal(raw, &parts)
	return strings.Join(parts, "")
}

// cellOutput is what a cell shows: its stream text, and each display or
// result's renderings.
type cellOutput struct {
	source, stdout, stderr string
	displays, results      []map[string]string
	errors                 int
}

func (nb notebook) code() []cellOutput {
	var cells []cellOutput
	for _, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		co := cellOutput{source: multiline(c.Source)}
		for _, o := range c.Outputs {
			data := map[string]string{}
			for mime, raw := range o.Data {
				data[mime] = multiline(raw)
			}
			switch o.OutputType {
			case "stream":
				if o.Name == "stdout" {
					co.stdout += multiline(o.Text)
				} else {
					co.stderr += multiline(o.Text)
				}
			case "display_data":
				co.displays = append(co.displays, data)
			case "execute_result":
				co.results = append(co.results, data)
			case "error":
				co.errors++
			}
		}
		cells = append(cells, co)
	}
	return cells
}

var printBlock = regexp.MustCompile(`-------------------------------------------\nTime: (\d+) ms\n-------------------------------------------\n((?:.+\n)*)\n`)

// printBlocks returns the body of every Print block in text, in order.
func printBlocks(text string) []string {
	var out []string
	for _, m := range printBlock.FindAllStringSubmatch(text, -1) {
		out = append(out, m[2])
	}
	return out
}

// TestNotebooks executes every notebook in notebooks/ with nbconvert,
// which fails on any error, and checks what each cell shows.
func TestNotebooks(t *testing.T) {
	requireJupyter(t)
	env := jupyterEnv(t)
	// kafka-wordcount.ipynb reads and writes a development cluster.
	kc := kafkatest.StartCluster(t, gostreamBinary(t), "kafka", "-port", "0", "-topics", "lines,counts", "-partitions", "2")
	env = append(env, "KAFKA_BROKERS="+kc.Bootstrap)
	checks := map[string]func(t *testing.T, cells []cellOutput){
		"network-wordcount.ipynb": func(t *testing.T, cells []cellOutput) {
			if len(cells) != 3 {
				t.Fatalf("got %d code cells, want 3", len(cells))
			}
			if cells[0].stdout != "" || len(cells[0].displays) != 0 {
				t.Errorf("the definitions cell shows output: %+v", cells[0])
			}
			start := cells[1]
			blocks := printBlocks(start.stdout)
			if len(blocks) < 2 {
				t.Fatalf("the cell that started the stream shows %d Print blocks, want at least 2:\n%s", len(blocks), start.stdout)
			}
			pair := regexp.MustCompile(`^\([a-z]+,\d+\)$`)
			for _, b := range blocks {
				lines := strings.Split(strings.TrimSuffix(b, "\n"), "\n")
				if len(lines) != 6 || lines[5] != "..." {
					t.Errorf("Print(5) block %q: want 5 pairs and ...", b)
				}
				for _, l := range lines[:5] {
					if !pair.MatchString(l) {
						t.Errorf("Print line %q is not a (word,count) pair", l)
					}
				}
			}
			if len(start.displays) != 1 {
				t.Fatalf("start cell shows %d displays, want the live table", len(start.displays))
			}
			table := start.displays[0]
			if !strings.Contains(table["text/html"], `<th style="text-align:left">key</th><th style="text-align:right">value</th>`) || !strings.Contains(table["text/plain"], "Transform · batch ") {
				t.Errorf("the live table was not updated with a batch: %v", table)
			}
			if len(cells[2].results) != 1 || cells[2].results[0]["text/plain"] != "STOPPED" {
				t.Errorf("last cell: %+v, want STOPPED", cells[2])
			}
		},
		"windowed-counts.ipynb": func(t *testing.T, cells []cellOutput) {
			start := cells[len(cells)-1]
			blocks := printBlocks(start.stdout)
			if len(blocks) < 2 {
				t.Fatalf("%d Print blocks in the stream cell, want at least 2:\n%s", len(blocks), start.stdout)
			}
			for _, b := range blocks {
				if !regexp.MustCompile(`^\d+\n$`).MatchString(b) {
					t.Errorf("windowed count block %q: want one number", b)
				}
			}
			if len(start.displays) != 1 {
				t.Fatalf("%d displays, want the metrics chart", len(start.displays))
			}
			chart := start.displays[0]
			if strings.Count(chart["text/html"], "<polyline") != 3 || !strings.Contains(chart["text/html"], "input records/s: ") {
				t.Errorf("metrics chart HTML lacks its two series: %.300s", chart["text/html"])
			}
			if !regexp.MustCompile(`^WindowedCounts: batch \d+ ms, \d+ records \([\d.]+ records/s\)`).MatchString(chart["text/plain"]) {
				t.Errorf("metrics text %q", chart["text/plain"])
			}
		},
		"kafka-wordcount.ipynb": func(t *testing.T, cells []cellOutput) {
			if len(cells) != 3 {
				t.Fatalf("got %d code cells, want 3", len(cells))
			}
			pair := regexp.MustCompile(`^\([a-z]+,\d+\)$`)
			full := 0
			for _, b := range printBlocks(cells[1].stdout) {
				lines := strings.Split(strings.TrimSuffix(b, "\n"), "\n")
				if len(lines) == 4 && lines[3] == "..." && pair.MatchString(lines[0]) && pair.MatchString(lines[2]) {
					full++
				}
			}
			if full == 0 {
				t.Errorf("no batch printed the counts of words read back from Kafka:\n%s", cells[1].stdout)
			}
			if len(cells[2].results) != 1 || cells[2].results[0]["text/plain"] != "STOPPED" {
				t.Errorf("last cell: %+v, want STOPPED", cells[2])
			}
		},
		"streaming-displays.ipynb": checkStreamingDisplays,
		"stateful-totals.ipynb": func(t *testing.T, cells []cellOutput) {
			start := cells[len(cells)-1]
			blocks := printBlocks(start.stdout)
			want := []string{
				"(apples,3)\n(pears,2)\n",
				"(apples,4)\n(pears,2)\n",
				"(apples,4)\n(pears,3)\n(plums,5)\n",
			}
			if len(blocks) < len(want)+1 {
				t.Fatalf("%d Print blocks, want at least %d:\n%s", len(blocks), len(want)+1, start.stdout)
			}
			for i, w := range want {
				if blocks[i] != w {
					t.Errorf("batch %d: got %q, want %q", i+1, blocks[i], w)
				}
			}
			for i, b := range blocks[len(want):] {
				if b != want[len(want)-1] {
					t.Errorf("empty batch %d: got %q, want the totals kept: %q", i+1, b, want[len(want)-1])
				}
			}
		},
	}
	paths, err := filepath.Glob("../notebooks/*.ipynb")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no notebooks in ../notebooks (%v)", err)
	}
	for _, path := range paths {
		name := filepath.Base(path)
		if name == clusterNotebook {
			continue // TestClusterNotebook runs it, beside the job it joins
		}
		t.Run(strings.TrimSuffix(name, ".ipynb"), func(t *testing.T) {
			check, ok := checks[name]
			if !ok {
				t.Fatalf("no output checks for %s: add them to TestNotebooks", name)
			}
			check(t, executeNotebook(t, env, path))
		})
	}
}

// executeNotebook runs the notebook at path with nbconvert and returns its
// code cells' outputs, failing the test for a cell that shows an error or
// standard error.
func executeNotebook(t *testing.T, env []string, path string) []cellOutput {
	t.Helper()
	name := filepath.Base(path)
	outDir := t.TempDir()
	out, err := run(t, env, "", 5*time.Minute, "/usr/bin/jupyter", "nbconvert", "--to", "notebook", "--execute",
		"--ExecutePreprocessor.timeout=120", "--output-dir", outDir, path)
	if err != nil {
		t.Fatalf("jupyter nbconvert --execute %s: %v\n%s", name, err, out)
	}
	raw, err := os.ReadFile(filepath.Join(outDir, name))
	if err != nil {
		t.Fatal(err)
	}
	var nb notebook
	if err := json.Unmarshal(raw, &nb); err != nil {
		t.Fatal(err)
	}
	cells := nb.code()
	for i, c := range cells {
		if c.errors > 0 || c.stderr != "" {
			t.Errorf("cell %d shows an error or stderr %q:\n%s", i, c.stderr, c.source)
		}
	}
	return cells
}

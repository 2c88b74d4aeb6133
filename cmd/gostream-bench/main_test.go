package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// writeCorpus writes n lines of words drawn from a small vocabulary.
func writeCorpus(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	for i := range n {
		for j := range 6 {
			if j > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "w%d", (i*7+j*j)%300)
		}
		b.WriteByte('\n')
	}
	path := filepath.Join(t.TempDir(), "corpus.txt")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// row returns the table row of pipeline name, split into fields.
func row(t *testing.T, out, name string) []string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == name {
			return f
		}
	}
	t.Fatalf("no row for %s in\n%s", name, out)
	return nil
}

func TestRunWithoutBaselines(t *testing.T) {
	corpus := writeCorpus(t, 2500)
	var out, errs bytes.Buffer
	err := run([]string{"-no-baseline", "-batch", "1000", "-pipelines", "wordcount,closures,shell,window", corpus}, &out, &errs)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errs.String())
	}
	if want := fmt.Sprintf("corpus %s: 2500 lines in 3 batches of up to 1000; local[2]", corpus); !strings.Contains(out.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, out.String())
	}
	number := regexp.MustCompile(`^[0-9]+$`)
	duration := regexp.MustCompile(`^[0-9.]+m?s$`)
	perLine := regexp.MustCompile(`^[0-9]+\.[0-9]{2}$`)
	for _, ref := range []string{"closures +by hand, a map per goroutine", "closures +the functions alone, no table", "shell +by hand, a map per goroutine"} {
		re := regexp.MustCompile(`(?m)^ *` + ref + ` +[0-9.]+s +[0-9.]+s +[0-9]+\.[0-9]{2} +[0-9.]+s +[0-9.]+s +[0-9.]+x +[0-9.]+x *$`)
		if !re.MatchString(out.String()) {
			t.Errorf("no row for the reference %q in\n%s", ref, out.String())
		}
	}
	// The shell's closures compiled by its session: a word count that
	// allocates no more than engine.WithOne's (1.18 a line on the corpus).
	perLineOf := func(name string) float64 {
		n, err := strconv.ParseFloat(row(t, out.String(), name)[4], 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if wc, sh := perLineOf("wordcount"), perLineOf("shell"); sh > wc+0.5 {
		t.Errorf("the shell pipeline allocates %.2f a line, the word count with WithOne %.2f", sh, wc)
	}
	for _, name := range []string{"wordcount", "closures", "shell", "window"} {
		f := row(t, out.String(), name)
		if len(f) != 15 || !number.MatchString(f[1]) || !duration.MatchString(f[2]) || !perLine.MatchString(f[4]) || !number.MatchString(f[5]) || !duration.MatchString(f[6]) || f[14] != "-" {
			t.Errorf("row %q: want name, lines/s, times, allocations per line, batch delays and no baseline", f)
		}
	}
}

func TestRunWithBaselines(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the baseline programs")
	}
	dir, err := findBaselines()
	if err != nil {
		t.Skip(err)
	}
	cache := t.TempDir()
	var out, errs bytes.Buffer
	err = run([]string{"-baselines", dir, "-cache", cache, "-lines", "3000", "-batch", "1000", "-pipelines", "wordcount,window"}, &out, &errs)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errs.String())
	}
	if _, err := os.Stat(filepath.Join(cache, "corpus-3000.txt")); err != nil {
		t.Errorf("corpus not generated into the cache: %v", err)
	}
	ratio := regexp.MustCompile(`^[0-9.]+x$`)
	for name, base := range map[string]string{"wordcount": "wordcount", "window": "windowcount"} {
		f := row(t, out.String(), name)
		if f[10] != base || !ratio.MatchString(f[len(f)-1]) || !ratio.MatchString(f[len(f)-2]) {
			t.Errorf("row %q: want baseline %s and two ratios", f, base)
		}
	}
}

func TestRunErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.txt")
	empty := filepath.Join(t.TempDir(), "empty.txt")
	os.WriteFile(empty, nil, 0o644)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown pipeline", []string{"-no-baseline", "-pipelines", "wordcount,nope", empty}, `-pipelines: unknown pipeline "nope"`},
		{"missing corpus", []string{"-no-baseline", missing}, "corpus: open " + missing},
		{"empty corpus", []string{"-no-baseline", empty}, "corpus " + empty + " is empty"},
		{"bad batch", []string{"-no-baseline", "-batch", "0", empty}, "-batch and -passes must be positive"},
		{"two corpora", []string{"-no-baseline", empty, empty}, "want at most one CORPUS argument"},
		{"bad master", []string{"-no-baseline", "-master", "yarn", writeCorpus(t, 10)}, `master "yarn"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errs bytes.Buffer
			err := run(c.args, &out, &errs)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("run %q: got error %v, want one containing %q", c.args, err, c.want)
			}
		})
	}
}

func TestRunProfiles(t *testing.T) {
	corpus := writeCorpus(t, 1000)
	dir := t.TempDir()
	var out, errs bytes.Buffer
	args := []string{"-no-baseline", "-batch", "500", "-pipelines", "wordcount,window",
		"-cpuprofile", filepath.Join(dir, "cpu.prof"), "-memprofile", filepath.Join(dir, "mem.prof"), corpus}
	if err := run(args, &out, &errs); err != nil {
		t.Fatalf("run: %v\n%s", err, errs.String())
	}
	for _, name := range []string{"cpu.wordcount.prof", "cpu.window.prof", "mem.wordcount.prof", "mem.window.prof"} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() == 0 {
			t.Errorf("profile %s: %v (want a non-empty file)", name, err)
		}
	}
}

func TestRunRealClock(t *testing.T) {
	corpus := writeCorpus(t, 1500)
	var out, errs bytes.Buffer
	err := run([]string{"-no-baseline", "-interval", "20ms", "-batch", "500", "-pipelines", "wordcount,window", corpus}, &out, &errs)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errs.String())
	}
	if want := "real clock, batch interval 20ms"; !strings.Contains(out.String(), want) {
		t.Errorf("output lacks %q:\n%s", want, out.String())
	}
	for _, name := range []string{"wordcount", "window"} {
		if f := row(t, out.String(), name); len(f) != 15 {
			t.Errorf("row %q: want 15 columns", f)
		}
	}
}

func TestClosuresReferences(t *testing.T) {
	batches := [][]any{{"a b a", "c", " b  c "}, {"b"}, {}}
	for _, workers := range []int{1, 2, 5} {
		// Batch 1 has a, b and c; batch 2 has b.
		if got := closuresByHand(batches, workers); got != 4 {
			t.Errorf("closuresByHand on %d goroutines = %d keys, want 4", workers, got)
		}
		if got := closuresAlone(batches, workers); got != 7 {
			t.Errorf("closuresAlone on %d goroutines = %d words, want 7", workers, got)
		}
	}
}

package engine

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// ScriptPipeline is a pipeline of a data-driven script defined outside this
// package (rdd_cases_test.go), so the interpreter can evaluate its source
// too: it gets the context, the inputs "in" and "in2", and a writer for what
// it prints; the streams it returns are printed with Print(100).
type ScriptPipeline = func(ssc *StreamingContext, in []*DStream, out io.Writer) []*DStream

// RunScripts runs the data-driven scripts matching glob (the format of
// testdata/*.txt), starting pipelines from pipes before ddPipelines.
func RunScripts(t *testing.T, glob string, pipes map[string]ScriptPipeline) {
	files, err := filepath.Glob(glob)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no scripts match %s", glob)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			runScriptWith(t, file, pipes)
		})
	}
}

// startArgs splits a start command's arguments at spaces, except within
// double quotes: start "RDDSuite top with custom ordering" sort.
func startArgs(cmd string) []string {
	rest := strings.TrimSpace(strings.TrimPrefix(cmd, "start"))
	var args []string
	for rest != "" {
		if strings.HasPrefix(rest, `"`) {
			end := strings.Index(rest[1:], `"`)
			if end < 0 {
				args = append(args, rest[1:])
				break
			}
			args = append(args, rest[1:1+end])
			rest = strings.TrimSpace(rest[2+end:])
			continue
		}
		f, r, _ := strings.Cut(rest, " ")
		args = append(args, f)
		rest = strings.TrimSpace(r)
	}
	return args
}

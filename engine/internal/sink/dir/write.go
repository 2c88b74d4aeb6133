package dir

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
)

// Runner runs task(p) for every p in [0, n), some at once, and returns
// when all are done.
type Runner func(n int, task func(p int))

// Write writes the directory path atomically (Begin, WritePart, Commit):
// its n part files part-00000<ext>, part-00001<ext>, ..., part p written
// by write through run, then _SUCCESS. What was written is removed on an
// error, and on a panic of run. The error is the first part's that failed,
// in order, else the commit's.
func Write(path string, n int, ext string, run Runner, write func(p int, w *bufio.Writer) error) error {
	d, err := Begin(path)
	if err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			d.Abort()
		}
	}()
	errs := make([]error, n)
	run(n, func(p int) {
		errs[p] = d.WritePart(fmt.Sprintf("part-%05d%s", p, ext), func(w *bufio.Writer) error { return write(p, w) })
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if err := d.Commit(); err != nil {
		return err
	}
	done = true
	return nil
}

// WriteLines writes xs one a line, each as format shows it.
func WriteLines(w *bufio.Writer, xs []any, format func(any) string) error {
	for _, x := range xs {
		w.WriteString(format(x))
		if err := w.WriteByte('\n'); err != nil {
			return err
		}
	}
	return nil
}

// ReadParts reads back a directory Write wrote: each part file (part-*),
// in the order of their names, decoded by read. A directory without
// _SUCCESS is incomplete and an error: "%q is not a complete output
// directory (no _SUCCESS): " and the error of its stat; a part that fails
// is "reading %q: " and read's error. Each error wraps the cause alone.
func ReadParts(path string, read func(io.Reader) ([]any, error)) ([][]any, error) {
	if _, err := os.Stat(filepath.Join(path, SuccessFile)); err != nil {
		return nil, fmt.Errorf("%q is not a complete output directory (no %s): %w", path, SuccessFile, err)
	}
	names, err := filepath.Glob(filepath.Join(EscapeGlob(path), "part-*"))
	if err != nil {
		return nil, fmt.Errorf("%w", err)
	}
	sort.Strings(names)
	parts := make([][]any, 0, len(names))
	for _, name := range names {
		xs, err := readPart(name, read)
		if err != nil {
			return nil, fmt.Errorf("reading %q: %w", name, err)
		}
		parts = append(parts, xs)
	}
	return parts, nil
}

func readPart(name string, read func(io.Reader) ([]any, error)) ([]any, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return read(f)
}

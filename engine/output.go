package engine

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// successFile marks a complete output directory, as Hadoop's committer does.
const successFile = "_SUCCESS"

// OutputPath returns the directory SaveAsTextFiles and SaveAsObjectFiles
// write for batch t: "prefix-TIME_IN_MS", or "prefix-TIME_IN_MS.suffix".
func OutputPath(prefix, suffix string, t Time) string {
	name := prefix + "-" + strconv.FormatInt(int64(t), 10)
	if suffix != "" {
		name += "." + suffix
	}
	return name
}

// SaveAsTextFiles writes every RDD to the directory prefix-TIME_IN_MS[.suffix]:
// one file part-00000, part-00001, ... per partition holding one element a
// line, formatted as Print shows it, and an empty _SUCCESS. The directory
// is written beside its final name, synced, then renamed into place, so a
// reader sees a complete directory or none; writing the same batch again
// (a batch re-run after recovery) replaces it with the same content.
func (d *DStream) SaveAsTextFiles(prefix, suffix string) {
	const op = "SaveAsTextFiles"
	checkPrefix(op, prefix)
	d.addOutput(op, func(r *RDD, t Time) {
		d.ssc.outMu.Lock()
		leaf := d.ssc.formatter
		d.ssc.outMu.Unlock()
		saveRDD(op, r, t, OutputPath(prefix, suffix, t), func(w *bufio.Writer, part []any) error {
			for _, x := range part {
				w.WriteString(FormatWith(x, leaf))
				if err := w.WriteByte('\n'); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

// SaveAsObjectFiles writes every RDD like SaveAsTextFiles, but each part file
// holds its partition's elements in the element codec (see
// docs/storage-format.md); ReadObjectFiles and ObjectFileStream read them
// back with their Go types. An element of a type the codec cannot encode
// fails the batch with an error naming the type.
func (d *DStream) SaveAsObjectFiles(prefix, suffix string) {
	const op = "SaveAsObjectFiles"
	checkPrefix(op, prefix)
	d.addOutput(op, func(r *RDD, t Time) {
		saveRDD(op, r, t, OutputPath(prefix, suffix, t), func(w *bufio.Writer, part []any) error {
			return encodeElems(w, part)
		})
	})
}

func checkPrefix(op, prefix string) {
	if prefix == "" {
		buildErrorf(op, "want a path prefix, got an empty string")
	}
}

// saveRDD writes r's partitions with write, one file per partition, into
// dir atomically.
func saveRDD(op string, r *RDD, t Time, dir string, write func(*bufio.Writer, []any) error) {
	saveRDDFiles(op, r, t, dir, "", write)
}

// saveRDDFiles is saveRDD with ext ending the part files' names.
func saveRDDFiles(op string, r *RDD, t Time, dir, ext string, write func(*bufio.Writer, []any) error) {
	fail := func(msg string, err error) {
		panic(taskFailure{&Error{Op: op, Time: t, Msg: msg + ": " + err.Error(), Err: err}})
	}
	if cm := r.ex.cluster; cm != nil {
		saveClusterFiles(cm, op, r, t, dir, ext, write, fail)
		return
	}
	parent, base := filepath.Split(filepath.Clean(dir))
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		fail(fmt.Sprintf("creating %q", parent), err)
	}
	cleanLeftovers(parent, base)
	tmp := filepath.Join(parent, "."+base+".tmp-"+randomSuffix())
	if err := os.Mkdir(tmp, 0o755); err != nil {
		fail(fmt.Sprintf("creating %q", tmp), err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	r.ready()
	r.ex.run(op, t, r.n, func(p int) {
		name := filepath.Join(tmp, fmt.Sprintf("part-%05d%s", p, ext))
		if err := writeFileSynced(name, func(w *bufio.Writer) error { return write(w, r.partition(p)) }); err != nil {
			fail(fmt.Sprintf("writing %s of %q", fmt.Sprintf("part-%05d%s", p, ext), dir), err)
		}
	})
	if err := writeFileSynced(filepath.Join(tmp, successFile), func(*bufio.Writer) error { return nil }); err != nil {
		fail(fmt.Sprintf("writing %s of %q", successFile, dir), err)
	}
	if err := syncPath(tmp); err != nil {
		fail(fmt.Sprintf("syncing %q", tmp), err)
	}
	old := ""
	if _, err := os.Lstat(dir); err == nil {
		old = filepath.Join(parent, "."+base+".old-"+randomSuffix())
		if err := os.Rename(dir, old); err != nil {
			fail(fmt.Sprintf("moving the previous %q aside", dir), err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		fail(fmt.Sprintf("renaming %q to %q", tmp, dir), err)
	}
	done = true
	if err := syncPath(parent); err != nil {
		fail(fmt.Sprintf("syncing %q", parent), err)
	}
	if old != "" {
		os.RemoveAll(old)
	}
}

// cleanLeftovers removes temporary directories of base left by a crash.
func cleanLeftovers(parent, base string) {
	for _, pat := range []string{".tmp-", ".old-"} {
		matches, _ := filepath.Glob(filepath.Join(parent, "."+escapeGlob(base)+pat+"*"))
		for _, m := range matches {
			os.RemoveAll(m)
		}
	}
}

func escapeGlob(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`)
	return r.Replace(s)
}

func randomSuffix() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func writeFileSynced(name string, write func(*bufio.Writer) error) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 64<<10)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// ReadObjectFiles reads back the elements that SaveAsObjectFiles wrote to
// one directory (prefix-TIME_IN_MS[.suffix]), partition by partition, with
// their Go types. A directory without _SUCCESS is incomplete and an error.
func ReadObjectFiles(path string) ([]any, error) {
	parts, err := readObjectParts(path)
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, p := range parts {
		out = append(out, p...)
	}
	return out, nil
}

func readObjectParts(dir string) ([][]any, error) {
	const op = "ReadObjectFiles"
	if _, err := os.Stat(filepath.Join(dir, successFile)); err != nil {
		return nil, &Error{Op: op, Msg: fmt.Sprintf("%q is not a complete output directory (no %s): %v", dir, successFile, err), Err: err}
	}
	names, err := filepath.Glob(filepath.Join(escapeGlob(dir), "part-*"))
	if err != nil {
		return nil, &Error{Op: op, Msg: err.Error(), Err: err}
	}
	sort.Strings(names)
	parts := make([][]any, 0, len(names))
	for _, name := range names {
		xs, err := readObjectFile(name)
		if err != nil {
			return nil, &Error{Op: op, Msg: fmt.Sprintf("reading %q: %v", name, err), Err: err}
		}
		parts = append(parts, xs)
	}
	return parts, nil
}

func readObjectFile(name string) ([]any, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return decodeAllElems(io.Reader(f))
}

package engine

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkTextFileStreamRSS measures the peak resident memory of a process
// whose one batch takes a single large file through a count or a word count,
// as a ratio to the file's size (rss/filesize): the file is cut into splits
// read as the tasks run, so the ratio falls as the file grows. Each size's
// file (RateLine text) is generated in the benchmark's directory; the job is
// engine/internal/rssjob, in its own process so that nothing of the
// benchmark's own memory counts.
//
//	go test -run XXX -bench TextFileStreamRSS ./engine/
func BenchmarkTextFileStreamRSS(b *testing.B) {
	bin := filepath.Join(b.TempDir(), "rssjob")
	if out, err := exec.Command("go", "build", "-o", bin, "./internal/rssjob").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	sizes := []int64{64 << 20, 512 << 20}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, pipeline := range []string{"count", "wordcount"} {
		for _, size := range sizes {
			b.Run(fmt.Sprintf("%s/%dMiB", pipeline, size>>20), func(b *testing.B) {
				dir := b.TempDir()
				src := filepath.Join(dir, "big.txt")
				lines := writeRateFile(b, src, size)
				var rss int64
				for i := 0; i < b.N; i++ {
					in := filepath.Join(dir, fmt.Sprintf("in-%d", i))
					if err := os.Mkdir(in, 0o755); err != nil {
						b.Fatal(err)
					}
					staged := filepath.Join(dir, fmt.Sprintf("big-%d.txt", i))
					if err := os.Link(src, staged); err != nil {
						b.Fatal(err)
					}
					out, err := exec.Command(bin, "-file", staged, "-in", in, "-pipeline", pipeline).Output()
					if err != nil {
						b.Fatalf("rssjob: %v\n%s", err, out)
					}
					var records, words, kb int64
					if _, err := fmt.Sscanf(string(out), "records %d words %d peak-rss-kb %d", &records, &words, &kb); err != nil {
						b.Fatalf("rssjob printed %q: %v", out, err)
					}
					if pipeline == "count" && records != lines {
						b.Fatalf("counted %d lines, want %d", records, lines)
					}
					if pipeline == "wordcount" && words == 0 {
						b.Fatalf("counted no words")
					}
					rss = max(rss, kb<<10)
				}
				b.ReportMetric(float64(rss)/float64(size), "rss/filesize")
				b.ReportMetric(float64(rss)/(1<<20), "MiB-peak-rss")
				b.SetBytes(size)
			})
		}
	}
}

// writeRateFile writes RateLine text of about size bytes to path and
// returns its number of lines.
func writeRateFile(b *testing.B, path string, size int64) int64 {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var n, i int64
	for ; n < size; i++ {
		k, _ := w.WriteString(RateLine(i))
		w.WriteByte('\n')
		n += int64(k) + 1
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return i
}

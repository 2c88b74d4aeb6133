package session

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// streamLog records what reaches a session's stdout and stderr, in the
// order it arrives, each write tagged with its stream.
type streamLog struct {
	mu     sync.Mutex
	writes []string
}

func (l *streamLog) writer(name string) *streamLogWriter { return &streamLogWriter{l, name} }

// lines returns "stream:line" for every line written, merging consecutive
// writes to one stream.
func (l *streamLog) lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	var cur, text string
	flush := func() {
		for _, line := range strings.SplitAfter(text, "\n") {
			if line != "" {
				out = append(out, cur+":"+strings.TrimSuffix(line, "\n"))
			}
		}
		text = ""
	}
	for _, w := range l.writes {
		name, t, _ := strings.Cut(w, "\x00")
		if name != cur {
			flush()
			cur = name
		}
		text += t
	}
	flush()
	return out
}

type streamLogWriter struct {
	l    *streamLog
	name string
}

func (w *streamLogWriter) Write(p []byte) (int, error) {
	w.l.mu.Lock()
	w.l.writes = append(w.l.writes, w.name+"\x00"+string(p))
	w.l.mu.Unlock()
	return len(p), nil
}

// TestStdoutAndStderrKeepTheirOrder: interpreted code writing to fmt's
// standard output, to os.Stderr and to os.Stdout, one after the other,
// reaches the session's writers in the order it was written. (A write to
// os.Stderr followed by one to os.Stdout, both through the capture's pipes,
// has no defined order; see captureStdio.)
func TestStdoutAndStderrKeepTheirOrder(t *testing.T) {
	if captureActive() {
		t.Skip("another session of this process captures os.Stdout")
	}
	var log streamLog
	s, err := New(Options{Stdout: log.writer("stdout"), Stderr: log.writer("stderr")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustEval(t, s, "import \"os\"\nimport \"log\"\nlog.SetFlags(0)")
	for _, tc := range []struct {
		name string
		src  string
		want []string
	}{
		{"Println, Stderr, Println", `fmt.Println("a"); fmt.Fprintln(os.Stderr, "b"); fmt.Println("c")`,
			[]string{"stdout:a", "stderr:b", "stdout:c"}},
		{"os.Stdout, os.Stderr, Println", `fmt.Fprintln(os.Stdout, "a"); fmt.Fprintln(os.Stderr, "b"); fmt.Println("c")`,
			[]string{"stdout:a", "stderr:b", "stdout:c"}},
		{"os.Stdout, os.Stderr", `os.Stdout.WriteString("a\n"); os.Stderr.WriteString("b\n")`,
			[]string{"stdout:a", "stderr:b"}},
		{"log between Println", `fmt.Println("a"); log.Print("b"); fmt.Println("c")`,
			[]string{"stdout:a", "stderr:b", "stdout:c"}},
		{"Stderr, Println", `fmt.Fprintln(os.Stderr, "a"); fmt.Println("b")`,
			[]string{"stderr:a", "stdout:b"}},
		{"Println, os.Stdout, Println", `fmt.Println("a"); os.Stdout.WriteString("b\n"); fmt.Println("c")`,
			[]string{"stdout:a", "stdout:b", "stdout:c"}},
		{"alternating in a loop", "for i := 0; i < 50; i++ {\n\tfmt.Println(i)\n\tfmt.Fprintln(os.Stderr, i)\n}", alternating(50)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log.mu.Lock()
			log.writes = nil
			log.mu.Unlock()
			mustEval(t, s, tc.src)
			if got := log.lines(); strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("output arrived as %q; want %q", got, tc.want)
			}
		})
	}
}

func alternating(n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		out = append(out, fmt.Sprintf("stdout:%d", i), fmt.Sprintf("stderr:%d", i))
	}
	return out
}

func captureActive() bool {
	captureMu.Lock()
	defer captureMu.Unlock()
	return capturing
}

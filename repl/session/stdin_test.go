package session

import (
	"context"
	"io"
	"strings"
	"testing"
)

// TestStdinReaders: os.Stdin passed to a reader reads the session's
// standard input when that is not a file, as fmt.Scan does.
func TestStdinReaders(t *testing.T) {
	out := &syncBuffer{}
	in := &lineReader{lines: []string{"first line", "second line", "3 4"}}
	s, err := New(Options{Stdout: out, Stderr: out, Stdin: in})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	steps := []struct{ name, src, text string }{
		{"bufio.NewReader imported in the same input", "import (\n\t\"bufio\"\n\t\"os\"\n)\nr := bufio.NewReader(os.Stdin)\nline, _ := r.ReadString('\\n')\nline", "first line\n"},
		{"bufio.NewScanner", "sc := bufio.NewScanner(os.Stdin)\nsc.Scan()\nsc.Text()", "second line"},
		{"function of an earlier input", "import \"io\"\nfunc two(r io.Reader) int { var a, b int; fmt.Fscan(r, &a, &b); return a + b }", ""},
		{"passed to it", "two(os.Stdin)", "7"},
		{"os.Stdin itself is kept", "fmt.Sprintf(\"%T\", os.Stdin)", "*os.File"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			r, err := s.Eval(context.Background(), st.src)
			if err != nil {
				t.Fatalf("Eval(%q): %v", st.src, err)
			}
			if r.Text != st.text {
				t.Errorf("got %q; want %q", r.Text, st.text)
			}
		})
	}
	_, err = s.Eval(context.Background(), "two(os.Stdin) + undefinedAfter")
	if err == nil || !strings.Contains(err.Error(), "1:17: undefined: undefinedAfter") {
		t.Errorf("error after a rewritten os.Stdin: %v; want its column kept (1:17)", err)
	}
}

// lineReader takes one line at a time, as a terminal or the kernel's
// standard input does: a Read returns at most the rest of the current line.
type lineReader struct {
	lines []string
	buf   []byte
}

func (r *lineReader) Read(p []byte) (int, error) {
	if len(r.buf) == 0 {
		if len(r.lines) == 0 {
			return 0, io.EOF
		}
		r.buf = []byte(r.lines[0] + "\n")
		r.lines = r.lines[1:]
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

package console

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
)

func TestOut(t *testing.T) {
	var out, log strings.Builder
	o := NewOut(&out, &log)
	o.Write("a\n")
	o.Logf("batch %d\n", 1)
	o.Log(func(w io.Writer) { io.WriteString(w, "done\n") })
	o.Reportf("told %s\n", "once")
	if out.String() != "a\n" || log.String() != "batch 1\ndone\ntold once\n" {
		t.Fatalf("with a batch log: output %q, log %q; want the report on the log", out.String(), log.String())
	}
	o.SetLog(nil)
	o.Logf("lost\n")
	o.Reportf("told %s\n", "twice")
	if out.String() != "a\ntold twice\n" || strings.Contains(log.String(), "lost") {
		t.Fatalf("without a batch log: output %q, log %q; want the report on the output, log lines dropped", out.String(), log.String())
	}
	o.SetOutput(nil)
	o.Write("gone\n")
	o.Reportf("gone too\n")
	if strings.Contains(out.String(), "gone") {
		t.Fatalf("discarded output: got %q", out.String())
	}
	if o.Leaf() != nil {
		t.Fatal("Leaf: want nil before SetLeaf")
	}
	o.SetLeaf(func(x any) string { return fmt.Sprintf("<%v>", x) })
	var b strings.Builder
	Format[struct{ Key, Value any }](&b, 3.5, o.Leaf())
	if b.String() != "<3.5>" {
		t.Fatalf("Format with the leaf set: got %q, want <3.5>", b.String())
	}
}

// TestOutWholeWrites writes from several goroutines: every line arrives
// whole.
func TestOutWholeWrites(t *testing.T) {
	var out strings.Builder
	o := NewOut(&out, nil)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				o.Reportf("%s\n", strings.Repeat(fmt.Sprint(g), 50))
			}
		}()
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 400 {
		t.Fatalf("got %d lines, want 400", len(lines))
	}
	for _, l := range lines {
		if len(l) != 50 || strings.Count(l, l[:1]) != 50 {
			t.Fatalf("line %q is not whole", l)
		}
	}
}

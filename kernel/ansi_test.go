package kernel

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestErrorTracebackInColour: a failing cell's traceback names the error
// in red, as ipykernel's do; ename and evalue stay plain.
func TestErrorTracebackInColour(t *testing.T) {
	_, c := startKernel(t)
	bad := c.execute("undefinedThing + 1")
	if len(bad.outputs) != 1 {
		t.Fatalf("outputs %v, want one error", bad.outputs)
	}
	var e struct {
		Ename, Evalue string
		Traceback     []string
	}
	json.Unmarshal(bad.outputs[0].Content, &e)
	if len(e.Traceback) == 0 || e.Traceback[0] != "\x1b[0;31m"+e.Ename+"\x1b[0m: "+e.Evalue {
		t.Errorf("traceback %q, want the red name %q and the message %q first", e.Traceback, e.Ename, e.Evalue)
	}
	if strings.Contains(e.Ename+e.Evalue, "\x1b") {
		t.Errorf("ename %q and evalue %q carry colour codes", e.Ename, e.Evalue)
	}
	for _, f := range e.Traceback[1:] {
		if !strings.HasPrefix(f, "\x1b[0;32m") || !strings.HasSuffix(f, "\x1b[0m") {
			t.Errorf("frame %q is not green", f)
		}
	}
}

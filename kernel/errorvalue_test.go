package kernel

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestErrorValueIsAnError: a cell whose value is a non-nil error fails as
// Jupyter front ends show failures (status "error", an error message with
// ename, evalue and traceback); a nil error shows nothing.
func TestErrorValueIsAnError(t *testing.T) {
	_, c := startKernel(t)
	c.execute(`ssc := engine.NewStreamingContext("local[2]", "Stopped", engine.Seconds(1), engine.WithManualClock())
ssc.Stop(false)`)
	cells := []struct {
		name, code, ename, evalue string
	}{
		{"engine error", "ssc.Start()", "engine.Error", "1:1: engine: StreamingContext.Start: the context is stopped"},
		{"other error", "import \"errors\"\nerrors.New(\"went wrong\")", "error", "2:1: went wrong"},
	}
	for _, cell := range cells {
		t.Run(cell.name, func(t *testing.T) {
			res := c.execute(cell.code)
			if res.reply["status"] != "error" {
				t.Fatalf("reply %v; want status error", res.reply)
			}
			errs := res.ofType("error")
			if len(errs) != 1 || len(res.ofType("execute_result")) != 0 {
				t.Fatalf("outputs %v; want one error and no execute_result", res.outputs)
			}
			var e struct {
				Ename, Evalue string
				Traceback     []string
			}
			json.Unmarshal(errs[0].Content, &e)
			if e.Ename != cell.ename || !strings.HasPrefix(e.Evalue, cell.evalue) || len(e.Traceback) == 0 {
				t.Errorf("error %s; want ename %q, evalue %q...", errs[0].Content, cell.ename, cell.evalue)
			}
		})
	}
	ok := c.execute("func fine() error { return nil }\nfine()")
	if ok.reply["status"] != "ok" || len(ok.outputs) != 0 {
		t.Errorf("nil error: reply %v, outputs %v; want status ok and no output", ok.reply, ok.outputs)
	}
}

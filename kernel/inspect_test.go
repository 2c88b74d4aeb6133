package kernel

import (
	"strings"
	"testing"
	"time"
)

// TestInspectShowsDocComment inspects names through jupyter_client, as a
// notebook's Shift-Tab does: a method of a value and a package function
// show their doc comment under the signature; a standard library name
// shows its signature.
func TestInspectShowsDocComment(t *testing.T) {
	requireJupyter(t)
	env := jupyterEnv(t)
	out, err := run(t, env, "testdata", 3*time.Minute, systemPython, "inspect_doc.py")
	if err != nil || !strings.HasSuffix(strings.TrimSpace(out), "OK") {
		t.Fatalf("inspect_doc.py: %v\n%s", err, out)
	}
}

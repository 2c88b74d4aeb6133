package kernel

// Error tracebacks in ANSI colour, as ipykernel sends them: front ends
// (JupyterLab, Notebook, nbconvert's HTML) render the codes, and the
// ename and evalue fields stay plain for programs.
const (
	ansiRed   = "\x1b[0;31m"
	ansiGreen = "\x1b[0;32m"
	ansiReset = "\x1b[0m"
)

// colouredTraceback is the traceback a front end shows for an error: its
// name in red before its message, then the frames (where it happened) in
// green.
func colouredTraceback(name, msg string, frames []string) []string {
	tb := make([]string, 0, 1+len(frames))
	tb = append(tb, ansiRed+name+ansiReset+": "+msg)
	for _, f := range frames {
		tb = append(tb, ansiGreen+f+ansiReset)
	}
	return tb
}

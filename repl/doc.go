// Package repl is the interactive shell: readline input with multi-line
// continuation, persistent history, completion, meta-commands, and output of
// running streams printed above the prompt. Evaluation itself belongs to the
// session package, which the Jupyter kernel shares.
package repl

// Package repl is the interactive shell: a line editor in which an input of
// several lines is edited, recalled and searched (Ctrl-R) as one, a history
// file that keeps whole inputs, completion, meta-commands, and output of
// running streams printed above the input being typed. Evaluation itself belongs to the
// session package, which the Jupyter kernel shares.
package repl

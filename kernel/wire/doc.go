// Package wire is the Jupyter messaging protocol's transport layer: the
// connection file, the five ZeroMQ sockets (shell, control, iopub, stdin,
// heartbeat), multipart framing with routing identities and the <IDS|MSG>
// delimiter, and HMAC-SHA256 signing.
//
// It knows message envelopes only. What a message asks for, and evaluating
// Go, belong to package kernel.
//
// A message whose signature is missing or wrong is never handed to the
// kernel: Sockets drops it and logs the reason to its error log (stderr by
// default). Signatures are compared in constant time. As jupyter_client's
// Session does, Sockets remembers the last 65536 signatures it received and
// drops a message whose signature it has seen, so that a captured message
// replayed by someone without the key does not run a second time.
package wire

package kernel

import (
	"errors"
	"io"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gostream/gostream/kernel/wire"
)

// Stream text waits up to streamFlushDelay (or until streamFlushSize bytes
// are pending) to be merged with what follows into one message, so that a
// cell printing many lines sends a few messages, not one per line. Any other
// message flushes the pending text first, so output keeps its order.
const (
	streamFlushDelay = 20 * time.Millisecond
	streamFlushSize  = 64 << 10
)

// iopub is the kernel's side of the iopub socket.
type iopub struct {
	mu      sync.Mutex
	pending []streamChunk
	size    int
	timer   *time.Timer
}

// streamChunk is stream text not yet sent.
type streamChunk struct {
	parent *wire.Message
	name   string // "stdout" or "stderr"
	text   []byte
}

// publish broadcasts a message on iopub with parent as its parent header,
// after any stream text written before it.
func (k *Kernel) publish(msgType string, parent *wire.Message, content any) {
	k.out.mu.Lock()
	defer k.out.mu.Unlock()
	k.flushLocked()
	k.send(wire.IOPub, msgType, parent, content)
}

// reply sends a reply to req on the channel it came from, after the stream
// text the request produced.
func (k *Kernel) reply(ch wire.Channel, req *wire.Message, msgType string, content any) {
	k.flushStreams()
	k.send(ch, msgType, req, content)
}

func (k *Kernel) send(ch wire.Channel, msgType string, parent *wire.Message, content any) {
	m, err := wire.NewMessage(msgType, parent, content)
	if err == nil {
		err = k.socks.Send(ch, m)
	}
	if err != nil && !errors.Is(err, wire.ErrClosed) {
		k.log.Printf("%s: %v", ch, err)
	}
}

// writeStream queues text for a stream message under parent.
func (k *Kernel) writeStream(parent *wire.Message, name string, text []byte) {
	k.out.mu.Lock()
	defer k.out.mu.Unlock()
	o := &k.out
	if n := len(o.pending); n > 0 && o.pending[n-1].parent == parent && o.pending[n-1].name == name {
		o.pending[n-1].text = append(o.pending[n-1].text, text...)
	} else {
		o.pending = append(o.pending, streamChunk{parent, name, append([]byte(nil), text...)})
	}
	o.size += len(text)
	switch {
	case o.size >= streamFlushSize:
		k.flushLocked()
	case o.timer == nil:
		o.timer = time.AfterFunc(streamFlushDelay, k.flushStreams)
	}
}

func (k *Kernel) flushStreams() {
	k.out.mu.Lock()
	defer k.out.mu.Unlock()
	k.flushLocked()
}

func (k *Kernel) flushLocked() {
	o := &k.out
	if o.timer != nil {
		o.timer.Stop()
		o.timer = nil
	}
	for _, c := range o.pending {
		k.send(wire.IOPub, "stream", c.parent, map[string]string{"name": c.name, "text": string(c.text)})
	}
	o.pending, o.size = nil, 0
}

// streamWriter returns a writer publishing stream messages named name
// ("stdout" or "stderr") under parent, however long after the cell the
// writes come.
func (k *Kernel) streamWriter(parent *wire.Message, name string) io.Writer {
	return &streamWriter{k: k, parent: parent, name: name}
}

type streamWriter struct {
	k      *Kernel
	parent *wire.Message
	name   string

	mu      sync.Mutex
	partial []byte // the start of a UTF-8 sequence split across writes
}

func (w *streamWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	buf := append(w.partial, p...)
	cut := len(buf)
	// Hold back an incomplete rune at the end until its remaining bytes come.
	for i := len(buf) - 1; i >= 0 && i >= len(buf)-utf8.UTFMax; i-- {
		if utf8.RuneStart(buf[i]) {
			if !utf8.FullRune(buf[i:]) {
				cut = i
			}
			break
		}
	}
	w.partial = append([]byte(nil), buf[cut:]...)
	if cut > 0 {
		w.k.writeStream(w.parent, w.name, buf[:cut])
	}
	return len(p), nil
}

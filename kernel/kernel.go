package kernel

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/gostream/gostream/kernel/display"
	"github.com/gostream/gostream/kernel/wire"
)

// Version is the kernel's implementation_version.
const Version = "0.1.0"

// Config says how to start a kernel.
type Config struct {
	Conn wire.ConnectionInfo
	// NewEvaluator creates the evaluation session. stdin is what user code
	// reads as standard input: each line is asked of the front end with an
	// input_request when the running cell allows it.
	NewEvaluator func(stdin io.Reader) (Evaluator, error)
	// HistoryFile keeps executed cells across kernel restarts; "" keeps
	// them in memory only.
	HistoryFile string
	// Log receives dropped messages and internal errors (nil: stderr).
	Log *log.Logger
}

// Kernel serves one front end's requests until it is shut down.
type Kernel struct {
	socks *wire.Sockets
	ev    Evaluator
	log   *log.Logger
	hist  *history

	mu         sync.Mutex
	count      int           // execution_count of the last stored cell
	cell       *wire.Message // the execute_request running now, if any
	allowStdin bool
	interrupt  chan struct{}            // closed when the running cell is interrupted
	lastParent *wire.Message            // the most recent execute_request
	displays   map[string]*wire.Message // display_id → request that first showed it
	failedAt   time.Time                // when the last cell with stop_on_error failed
	stopping   int                      // interrupts in progress
	stopped    chan struct{}            // closed when stopping falls to 0

	out iopub // serialises iopub messages, merging stream text

	inputs      chan *wire.Message // input_reply messages
	restoreSink func()
	done        chan struct{}
	shutdown    sync.Once
}

// Start binds the sockets named by cfg.Conn, creates the evaluator, and
// serves requests in the background until a shutdown_request (or Close).
func Start(cfg Config) (*Kernel, error) {
	lg := cfg.Log
	if lg == nil {
		lg = log.New(os.Stderr, "gostream kernel: ", log.LstdFlags)
	}
	hist, err := openHistory(cfg.HistoryFile)
	if err != nil {
		lg.Printf("%v (history kept in memory only)", err)
		hist, _ = openHistory("")
	}
	socks, err := wire.Listen(cfg.Conn, lg)
	if err != nil {
		return nil, err
	}
	k := &Kernel{
		socks:    socks,
		log:      lg,
		hist:     hist,
		displays: map[string]*wire.Message{},
		inputs:   make(chan *wire.Message, 1),
		done:     make(chan struct{}),
	}
	ev, err := cfg.NewEvaluator(&stdinReader{k: k})
	if err != nil {
		socks.Close()
		return nil, fmt.Errorf("kernel: starting the session: %w", err)
	}
	k.ev = ev
	k.restoreSink = display.SetSink(k)
	k.publish("status", nil, map[string]string{"execution_state": "starting"})
	go k.serve(wire.Shell)
	go k.serve(wire.Control)
	go k.serveStdin()
	return k, nil
}

// Info returns the connection info with the ports actually bound.
func (k *Kernel) Info() wire.ConnectionInfo { return k.socks.Info() }

// Done is closed when the kernel has shut down.
func (k *Kernel) Done() <-chan struct{} { return k.done }

// ShutdownTimeout bounds how long Close (and so a shutdown_request) waits
// for the session to stop its streams: stopping a stream waits for its
// running batch, which user code may keep from ever returning. It is the
// bound the gostream kernel command gives SIGTERM.
const ShutdownTimeout = 5 * time.Second

// Close stops every stream, closes the session and the sockets. If the
// session has not closed within ShutdownTimeout (a batch stuck in user
// code), Close logs it, forces the interpreter to stop and closes the
// sockets without waiting further.
func (k *Kernel) Close() error {
	var err error
	k.shutdown.Do(func() {
		k.mu.Lock()
		running := k.cell != nil
		k.mu.Unlock()
		if running {
			k.interruptCell()
		}
		closed := make(chan error, 1)
		go func() { closed <- k.ev.Close() }()
		select {
		case err = <-closed:
		case <-time.After(ShutdownTimeout):
			k.log.Printf("a running batch did not stop within %v; shutting down anyway", ShutdownTimeout)
			// Two interrupts at once force the stuck code to stop, as a
			// second interrupt_request does, rather than leave it spinning
			// in a process that embeds the kernel.
			go k.ev.Interrupt()
			go k.ev.Interrupt()
		}
		k.restoreSink()
		k.flushStreams()
		// Give the iopub queue a moment to deliver the last messages.
		time.Sleep(100 * time.Millisecond)
		if cerr := k.socks.Close(); err == nil {
			err = cerr
		}
		close(k.done)
	})
	return err
}

// serve handles the requests of one ROUTER channel, one at a time: on
// shell a long-running cell holds up later requests, while control stays
// free for interrupts and shutdowns.
func (k *Kernel) serve(ch wire.Channel) {
	for {
		m, err := k.socks.Recv(ch)
		if err != nil {
			if errors.Is(err, wire.ErrClosed) {
				return
			}
			select {
			case <-k.done:
				return
			default:
			}
			k.log.Printf("%s: %v", ch, err)
			continue
		}
		k.handle(ch, m)
	}
}

func (k *Kernel) serveStdin() {
	for {
		m, err := k.socks.Recv(wire.Stdin)
		if err != nil {
			if errors.Is(err, wire.ErrClosed) {
				return
			}
			k.log.Printf("stdin: %v", err)
			continue
		}
		if m.Header.MsgType != "input_reply" {
			k.log.Printf("stdin: ignored %s", m.Header.MsgType)
			continue
		}
		select {
		case k.inputs <- m:
		default:
			k.log.Printf("stdin: input_reply %s answers no input_request", m.Header.MsgID)
		}
	}
}

// handle answers one request between busy and idle status messages.
func (k *Kernel) handle(ch wire.Channel, m *wire.Message) {
	k.publish("status", m, map[string]string{"execution_state": "busy"})
	defer k.publish("status", m, map[string]string{"execution_state": "idle"})
	defer func() {
		// A failure answering one request must not take the kernel down.
		if r := recover(); r != nil {
			k.log.Printf("%s: %s: panic: %v", ch, m.Header.MsgType, r)
		}
	}()
	switch t := m.Header.MsgType; t {
	case "kernel_info_request":
		k.reply(ch, m, "kernel_info_reply", kernelInfo())
	case "execute_request":
		k.execute(ch, m)
	case "complete_request":
		k.complete(ch, m)
	case "inspect_request":
		k.inspect(ch, m)
	case "is_complete_request":
		k.isComplete(ch, m)
	case "history_request":
		k.historyRequest(ch, m)
	case "comm_info_request":
		k.reply(ch, m, "comm_info_reply", map[string]any{"status": "ok", "comms": map[string]any{}})
	case "comm_open":
		// No comm targets: close the comm at once, as ipykernel does for
		// an unknown target.
		var c struct {
			CommID string `json:"comm_id"`
		}
		_ = json.Unmarshal(m.Content, &c)
		k.publish("comm_close", m, map[string]any{"comm_id": c.CommID, "data": map[string]any{}})
	case "comm_msg", "comm_close":
	case "interrupt_request":
		// Stopping the streams waits for their running batches. The
		// interrupt goes on in the background so that control stays free:
		// a second interrupt_request forces a batch stuck in user code.
		k.Interrupt()
		k.reply(ch, m, "interrupt_reply", map[string]any{"status": "ok"})
	case "shutdown_request":
		var req struct {
			Restart bool `json:"restart"`
		}
		_ = json.Unmarshal(m.Content, &req)
		content := map[string]any{"status": "ok", "restart": req.Restart}
		k.reply(ch, m, "shutdown_reply", content)
		k.publish("shutdown_reply", m, content)
		k.publish("status", m, map[string]string{"execution_state": "idle"})
		go k.Close()
	default:
		k.log.Printf("%s: unhandled message type %q", ch, t)
	}
}

func kernelInfo() map[string]any {
	return map[string]any{
		"status":                 "ok",
		"protocol_version":       wire.ProtocolVersion,
		"implementation":         "gostream",
		"implementation_version": Version,
		"language_info": map[string]any{
			"name":            "go",
			"version":         goVersion(),
			"mimetype":        "text/x-go",
			"file_extension":  ".go",
			"pygments_lexer":  "go",
			"codemirror_mode": "go",
		},
		"banner": "gostream " + Version + ": Spark Streaming's DStreams in Go (" + runtime.Version() + ", interpreted by yaegi)",
		"help_links": []map[string]string{
			{"text": "Go", "url": "https://go.dev/doc/"},
		},
	}
}

func goVersion() string {
	v := runtime.Version()
	if len(v) > 2 && v[:2] == "go" {
		return v[2:]
	}
	return v
}

// interruptCell stops the running cell (if any) and every active stream.
func (k *Kernel) interruptCell() {
	k.mu.Lock()
	if k.interrupt != nil {
		close(k.interrupt)
		k.interrupt = nil
	}
	k.mu.Unlock()
	k.ev.Interrupt()
}

// Interrupt stops the running cell and every active stream, as an
// interrupt_request does. It returns at once: stopping the streams waits
// for their running batches, and a second Interrupt forces a batch stuck in
// user code. A cell executed after Interrupt starts once the streams have
// stopped, so that the interrupt never stops it.
func (k *Kernel) Interrupt() {
	k.mu.Lock()
	if k.stopping == 0 {
		k.stopped = make(chan struct{})
	}
	k.stopping++
	k.mu.Unlock()
	go func() {
		k.interruptCell()
		k.mu.Lock()
		if k.stopping--; k.stopping == 0 {
			close(k.stopped)
		}
		k.mu.Unlock()
	}()
}

// waitInterrupts waits for the interrupts in progress to finish.
func (k *Kernel) waitInterrupts() {
	k.mu.Lock()
	pending, stopped := k.stopping > 0, k.stopped
	k.mu.Unlock()
	if !pending {
		return
	}
	select {
	case <-stopped:
	case <-k.done:
	}
}

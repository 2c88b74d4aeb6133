package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/gostream/gostream/kernel/display"
	"github.com/gostream/gostream/kernel/wire"
)

type executeRequest struct {
	Code         string `json:"code"`
	Silent       bool   `json:"silent"`
	StoreHistory *bool  `json:"store_history"`
	AllowStdin   bool   `json:"allow_stdin"`
	StopOnError  bool   `json:"stop_on_error"`
}

// execute runs one cell: execute_input, the cell's output as it happens,
// then execute_result or exactly one error, then the reply.
func (k *Kernel) execute(ch wire.Channel, m *wire.Message) {
	var req executeRequest
	if err := json.Unmarshal(m.Content, &req); err != nil {
		k.reply(ch, m, "execute_reply", errorContent("BadRequest", "execute_request: "+err.Error(), nil, k.executionCount()))
		return
	}
	if k.abortQueued(m) {
		k.reply(ch, m, "execute_reply", map[string]any{"status": "aborted", "execution_count": k.executionCount()})
		return
	}
	// A cell sent after an interrupt must not be stopped by it.
	k.waitInterrupts()
	// As in IPython, a cell of nothing but white space is neither counted
	// nor recorded.
	store := !req.Silent && (req.StoreHistory == nil || *req.StoreHistory) && strings.TrimSpace(req.Code) != ""

	k.mu.Lock()
	if store {
		k.count++
	}
	count := k.count
	k.cell, k.lastParent, k.allowStdin = m, m, req.AllowStdin
	k.interrupt = make(chan struct{})
	k.mu.Unlock()
	defer func() {
		k.mu.Lock()
		k.cell, k.interrupt = nil, nil
		k.mu.Unlock()
	}()

	if !req.Silent {
		k.publish("execute_input", m, map[string]any{"code": req.Code, "execution_count": count})
	}
	var stdout, stderr io.Writer = io.Discard, io.Discard
	if !req.Silent {
		stdout, stderr = k.streamWriter(m, "stdout"), k.streamWriter(m, "stderr")
	}
	k.ev.SetOutput(stdout, stderr)
	res, err := k.eval(req.Code)

	var output *string
	switch {
	case err != nil:
		var ee *EvalError
		if !errors.As(err, &ee) {
			ee = &EvalError{Name: "Error", Message: err.Error()}
		}
		if req.StopOnError {
			// Before the reply goes out: whatever the front end sends after
			// seeing it carries a later date.
			k.mu.Lock()
			k.failedAt = time.Now()
			k.mu.Unlock()
		}
		content := errorContent(ee.Name, ee.Message, ee.Traceback, count)
		if !req.Silent {
			k.publish("error", m, map[string]any{"ename": content["ename"], "evalue": content["evalue"], "traceback": content["traceback"]})
		}
		k.reply(ch, m, "execute_reply", content)
	default:
		if res.HasValue && !req.Silent {
			k.publish("execute_result", m, map[string]any{"execution_count": count, "data": res.Data, "metadata": map[string]any{}})
			if s, ok := res.Data["text/plain"].(string); ok {
				output = &s
			}
		}
		k.reply(ch, m, "execute_reply", map[string]any{
			"status": "ok", "execution_count": count, "payload": []any{}, "user_expressions": map[string]any{},
		})
	}
	if store {
		if err := k.hist.add(count, req.Code, output); err != nil {
			k.log.Printf("history: %v", err)
		}
	}
}

// abortQueued reports whether m is an execute_request that was sent
// before a cell with stop_on_error failed: the rest of a "run all" that
// Jupyter front ends expect the kernel to skip after an error, as ipykernel
// does.
func (k *Kernel) abortQueued(m *wire.Message) bool {
	k.mu.Lock()
	failedAt := k.failedAt
	k.mu.Unlock()
	if failedAt.IsZero() {
		return false
	}
	sent, err := time.Parse(time.RFC3339Nano, m.Header.Date)
	return err == nil && sent.Before(failedAt)
}

// eval runs code, turning a panic escaping the evaluator into an error so
// the kernel lives on.
func (k *Kernel) eval(code string) (res Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &EvalError{Name: "panic", Message: fmt.Sprint(r)}
		}
	}()
	return k.ev.Eval(context.Background(), code)
}

func (k *Kernel) executionCount() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.count
}

func errorContent(name, msg string, traceback []string, count int) map[string]any {
	if name == "" {
		name = "Error"
	}
	// Front ends show the traceback only; make sure it says what failed.
	tb := colouredTraceback(name, msg, traceback)
	return map[string]any{
		"status": "error", "ename": name, "evalue": msg, "traceback": tb, "execution_count": count,
	}
}

// stdinReader is the session's standard input: each read that finds no
// buffered text asks the front end for a line.
type stdinReader struct {
	k   *Kernel
	mu  sync.Mutex
	buf []byte
}

func (r *stdinReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.buf) == 0 {
		line, err := r.k.Input("", false)
		if errors.Is(err, ErrNoStdin) {
			return 0, err
		}
		if err != nil {
			return 0, io.EOF
		}
		r.buf = []byte(line + "\n")
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// ErrNoStdin is returned by Input when no cell is running or its front end
// does not allow input.
var ErrNoStdin = errors.New("kernel: the front end does not accept input for this cell")

// Input sends an input_request to the front end that ran the current cell
// and waits for its reply (display.Sink).
func (k *Kernel) Input(prompt string, password bool) (string, error) {
	k.mu.Lock()
	cell, allowed, interrupted := k.cell, k.allowStdin, k.interrupt
	k.mu.Unlock()
	if cell == nil || !allowed {
		return "", ErrNoStdin
	}
	// Drop a stale reply to an earlier, interrupted request.
	select {
	case <-k.inputs:
	default:
	}
	req, err := wire.NewMessage("input_request", cell, map[string]any{"prompt": prompt, "password": password})
	if err != nil {
		return "", err
	}
	if err := k.socks.Send(wire.Stdin, req); err != nil {
		return "", err
	}
	select {
	case rep := <-k.inputs:
		var c struct {
			Value string `json:"value"`
		}
		if err := json.Unmarshal(rep.Content, &c); err != nil {
			return "", fmt.Errorf("kernel: input_reply: %w", err)
		}
		return c.Value, nil
	case <-interrupted:
		return "", errors.New("kernel: input interrupted")
	case <-k.done:
		return "", wire.ErrClosed
	}
}

// outputParent is the request new displays belong to: the running cell, or
// the last one run when output comes from a stream between cells.
func (k *Kernel) outputParent() *wire.Message {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.cell != nil {
		return k.cell
	}
	return k.lastParent
}

// Display sends display_data (display.Sink).
func (k *Kernel) Display(d display.Data, id string) {
	parent := k.outputParent()
	content := map[string]any{"data": d, "metadata": map[string]any{}}
	if id != "" {
		k.mu.Lock()
		k.displays[id] = parent
		k.mu.Unlock()
		content["transient"] = map[string]any{"display_id": id}
	}
	k.publish("display_data", parent, content)
}

// Update sends update_display_data (display.Sink) under the request that
// first showed id, which is where JupyterLab looks for it; when another cell
// is running, also under that cell, the only one whose messages nbclient
// (nbconvert --execute) reads. An update of an id a cell does not show
// changes nothing there, so a front end never applies it twice.
func (k *Kernel) Update(d display.Data, id string) {
	k.mu.Lock()
	creator, known := k.displays[id]
	running := k.cell
	k.mu.Unlock()
	content := map[string]any{
		"data": d, "metadata": map[string]any{}, "transient": map[string]any{"display_id": id},
	}
	if !known {
		creator = k.outputParent()
	}
	k.publish("update_display_data", creator, content)
	if running != nil && running != creator {
		k.publish("update_display_data", running, content)
	}
}

// Clear sends clear_output for the running cell (display.Sink).
func (k *Kernel) Clear(wait bool) {
	k.publish("clear_output", k.outputParent(), map[string]any{"wait": wait})
}

package session

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gostream/gostream/engine"
)

// ReceiverErrorInterval is how often at most the session reports errors of
// one receiver (a SocketTextStream whose server refuses retries every few
// milliseconds at first), and of the failed batches of one context; the
// errors in between are counted, and the count is shown with the next
// report.
var ReceiverErrorInterval = 5 * time.Second

// adopt is the engine's NewStreamingContext hook: a context created while
// this session evaluates an input belongs to the session. It prints to the
// input's output until an input starts it (see started), formats values
// with the session's formatter, and reports its receivers' errors.
func (s *Session) adopt(ssc *engine.StreamingContext) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.evaluating {
		return
	}
	s.own(ssc)
}

// own makes ssc one of the session's contexts; s.mu is held.
func (s *Session) own(ssc *engine.StreamingContext) {
	ssc.SetOutput(s.stdout.get())
	ssc.SetFormatter(s.formatLeaf)
	ssc.SetListenerViews(s.listenerViews)
	if s.runningFile {
		// The frames a failed batch's functions wrote while panicking are
		// no part of a later panic of the program: drop them.
		ssc.AddStreamingListener(engine.OnBatchCompleted(func(info engine.BatchInfo) {
			if info.Err != nil {
				s.trace.take()
			}
		}))
	} else {
		// Interactively, the per-batch log lines would bury the prompt;
		// :streams shows the same metrics on demand. Receiver errors, which
		// the batch log would carry, are reported on the input's stderr.
		ssc.SetBatchLog(nil)
		rl := &receiverErrorLog{interval: ReceiverErrorInterval, last: map[string]time.Time{}, missed: map[string]int{},
			trace: s.trace.take, shown: s.shownBatchError, failed: &s.failedBatches}
		rl.setOutput(s.stderr.get())
		ssc.AddStreamingListener(rl)
		if s.receiverLogs == nil {
			s.receiverLogs = map[*engine.StreamingContext]*receiverErrorLog{}
		}
		s.receiverLogs[ssc] = rl
	}
	s.contexts = append(s.contexts, ssc)
}

// started is the engine's Start hook: a context started by an input prints
// to that input's output (a notebook cell that starts a stream gets its
// batches), whichever input created it.
func (s *Session) started(ssc *engine.StreamingContext) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.evaluating {
		return
	}
	owned := false
	for _, c := range s.contexts {
		if c == ssc {
			owned = true
			break
		}
	}
	if !owned {
		return
	}
	ssc.SetOutput(s.stdout.get())
	if rl := s.receiverLogs[ssc]; rl != nil {
		rl.setOutput(s.stderr.get())
	}
}

// forget drops what the session keeps for a stopped context, after
// reporting the failed batches its log left unwritten; s.mu is held.
func (s *Session) forget(ssc *engine.StreamingContext) {
	if l := s.receiverLogs[ssc]; l != nil {
		l.flush(ssc.AppName())
	}
	delete(s.receiverLogs, ssc)
}

// flush writes how many failed batches of the stopped context app were
// not reported, if any.
func (l *receiverErrorLog) flush(app string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if n := l.missed[batchKey]; n > 0 && l.w != nil {
		fmt.Fprintf(l.w, "batch error: %d more failed batches of %s since the last report\n", n, app)
	}
	delete(l.missed, batchKey)
}

// receiverErrorLog writes a context's receiver errors, one line each, at
// most one per receiver per interval.
type receiverErrorLog struct {
	interval time.Duration

	mu     sync.Mutex
	w      io.Writer
	last   map[string]time.Time // by stream (batchKey for batches): when its last error was written
	missed map[string]int       // by stream: errors not written since

	trace  func() []string // takes the interpreter's panic frames written since the last call
	shown  func(error)     // hears of each batch error written
	failed *atomic.Int64   // counts failed batches, written or not
}

func (l *receiverErrorLog) setOutput(w io.Writer) {
	l.mu.Lock()
	l.w = w
	l.mu.Unlock()
}

// batchKey is the key of a context's batch errors in last and missed, which
// no receiver's stream name can be.
const batchKey = ""

// OnBatchCompleted reports the errors of a failed batch, one
// "batch error: ..." line each, followed by the frames of interpreted
// functions that panicked in it; like receiver errors, at most once per
// interval.
func (l *receiverErrorLog) OnBatchCompleted(info engine.BatchInfo) {
	if info.Err == nil {
		return
	}
	if l.failed != nil {
		l.failed.Add(1)
	}
	var trace []string
	if l.trace != nil {
		trace = l.trace()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := info.ProcessingEnd
	if now.IsZero() {
		now = time.Now()
	}
	if last, ok := l.last[batchKey]; ok && now.Sub(last) < l.interval {
		l.missed[batchKey]++
		return
	}
	l.last[batchKey] = now
	errs := []error{info.Err}
	if j, ok := info.Err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	var b strings.Builder
	for i, err := range errs {
		b.WriteString("batch error: " + err.Error())
		if n := l.missed[batchKey]; n > 0 && i == len(errs)-1 {
			fmt.Fprintf(&b, " (%d more failed batches since the last report)", n)
		}
		b.WriteByte('\n')
	}
	delete(l.missed, batchKey)
	seen := map[string]bool{}
	for _, t := range trace {
		if !seen[t] {
			seen[t] = true
			b.WriteString("\t" + t + "\n")
		}
	}
	if l.w != nil {
		io.WriteString(l.w, b.String())
	}
	if l.shown != nil {
		for _, err := range errs {
			l.shown(err)
		}
	}
}

// OnReceiverError implements engine.ReceiverErrorListener.
func (l *receiverErrorLog) OnReceiverError(info engine.ReceiverErrorInfo) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := info.Time
	if now.IsZero() {
		now = time.Now()
	}
	if last, ok := l.last[info.Stream]; ok && now.Sub(last) < l.interval {
		l.missed[info.Stream]++
		return
	}
	l.last[info.Stream] = now
	line := "receiver error: " + info.Stream + ": " + info.Msg
	if info.Err != nil {
		line += ": " + info.Err.Error()
	}
	if n := l.missed[info.Stream]; n > 0 {
		line += fmt.Sprintf(" (%d more since the last report)", n)
	}
	delete(l.missed, info.Stream)
	if l.w != nil {
		io.WriteString(l.w, line+"\n")
	}
}

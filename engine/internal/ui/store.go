package ui

import (
	"sort"
	"sync"
	"time"
)

// RetainedBatches is how many completed batches an App keeps for its pages
// (Spark's spark.streaming.ui.retainedBatches).
const RetainedBatches = 1000

// retainedContexts is how many stopped contexts the server keeps listing.
const retainedContexts = 20

// AppInfo describes a StreamingContext when it is registered.
type AppInfo struct {
	Name          string
	Master        string
	BatchInterval time.Duration
	// State returns the context's life-cycle state now: INITIALIZED,
	// ACTIVE or STOPPED.
	State func() string
}

// StreamInfo describes an input stream.
type StreamInfo struct {
	ID       int
	Name     string
	Receiver bool // a receiver stream (socket, custom receiver)
}

// Op is one output operation of a batch.
type Op struct {
	ID          int
	Name        string
	Description string
	Start, End  time.Time // End is zero while it runs
	Err         string
}

// Batch is one batch as the pages show it.
type Batch struct {
	Time      int64 // milliseconds since the epoch
	Submitted time.Time
	Started   time.Time // zero while queued
	Ended     time.Time // zero until completed
	Records   int
	Inputs    []int // records per input stream, by stream ID
	Ops       []Op
	Err       string
}

// SchedulingDelay is the wait from submission to the first job; 0 while queued.
func (b *Batch) SchedulingDelay() time.Duration {
	if b.Started.IsZero() {
		return 0
	}
	return b.Started.Sub(b.Submitted)
}

// ProcessingTime is how long the jobs ran; 0 until completed.
func (b *Batch) ProcessingTime() time.Duration {
	if b.Ended.IsZero() {
		return 0
	}
	return b.Ended.Sub(b.Started)
}

// TotalDelay is scheduling delay plus processing time; 0 until completed.
func (b *Batch) TotalDelay() time.Duration {
	if b.Ended.IsZero() {
		return 0
	}
	return b.Ended.Sub(b.Submitted)
}

func (b *Batch) failedOps() int {
	n := 0
	for _, o := range b.Ops {
		if o.Err != "" {
			n++
		}
	}
	return n
}

// Stream is an input stream with what its pages show.
type Stream struct {
	StreamInfo
	Active        bool // a receiver between started and stopped
	Records       int64
	Errors        int
	LastError     string
	LastErrorTime time.Time
}

// App is one registered StreamingContext. Its methods are the listener
// events package engine forwards; they are safe for concurrent use.
type App struct {
	ID   int
	info AppInfo
	srv  *Server
	m    *appMetrics

	mu        sync.Mutex
	created   time.Time
	started   time.Time
	streams   []*Stream
	active    []*Batch // submitted, not completed, in batch order
	completed []*Batch // the last RetainedBatches, oldest first
	failed    []*Batch // failed among them and older ones, up to RetainedBatches
	nDone     int      // batches completed since the start
	nFailed   int
	records   int64
}

// Add registers a context and returns the App its events go to.
func (s *Server) Add(info AppInfo) *App {
	s.mu.Lock()
	s.nextID++
	a := &App{ID: s.nextID, info: info, srv: s, created: time.Now()}
	a.m = s.metrics.forApp(a)
	s.apps = append(s.apps, a)
	// Forget the oldest stopped contexts beyond retainedContexts.
	if len(s.apps) > retainedContexts {
		keep := s.apps[:0]
		drop := len(s.apps) - retainedContexts
		for _, x := range s.apps {
			if drop > 0 && x.State() == "STOPPED" {
				drop--
				s.metrics.drop(x)
				continue
			}
			keep = append(keep, x)
		}
		s.apps = keep
	}
	s.mu.Unlock()
	s.changed()
	return a
}

// State is the context's life-cycle state.
func (a *App) State() string {
	if a.info.State == nil {
		return "ACTIVE"
	}
	return a.info.State()
}

// Name is the context's application name.
func (a *App) Name() string { return a.info.Name }

// Started records that the context started with the given input streams.
func (a *App) Started(at time.Time, streams []StreamInfo) {
	a.mu.Lock()
	a.started = at
	known := map[int]*Stream{}
	for _, s := range a.streams {
		known[s.ID] = s
	}
	a.streams = a.streams[:0]
	for _, si := range streams {
		s := known[si.ID]
		if s == nil {
			s = &Stream{}
		}
		s.StreamInfo = si
		a.streams = append(a.streams, s)
	}
	a.mu.Unlock()
	a.m.started(streams)
	a.srv.changed()
}

// stream returns the stream id, adding it when a receiver event comes
// before Started; call with a.mu held.
func (a *App) stream(id int, name string) *Stream {
	for _, s := range a.streams {
		if s.ID == id {
			return s
		}
	}
	s := &Stream{StreamInfo: StreamInfo{ID: id, Name: name, Receiver: true}}
	a.streams = append(a.streams, s)
	sort.Slice(a.streams, func(i, j int) bool { return a.streams[i].ID < a.streams[j].ID })
	return s
}

// BatchSubmitted records a generated batch with its records per stream.
func (a *App) BatchSubmitted(t int64, at time.Time, inputs []int) {
	b := &Batch{Time: t, Submitted: at, Inputs: inputs}
	for _, n := range inputs {
		b.Records += n
	}
	a.mu.Lock()
	a.active = append(a.active, b)
	a.mu.Unlock()
	a.m.activeBatches(1)
	a.srv.changed()
}

// findActive returns the active batch at t; call with a.mu held.
func (a *App) findActive(t int64) *Batch {
	for _, b := range a.active {
		if b.Time == t {
			return b
		}
	}
	return nil
}

// BatchStarted records that the batch at t started running.
func (a *App) BatchStarted(t int64, at time.Time) {
	a.mu.Lock()
	if b := a.findActive(t); b != nil {
		b.Started = at
	}
	a.mu.Unlock()
	a.srv.changed()
}

// OpStarted records that an output operation of the batch at t started.
func (a *App) OpStarted(t int64, op Op) {
	a.mu.Lock()
	if b := a.findActive(t); b != nil {
		b.Ops = append(b.Ops, op)
	}
	a.mu.Unlock()
	a.srv.changed()
}

// OpCompleted records that an output operation of the batch at t ended.
func (a *App) OpCompleted(t int64, op Op) {
	a.mu.Lock()
	if b := a.findActive(t); b != nil {
		replaced := false
		for i := range b.Ops {
			if b.Ops[i].ID == op.ID {
				b.Ops[i], replaced = op, true
			}
		}
		if !replaced {
			b.Ops = append(b.Ops, op)
		}
	}
	a.mu.Unlock()
	a.m.opCompleted(op)
	a.srv.changed()
}

// BatchCompleted records the end of the batch at t. The times and inputs
// given are the batch's final ones; ops replaces what OpCompleted recorded.
func (a *App) BatchCompleted(final Batch) {
	a.mu.Lock()
	b := a.findActive(final.Time)
	if b != nil {
		for i, x := range a.active {
			if x == b {
				a.active = append(a.active[:i:i], a.active[i+1:]...)
				break
			}
		}
	}
	nb := final
	b = &nb
	for i, n := range b.Inputs {
		if s := a.streamByID(i); s != nil {
			s.Records += int64(n)
		}
	}
	a.completed = append(a.completed, b)
	if len(a.completed) > RetainedBatches {
		a.completed = append(a.completed[:0], a.completed[len(a.completed)-RetainedBatches:]...)
	}
	if b.Err != "" {
		a.nFailed++
		a.failed = append(a.failed, b)
		if len(a.failed) > RetainedBatches {
			a.failed = append(a.failed[:0], a.failed[len(a.failed)-RetainedBatches:]...)
		}
	}
	a.nDone++
	a.records += int64(b.Records)
	names := a.streamNames()
	a.mu.Unlock()
	a.m.batchCompleted(b, names, a.info.BatchInterval)
	a.srv.changed()
}

// streamByID returns the stream id or nil; call with a.mu held.
func (a *App) streamByID(id int) *Stream {
	for _, s := range a.streams {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// streamNames returns the names of the streams by ID; call with a.mu held.
func (a *App) streamNames() map[int]string {
	m := make(map[int]string, len(a.streams))
	for _, s := range a.streams {
		m[s.ID] = s.Name
	}
	return m
}

// ReceiverStarted records that the receiver of stream id started.
func (a *App) ReceiverStarted(id int, name string) {
	a.mu.Lock()
	a.stream(id, name).Active = true
	a.mu.Unlock()
	a.m.receiverActive(name, true)
	a.srv.changed()
}

// ReceiverStopped records that the receiver of stream id stopped.
func (a *App) ReceiverStopped(id int, name string) {
	a.mu.Lock()
	a.stream(id, name).Active = false
	a.mu.Unlock()
	a.m.receiverActive(name, false)
	a.srv.changed()
}

// ReceiverError records an error the receiver of stream id reported.
func (a *App) ReceiverError(id int, name, msg string, at time.Time) {
	a.mu.Lock()
	s := a.stream(id, name)
	s.Errors++
	s.LastError, s.LastErrorTime = msg, at
	a.mu.Unlock()
	a.m.receiverError(name)
	a.srv.changed()
}

// snapshot is a consistent copy of an App for rendering.
type snapshot struct {
	ID            int
	Name, Master  string
	State         string
	BatchInterval time.Duration
	Created       time.Time
	Started       time.Time
	Streams       []Stream
	Active        []Batch
	Completed     []Batch
	Failed        []Batch
	NDone         int
	NFailed       int
	Records       int64
}

func (a *App) snapshot() snapshot {
	a.mu.Lock()
	defer a.mu.Unlock()
	s := snapshot{
		ID: a.ID, Name: a.info.Name, Master: a.info.Master, BatchInterval: a.info.BatchInterval,
		Created: a.created, Started: a.started, NDone: a.nDone, NFailed: a.nFailed, Records: a.records,
	}
	for _, x := range a.streams {
		s.Streams = append(s.Streams, *x)
	}
	for _, b := range a.active {
		c := *b
		c.Ops = append([]Op(nil), b.Ops...)
		s.Active = append(s.Active, c)
	}
	for _, b := range a.completed {
		s.Completed = append(s.Completed, *b)
	}
	for _, b := range a.failed {
		s.Failed = append(s.Failed, *b)
	}
	s.State = a.State()
	return s
}

// batch returns the batch at t, completed or active.
func (a *App) batch(t int64) (Batch, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, list := range [][]*Batch{a.active, a.completed, a.failed} {
		for _, b := range list {
			if b.Time == t {
				c := *b
				c.Ops = append([]Op(nil), b.Ops...)
				return c, true
			}
		}
	}
	return Batch{}, false
}

package checkpoint

import (
	"fmt"
	"os"
	"sync"

	"github.com/gostream/gostream/engine/internal/state"
)

// Config is what a Checkpointer is opened with.
type Config struct {
	// Dir is the checkpoint directory; Open creates it when missing.
	Dir string
	// Meta is the metadata of the graph: App, Master, BatchMS, Graph, Zero,
	// and one Input per input stream with its Stream and Op.
	Meta Meta
	// Prev is the recovered metadata, if any: the checkpointer goes on from
	// its last completed and pending batches, states, positions and input
	// batches.
	Prev *Meta
	// Remember is, per input, how far back its stream looks, in ms.
	Remember []int64
	// Stateful are the graph indexes of the stateful streams, in order.
	Stateful []int
	// Interval is the time between state checkpoints, in ms: state files
	// are written after the batches at a multiple of it from the zero time.
	Interval int64
	// Encode encodes a partition of state; Split and Same are as in
	// state.Image.Diff.
	Encode func([]any) ([]byte, error)
	Split  state.Split
	Same   state.Same
	// Fail reports a checkpoint of batch t that could not be written; later
	// batches try again.
	Fail func(t int64, err error)
}

// Checkpointer writes a running context's checkpoints: a metadata file when
// a batch is generated and when it completes, the state files of stateful
// streams when due, and it deletes what no recovery needs. It holds the
// directory's lock until Close. Its methods are safe for concurrent use,
// but Completed must not run concurrently with itself.
type Checkpointer struct {
	files    *Dir
	lock     *Lock
	chains   *Chains
	remember []int64
	stateful []int
	interval int64
	fail     func(t int64, err error)
	inputs   []Source

	mu   sync.Mutex
	meta Meta
}

// Source is what the checkpointer asks of one input stream; any field
// may be nil.
type Source struct {
	// Record is what the input handed batch t, in its own encoding, so
	// that recovery can rebuild the batch; nil when the time is enough.
	Record func(t int64) ([]byte, error)
	// Position is where the input is (the files taken, the end of the log
	// allocated), recorded with every generated batch.
	Position func() ([]byte, error)
	// Release, for an input with a write-ahead log, deletes what no batch
	// needs, given what the metadata keeps of the input; it is called after
	// every completed batch. Such an input's position is in the initial
	// checkpoint too.
	Release func(batches []Batch, position []byte)
	// Close is called by the checkpointer's Close (a log's files).
	Close func()
	// Restore, at recovery, puts back the position recorded last.
	Restore func(position []byte) error
	// Rebuild, at recovery, rebuilds batch t from its record and returns
	// its number of records.
	Rebuild func(t int64, record []byte) (records int, err error)
	// Resumed tells a started input that t was the last batch generated
	// before the restart.
	Resumed func(t int64)
}

// Open locks and prepares the checkpoint directory of a started context
// (OpenDir) and returns its checkpointer.
func Open(cfg Config) (*Checkpointer, error) {
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, err
	}
	lock, err := LockDir(cfg.Dir)
	if err != nil {
		return nil, err
	}
	files, err := OpenDir(cfg.Dir, cfg.Prev)
	if err != nil {
		lock.Unlock()
		return nil, err
	}
	c := &Checkpointer{
		files: files, lock: lock, chains: NewChains(cfg.Encode, cfg.Split, cfg.Same),
		remember: cfg.Remember, stateful: cfg.Stateful, interval: cfg.Interval, fail: cfg.Fail,
		inputs: make([]Source, len(cfg.Meta.Inputs)), meta: cfg.Meta,
	}
	c.meta.Completed = c.meta.Zero
	c.meta.Inputs = append([]Input(nil), cfg.Meta.Inputs...)
	if p := cfg.Prev; p != nil {
		c.meta.Completed = p.Completed
		c.meta.Pending = append([]int64(nil), p.Pending...)
		c.meta.States = append([]StateRef(nil), p.States...)
		for i := range c.meta.Inputs {
			c.meta.Inputs[i].Position = p.Inputs[i].Position
			c.meta.Inputs[i].Batches = append([]Batch(nil), p.Inputs[i].Batches...)
		}
	}
	return c, nil
}

// Path is the checkpoint directory.
func (c *Checkpointer) Path() string { return c.files.Path() }

// SetSource tells the checkpointer what to ask of input i. Call it
// before the first batch.
func (c *Checkpointer) SetSource(i int, s Source) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inputs[i] = s
}

// WriteInitial writes the checkpoint of a fresh start, before any batch:
// the zero time and the starting positions of the inputs with a log.
func (c *Checkpointer) WriteInitial() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, s := range c.inputs {
		if s.Release != nil && s.Position != nil {
			if p, _ := s.Position(); p != nil {
				c.meta.Inputs[i].Position = p
			}
		}
	}
	return c.files.WriteMeta(&c.meta)
}

// Record returns what input i handed to batch t, n records, for
// Generated; a record the input cannot give is reported as batch t's
// failure.
func (c *Checkpointer) Record(i int, t int64, n int) Batch {
	b := Batch{Time: t, Records: n}
	c.mu.Lock()
	rec, op := c.inputs[i].Record, c.meta.Inputs[i].Op
	c.mu.Unlock()
	if rec != nil {
		data, err := rec(t)
		if err != nil {
			c.fail(t, fmt.Errorf("recording the input of %s: %v", op, err))
		}
		b.Data = data
	}
	return b
}

// Generated records batch t, whose inputs handed over batches (one per
// input), as pending, with the inputs' positions.
func (c *Checkpointer) Generated(t int64, batches []Batch) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.meta.Pending = append(c.meta.Pending, t)
	for i := range c.meta.Inputs {
		c.meta.Inputs[i].Batches = append(c.meta.Inputs[i].Batches, batches[i])
		if ps := c.inputs[i].Position; ps != nil {
			pos, err := ps()
			if err != nil {
				c.fail(t, fmt.Errorf("position of %s: %v", c.meta.Inputs[i].Op, err))
				continue
			}
			c.meta.Inputs[i].Position = pos
		}
	}
	if err := c.files.WriteMeta(&c.meta); err != nil {
		c.fail(t, err)
	}
}

// Completed records that batch t's jobs are done. When the state
// checkpoint is due, it first writes the state of each stateful stream
// that snapshot returns (false: none yet), chained on the stream's current
// state files. Then it writes the metadata, forgets the input batches no
// recovery needs (Meta.Trim), releases the inputs' logs and deletes the
// files no kept metadata refers to (Dir.Clean). A state file that cannot
// be written leaves every stream's state as it was; a metadata file that
// cannot be written makes the next state files full snapshots.
func (c *Checkpointer) Completed(t int64, snapshot func(stream int) (Snapshot, bool)) {
	var refs []StateRef
	var staged []*Staged
	if len(c.stateful) > 0 && c.interval > 0 && (t-c.meta.Zero)%c.interval == 0 {
		c.mu.Lock()
		cur := map[int]StateRef{}
		for _, r := range c.meta.States {
			cur[r.Stream] = r
		}
		c.mu.Unlock()
		for _, i := range c.stateful {
			s, ok := snapshot(i)
			if !ok {
				continue
			}
			var on *StateRef
			if r, ok := cur[i]; ok {
				on = &r
			}
			ref, st, err := c.chains.Write(c.files, s, on)
			if err != nil {
				c.fail(t, err)
				refs, staged = nil, nil
				break
			}
			refs, staged = append(refs, *ref), append(staged, st)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if refs != nil {
		c.meta.States = MergeStateRefs(c.meta.States, refs)
	}
	c.meta.Complete(t)
	c.meta.Trim(c.remember, c.stateful)
	if err := c.files.WriteMeta(&c.meta); err != nil {
		// The deltas written may or may not be referred to on disk: the
		// next state checkpoints are full snapshots.
		c.chains.Reset()
		c.fail(t, err)
		return
	}
	for _, st := range staged {
		st.Commit()
	}
	// Only now that no metadata on disk needs them may log segments go.
	for i, s := range c.inputs {
		if s.Release != nil {
			s.Release(c.meta.Inputs[i].Batches, c.meta.Inputs[i].Position)
		}
	}
	c.files.Clean(&c.meta)
}

// Close closes the inputs' sources and releases the directory's lock; call
// it once the context's batches are done, since the checkpointer must write
// nothing after it.
func (c *Checkpointer) Close() {
	c.mu.Lock()
	inputs := c.inputs
	c.mu.Unlock()
	for _, s := range inputs {
		if s.Close != nil {
			s.Close()
		}
	}
	c.lock.Unlock()
	c.lock = nil
}

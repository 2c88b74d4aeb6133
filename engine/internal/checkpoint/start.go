package checkpoint

// Start is how a started context begins checkpointing: what it knows of
// its graph and inputs, and, at recovery, how its streams take back what
// the checkpoint holds.
type Start struct {
	// Config is as Open takes it; Start fills in Meta.Graph, Stateful and
	// Interval from Graph.
	Config
	// Graph describes every stream of the graph, in construction order.
	Graph []Stream
	// Source returns what to ask of input i. It is called for every input,
	// in order, after the directory is opened and before recovery.
	Source func(i int) (Source, error)
	// Recovered is the checkpoint to go on from (GetOrCreate's); nil for a
	// fresh start.
	Recovered *Recovered
	// Restore puts a stateful stream's recovered state back (its Ref's
	// Stream and Time, its Parts and window batches).
	Restore func(state *Chain)
	// Replay recomputes stateful stream i's batch t, without its outputs.
	Replay func(stream int, t int64)
	// Panic, at recovery, turns a panic of a callback into Begin's
	// error; nil lets it go on.
	Panic func(r any) error
}

// Pending is a batch generated before the restart but not completed, to be
// run again, with the records its inputs handed it.
type Pending struct {
	Time    int64
	Records int
}

// Begin opens the checkpointer of a started context (Open) and sets each
// input's Source. On a fresh start it then writes the initial checkpoint,
// so that a receiver acknowledging records before the first batch finds a
// checkpoint to recover from; at recovery it restores the streams' state
// (Restore), puts the inputs back (Checkpointer.Recover), replays the
// stateful streams over the completed batches after their state (Replay)
// and returns the batches to run again. On an error, or when a callback
// panics, the checkpointer is closed; the error of Source is returned as it
// is, one of Recover as a *RecoverError, and at recovery a panic as Panic
// turns it. Call it before the inputs start.
func Begin(s Start) (c *Checkpointer, pending []Pending, err error) {
	if s.Recovered != nil && s.Panic != nil {
		defer func() {
			if r := recover(); r != nil {
				c, pending, err = nil, nil, s.Panic(r)
			}
		}()
	}
	return begin(s)
}

func begin(s Start) (*Checkpointer, []Pending, error) {
	cfg := s.Config
	if s.Recovered != nil {
		cfg.Prev = s.Recovered.Meta
	}
	cfg.Meta.Graph = Fingerprint(s.Graph)
	cfg.Stateful, cfg.Interval = StateInterval(s.Graph)
	c, err := Open(cfg)
	if err != nil {
		return nil, nil, err
	}
	ok := false
	defer func() {
		if !ok {
			c.Close()
		}
	}()
	for i := range cfg.Meta.Inputs {
		src, err := s.Source(i)
		if err != nil {
			return nil, nil, err
		}
		c.SetSource(i, src)
	}
	rec := s.Recovered
	if rec == nil {
		if err := c.WriteInitial(); err != nil {
			return nil, nil, err
		}
		ok = true
		return c, nil, nil
	}
	for _, st := range rec.States {
		s.Restore(st)
	}
	records, err := c.Recover(rec)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range rec.Meta.Replays(cfg.Stateful) {
		for _, i := range r.Streams {
			s.Replay(i, r.Time)
		}
	}
	var pending []Pending
	for _, t := range rec.Meta.Pending {
		pending = append(pending, Pending{Time: t, Records: records[t]})
	}
	ok = true
	return c, pending, nil
}

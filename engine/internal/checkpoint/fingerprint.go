package checkpoint

import (
	"fmt"
	"strings"
	"time"
)

// Stream is what a graph's fingerprint says of one of its streams.
type Stream struct {
	Op            string
	Input, Output bool
	Parents       []int // graph indexes
	Slide         time.Duration
	Window        time.Duration // how much further back than its slide a window looks; 0 for none
	Stateful      bool
	Checkpoint    time.Duration // the interval the user set (DStream.Checkpoint); 0 for none
}

// Fingerprint describes every stream of a graph, in construction order, as
// the metadata's Graph holds it.
func Fingerprint(streams []Stream) []string {
	out := make([]string, len(streams))
	for i, d := range streams {
		var b strings.Builder
		b.WriteString(d.Op)
		switch {
		case d.Input:
			b.WriteString(" input")
		case d.Output:
			b.WriteString(" output")
		}
		if len(d.Parents) > 0 {
			ps := make([]string, len(d.Parents))
			for j, p := range d.Parents {
				ps[j] = fmt.Sprint(p)
			}
			fmt.Fprintf(&b, " of stream %s", strings.Join(ps, ","))
		}
		fmt.Fprintf(&b, ", slide %v", d.Slide)
		if d.Window > 0 {
			fmt.Fprintf(&b, ", window %v", d.Window)
		}
		if d.Stateful {
			b.WriteString(", stateful")
		}
		out[i] = b.String()
	}
	return out
}

// StateInterval returns the graph indexes of the stateful streams and the
// interval of their state checkpoints in ms: the smallest stream's. A
// stream's interval is the one set on it, else the smallest set on a
// stateless stream derived from it (MapWithState(spec).Checkpoint(i) sets
// the interval of the state behind it), else Spark's default, the smallest
// multiple of its slide that is at least 10 s.
func StateInterval(streams []Stream) (stateful []int, interval int64) {
	derived := map[int]time.Duration{}
	for _, d := range streams {
		for _, p := range d.Parents {
			if streams[p].Stateful && !d.Stateful && d.Checkpoint > 0 && (derived[p] == 0 || d.Checkpoint < derived[p]) {
				derived[p] = d.Checkpoint
			}
		}
	}
	var least time.Duration
	for i, d := range streams {
		if !d.Stateful {
			continue
		}
		stateful = append(stateful, i)
		iv := d.Checkpoint
		if iv <= 0 {
			iv = derived[i]
		}
		if iv <= 0 {
			iv = (10*time.Second + d.Slide - 1) / d.Slide * d.Slide
		}
		if least == 0 || iv < least {
			least = iv
		}
	}
	return stateful, int64(least / time.Millisecond)
}

// Match reports how a rebuilt graph (its batch interval, master,
// fingerprint and number of inputs) differs from the checkpointed one, if
// it does.
func (m *Meta) Match(batch time.Duration, master string, graph []string, inputs int) error {
	if b := int64(batch / time.Millisecond); b != m.BatchMS {
		return fmt.Errorf("incompatible: the checkpoint has a batch interval of %v, the rebuilt context %v", time.Duration(m.BatchMS)*time.Millisecond, batch)
	}
	if master != m.Master {
		return fmt.Errorf("incompatible: the checkpoint ran on master %q, the rebuilt context on %q (state is partitioned for the first)", m.Master, master)
	}
	g := graph
	for i := 0; i < len(g) || i < len(m.Graph); i++ {
		switch {
		case i >= len(m.Graph):
			return fmt.Errorf("incompatible: the rebuilt graph has more streams than the checkpoint's %d; stream %d is %s", len(m.Graph), i, g[i])
		case i >= len(g):
			return fmt.Errorf("incompatible: the rebuilt graph has %d streams, the checkpoint's has %d; stream %d is missing: %s", len(g), len(m.Graph), i, m.Graph[i])
		case g[i] != m.Graph[i]:
			return fmt.Errorf("incompatible: stream %d differs: the checkpoint has %s, the rebuilt graph has %s", i, m.Graph[i], g[i])
		}
	}
	if len(m.Inputs) != inputs {
		return fmt.Errorf("incompatible: the checkpoint has %d inputs, the rebuilt graph %d", len(m.Inputs), inputs)
	}
	return nil
}

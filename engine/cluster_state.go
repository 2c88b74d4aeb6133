package engine

import (
	"fmt"

	"github.com/gostream/gostream/engine/internal/cluster"
)

// The state of UpdateStateByKey and MapWithState in a cluster job is
// engine/internal/cluster's State: the compacted changelog topic
// APP-<Op>-<i>-changelog, one partition per state partition, held by the
// member that owns the partition and restored by a member that gains it.
// UpdateStateByKey's partitions are its (key, state) pairs; MapWithState's
// are its state maps, each key's changelog record its state and update
// time.

// changelog returns the changelog of the stateful stream whose state is h,
// of n partitions, holding S for each.
func changelog[S any](cm *clusterMember, h stateHolder, n int) (*cluster.State[Pair, Time, S], error) {
	cm.mu.Lock()
	d := cm.stateD[h]
	cm.mu.Unlock()
	return cluster.OpenState[Pair, Time, S](cm.job, cm.streamID(d), d.op, n)
}

// initialState returns what computes a stream's InitialState, partitioned
// into n; nil without one.
func (cm *clusterMember) initialState(op string, initial *RDD, n int) func() [][]any {
	if initial == nil {
		return nil
	}
	return func() [][]any {
		// The initial RDD is the same on every member: its shuffles, if
		// any, stay on this member.
		defer cm.leave(cm.enter(nil))
		parts := initial.Partitions()
		for _, part := range parts {
			for _, x := range part {
				if _, ok := x.(Pair); !ok {
					failElem(op, x, "engine.Pair")
				}
			}
		}
		return rehash(op, parts, n)
	}
}

// stateBase returns the state batch t starts from: the owned partitions'
// state, restored from the changelog where this member does not hold it
// yet; the other partitions are empty.
func (cm *clusterMember) stateBase(st *stateRDD, t Time) [][]any {
	parts := make([][]any, st.n)
	cs, err := changelog[[]any](cm, st, st.n)
	if err != nil {
		cm.job.Fail(fmt.Errorf("the state of %s: %w", st.op, err))
		return parts
	}
	cs.Load(cluster.Restore[[]any]{
		Initial:     cm.initialState(st.op, st.initial, st.n),
		FromInitial: func(pairs []any) []any { return pairs },
		FromPairs:   func(pairs []any) ([]any, error) { return pairs, nil },
		Image:       true,
	})
	for q := range parts {
		if held, ok := cs.Held(q); ok {
			parts[q] = held
		}
	}
	return parts
}

// stateSet takes batch t's new state: the owned partitions' changed keys
// go to the changelog in the batch's transaction.
func (cm *clusterMember) stateSet(st *stateRDD, t Time, parts [][]any) {
	cs, err := changelog[[]any](cm, st, st.n)
	if err != nil {
		cm.job.Fail(err)
		return
	}
	for q, part := range parts {
		if !cs.Holds(q) {
			continue
		}
		if err := cs.WritePairs(q, part, part); err != nil {
			cm.job.Fail(&Error{Op: st.op, Time: t, Msg: err.Error()})
			return
		}
	}
}

// mapBase returns the state maps batch t of a MapWithState starts from:
// the owned partitions', restored from the changelog where this member
// does not hold them yet; nil (empty) for the others.
func (cm *clusterMember) mapBase(ms *mapState, t Time) []*statePart {
	parts := make([]*statePart, ms.n)
	cs, err := changelog[*statePart](cm, ms, ms.n)
	if err != nil {
		cm.job.Fail(fmt.Errorf("the state of %s: %w", ms.op, err))
		return parts
	}
	cs.Load(cluster.Restore[*statePart]{
		Initial: cm.initialState(ms.op, ms.spec.initial, ms.n),
		FromInitial: func(pairs []any) *statePart {
			return ms.fromPairs([][]any{pairs}, func(x any) (any, Time) { return x, t })[0]
		},
		FromPairs: func(pairs []any) (*statePart, error) {
			// Each key's record holds its state and the time it was last
			// updated.
			for _, x := range pairs {
				kv := x.(Pair)
				st, ok := kv.Value.(Pair)
				if _, isTime := st.Value.(Time); !ok || !isTime {
					return nil, fmt.Errorf("the record of key %s does not hold a state and its update time", Format(kv.Key))
				}
			}
			return ms.fromPairs([][]any{pairs}, func(x any) (any, Time) {
				kv := x.(Pair)
				st := kv.Value.(Pair)
				return Pair{kv.Key, st.Key}, st.Value.(Time)
			})[0], nil
		},
	})
	for q := range parts {
		if held, ok := cs.Held(q); ok {
			parts[q] = held
		}
	}
	return parts
}

// mapSet takes batch t's state maps of a MapWithState: in each owned
// partition the slots the batch touched go to the changelog, a key's state
// with its update time, or a tombstone for a removed key.
func (cm *clusterMember) mapSet(ms *mapState, t Time, parts []*statePart, touched [][]int32) {
	cs, err := changelog[*statePart](cm, ms, ms.n)
	if err != nil {
		cm.job.Fail(err)
		return
	}
	for q, sp := range parts {
		if !cs.Holds(q) {
			continue
		}
		if err := cs.WriteMap(q, sp.M, touched[q], sp); err != nil {
			cm.job.Fail(&Error{Op: ms.op, Time: t, Msg: err.Error()})
			return
		}
	}
}

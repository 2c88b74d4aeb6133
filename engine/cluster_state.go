package engine

import (
	"github.com/gostream/gostream/engine/internal/cluster"
	"github.com/gostream/gostream/engine/internal/state"
)

// The state of UpdateStateByKey and MapWithState in a cluster job is
// engine/internal/cluster's State: the compacted changelog topic
// APP-<Op>-<i>-changelog, one partition per state partition, held by the
// member that owns the partition and restored by a member that gains it.
// UpdateStateByKey's partitions are its (key, state) pairs; MapWithState's
// are its state maps, each key's changelog record its state and update
// time.

// initialState returns what computes a stream's InitialState, partitioned
// into n; nil without one.
func (cm *clusterMember) initialState(op string, initial *RDD, n int) func() [][]any {
	if initial == nil {
		return nil
	}
	return func() [][]any {
		// The initial RDD is the same on every member: its shuffles, and
		// the one partitioning it as local mode does, stay on this member.
		defer cm.Leave(cm.Enter(-1))
		return partitionPairs(op, initial, n).Partitions()
	}
}

// stateBase returns the state batch t starts from (cluster.Job's
// LoadPairs): the owned partitions' state; the others are empty.
func (cm *clusterMember) stateBase(st *stateRDD, t Time) [][]any {
	return cm.LoadPairs(cm.stateD[st], st.n, cm.initialState(st.op, st.initial, st.n))
}

// stateSet takes batch t's new state: the owned partitions' changed keys
// go to the changelog in the batch's transaction.
func (cm *clusterMember) stateSet(st *stateRDD, t Time, parts [][]any) {
	if err := cm.SavePairs(cm.stateD[st], parts); err != nil {
		cm.Fail(&Error{Op: st.op, Time: t, Msg: err.Error()})
	}
}

// mapBase returns the state maps batch t of a MapWithState starts from
// (cluster's LoadMaps): the owned partitions'; nil (empty) for the others.
func (cm *clusterMember) mapBase(ms *mapState, t Time) []*statePart {
	return cluster.LoadMaps(cm.Job, cm.stateD[ms], ms.n, t, cm.initialState(ms.op, ms.spec.initial, ms.n),
		func(pairs []any, entry func(x any) (any, Time)) *statePart {
			return ms.fromPairs([][]any{pairs}, entry)[0]
		})
}

// mapSet takes batch t's state maps of a MapWithState: in each owned
// partition the slots the batch touched go to the changelog, a key's state
// with its update time, or a tombstone for a removed key.
func (cm *clusterMember) mapSet(ms *mapState, t Time, parts []*statePart, touched [][]int32) {
	if err := cluster.SaveMaps(cm.Job, cm.stateD[ms], parts, touched, func(sp *statePart) *state.Map { return sp.M }); err != nil {
		cm.Fail(&Error{Op: ms.op, Time: t, Msg: err.Error()})
	}
}

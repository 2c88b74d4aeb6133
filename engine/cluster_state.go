package engine

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/gostream/gostream/engine/internal/cluster"
	"github.com/gostream/gostream/engine/internal/state"
)

// The state of a stateful stream in a cluster job lives in the compacted
// changelog topic APP-<Op>-<i>-changelog, one partition per state
// partition: key and value in the element codec, a tombstone (no value)
// when a key is removed. Partition q's state is held by the member that
// owns q; every batch writes the keys whose state changed, in the batch's
// transaction. A member that gains q (or whose transaction was aborted)
// reads q's changelog to its last stable offset before it runs q: the
// committed offsets were read stable first, so no transaction of an
// earlier owner that could still commit is open on it.

// clusterState is one stateful stream's changelog on this member: which
// partitions it holds, and what it holds of each.
type clusterState struct {
	topic   string
	name    string
	loaded  []bool
	image   []map[string]string // UpdateStateByKey: per partition, encoded key → encoded state
	parts   [][]any             // UpdateStateByKey: per partition, its state
	maps    []*statePart        // MapWithState: per partition, its state map
	all     []bool              // MapWithState: per partition, write every key (an initial state taken)
	initial [][]any             // InitialState's pairs, partitioned, once needed
}

// changelog returns the changelog of the stateful stream whose state is h,
// creating its topic of n partitions.
func (cm *clusterMember) changelog(h stateHolder, n int) (*clusterState, error) {
	cm.mu.Lock()
	cs, ok := cm.states[h]
	d := cm.stateD[h]
	cm.mu.Unlock()
	if ok {
		return cs, nil
	}
	topic := cm.topic(cm.streamID(d), "changelog")
	if err := cm.ensureTopic(topic, n, true); err != nil {
		return nil, err
	}
	cs = &clusterState{topic: topic, name: d.op, loaded: make([]bool, n), image: make([]map[string]string, n),
		parts: make([][]any, n), maps: make([]*statePart, n), all: make([]bool, n)}
	cm.mu.Lock()
	cm.states[h] = cs
	cm.mu.Unlock()
	return cs, nil
}

// forget drops partition q, which this member does not own in this batch.
func (cs *clusterState) forget(q int) {
	cs.loaded[q], cs.image[q], cs.parts[q], cs.maps[q], cs.all[q] = false, nil, nil, nil, false
}

// readChangelog reads partition q of a changelog topic to its last stable
// offset (cluster.Member's ReadChangelog).
func (cm *clusterMember) readChangelog(topic string, q int) (image map[string]string, order []string, n int, err error) {
	starts, ends, err := cm.topicEnds(topic)
	if err != nil {
		return nil, nil, 0, err
	}
	return cm.km.ReadChangelog(topic, int32(q), starts[int32(q)], ends[int32(q)])
}

// decodeImage decodes what readChangelog read: the (key, state) pairs of
// the keys it holds, in the order first written.
func decodeImage(image map[string]string, order []string) ([]any, error) {
	part := make([]any, 0, len(image))
	for _, ek := range order {
		ev, ok := image[ek]
		if !ok {
			continue
		}
		k, v, err := decodeEntry(ek, ev)
		if err != nil {
			return nil, err
		}
		part = append(part, Pair{k, v})
	}
	return part, nil
}

// decodeEntry decodes a changelog record's key and state.
func decodeEntry(ek, ev string) (k, v any, err error) {
	ks, err1 := elems.Unmarshal([]byte(ek))
	vs, err2 := elems.Unmarshal([]byte(ev))
	if err1 != nil || err2 != nil || len(ks) != 1 || len(vs) != 1 {
		return nil, nil, fmt.Errorf("a record of key %q does not hold a key and a state", ek)
	}
	return ks[0], vs[0], nil
}

// takeInitial returns partition q of a stream's InitialState when the
// partition's changelog has never been written (n records read: 0), and
// marks the partition as having taken it, in the batch's transaction; nil
// otherwise.
func (cm *clusterMember) takeInitial(cs *clusterState, op string, initial *RDD, q, n int) []any {
	if initial == nil || n > 0 {
		return nil
	}
	if cs.initial == nil {
		// The initial RDD is the same on every member: its shuffles, if
		// any, stay on this member.
		prev := cm.enter(nil)
		defer cm.leave(prev)
		parts := initial.Partitions()
		for _, part := range parts {
			for _, x := range part {
				if _, ok := x.(Pair); !ok {
					failElem(op, x, "engine.Pair")
				}
			}
		}
		cs.initial = rehash(op, parts, len(cs.loaded))
	}
	cm.km.Produce(cs.topic, int32(q), []byte(cluster.InitialKey), []byte("taken"), nil)
	cm.logf("partition %d of %s takes its initial state (%d keys)", q, cs.name, len(cs.initial[q]))
	if cs.initial[q] == nil {
		return []any{}
	}
	return cs.initial[q]
}

// loadState returns h's changelog holding the partitions this member owns
// in the running batch: it forgets the others and restores, with restore,
// those it does not hold yet. nil when there is no changelog (the batch
// then fails).
func (cm *clusterMember) loadState(h stateHolder, op string, n int, restore func(cs *clusterState, q int) error) *clusterState {
	cs, err := cm.changelog(h, n)
	if err != nil {
		cm.fail(fmt.Errorf("the state of %s: %w", op, err))
		return nil
	}
	for q := range n {
		if !cm.owns(q) {
			cs.forget(q)
			continue
		}
		if !cs.loaded[q] {
			if err := restore(cs, q); err != nil {
				cm.fail(fmt.Errorf("restoring partition %d of %s from %s: %w", q, cs.name, cs.topic, err))
			}
		}
	}
	return cs
}

// stateBase returns the state batch t starts from: the owned partitions'
// state, restored from the changelog where this member does not hold it
// yet; the other partitions are empty.
func (cm *clusterMember) stateBase(st *stateRDD, t Time) [][]any {
	parts := make([][]any, st.n)
	if cs := cm.loadState(st, st.op, st.n, func(cs *clusterState, q int) error { return cm.restorePairs(cs, st, q) }); cs != nil {
		for q := range parts {
			if cs.loaded[q] {
				parts[q] = cs.parts[q]
			}
		}
	}
	return parts
}

// restorePairs reads partition q of an UpdateStateByKey's changelog.
func (cm *clusterMember) restorePairs(cs *clusterState, st *stateRDD, q int) error {
	image, order, n, err := cm.readChangelog(cs.topic, q)
	if err != nil {
		return err
	}
	if init := cm.takeInitial(cs, st.op, st.initial, q, n); init != nil {
		// The batch writes every key of it, as none is in the image.
		cs.loaded[q], cs.image[q], cs.parts[q] = true, map[string]string{}, init
		return nil
	}
	part, err := decodeImage(image, order)
	if err != nil {
		return err
	}
	cs.loaded[q], cs.image[q], cs.parts[q] = true, image, part
	cm.logf("restored partition %d of %s (%d keys)", q, cs.name, len(part))
	return nil
}

// stateSet takes batch t's new state: the owned partitions' changed keys
// go to the changelog in the batch's transaction.
func (cm *clusterMember) stateSet(st *stateRDD, t Time, parts [][]any) {
	cs, err := cm.changelog(st, st.n)
	if err != nil {
		cm.fail(err)
		return
	}
	for q, part := range parts {
		if q >= len(cs.loaded) || !cs.loaded[q] || !cm.owns(q) {
			continue
		}
		old := cs.image[q]
		image := make(map[string]string, len(part))
		for _, x := range part {
			kv := x.(Pair)
			ek, ev, ok := cm.encodeEntry(st.op, t, kv.Key, kv.Value)
			if !ok {
				return
			}
			image[string(ek)] = string(ev)
			if prev, ok := old[string(ek)]; !ok || prev != string(ev) {
				cm.km.Produce(cs.topic, int32(q), ek, ev, nil)
			}
		}
		for ek := range old {
			if _, ok := image[ek]; !ok {
				cm.km.Produce(cs.topic, int32(q), []byte(ek), nil, nil)
			}
		}
		cs.image[q], cs.parts[q] = image, part
	}
}

// encodeEntry encodes a key and its state for the changelog; it fails the
// batch when they cannot be.
func (cm *clusterMember) encodeEntry(op string, t Time, k, v any) (ek, ev []byte, ok bool) {
	ek, err1 := elems.Marshal([]any{k})
	ev, err2 := elems.Marshal([]any{v})
	if err1 != nil || err2 != nil {
		cm.fail(&Error{Op: op, Time: t, Msg: fmt.Sprintf("the state of key %s cannot be written to the changelog: %v", Format(k), errorsJoin(err1, err2))})
		return nil, nil, false
	}
	return ek, ev, true
}

// mapBase returns the state maps batch t of a MapWithState starts from:
// the owned partitions', restored from the changelog where this member
// does not hold them yet; nil (empty) for the others.
func (cm *clusterMember) mapBase(ms *mapState, t Time) []*statePart {
	parts := make([]*statePart, ms.n)
	if cs := cm.loadState(ms, ms.op, ms.n, func(cs *clusterState, q int) error { return cm.restoreMap(cs, ms, q, t) }); cs != nil {
		for q := range parts {
			if cs.loaded[q] {
				parts[q] = cs.maps[q]
			}
		}
	}
	return parts
}

// restoreMap reads partition q of a MapWithState's changelog: each key's
// state and the time it was last updated.
func (cm *clusterMember) restoreMap(cs *clusterState, ms *mapState, q int, t Time) error {
	image, order, n, err := cm.readChangelog(cs.topic, q)
	if err != nil {
		return err
	}
	if init := cm.takeInitial(cs, ms.op, ms.spec.initial, q, n); init != nil {
		sp := ms.fromPairs([][]any{init}, func(x any) (any, Time) { return x, t })[0]
		cs.loaded[q], cs.maps[q], cs.all[q] = true, sp, true
		return nil
	}
	part, err := decodeImage(image, order)
	if err != nil {
		return err
	}
	for _, x := range part {
		kv := x.(Pair)
		st, ok := kv.Value.(Pair)
		if _, isTime := st.Value.(Time); !ok || !isTime {
			return fmt.Errorf("the record of key %s does not hold a state and its update time", Format(kv.Key))
		}
	}
	sp := ms.fromPairs([][]any{part}, func(x any) (any, Time) {
		kv := x.(Pair)
		st := kv.Value.(Pair)
		return Pair{kv.Key, st.Key}, st.Value.(Time)
	})[0]
	cs.loaded[q], cs.maps[q] = true, sp
	cm.logf("restored partition %d of %s (%d keys)", q, cs.name, len(part))
	return nil
}

// mapSet takes batch t's state maps of a MapWithState: in each owned
// partition the slots the batch touched go to the changelog, a key's state
// with its update time, or a tombstone for a removed key.
func (cm *clusterMember) mapSet(ms *mapState, t Time, parts []*statePart, touched [][]int32) {
	cs, err := cm.changelog(ms, ms.n)
	if err != nil {
		cm.fail(err)
		return
	}
	for q, sp := range parts {
		if !cs.loaded[q] || !cm.owns(q) {
			continue
		}
		write := func(k any, e state.Entry) bool {
			if !e.Live {
				ek, _, ok := cm.encodeEntry(ms.op, t, k, nil)
				if ok {
					cm.km.Produce(cs.topic, int32(q), ek, nil, nil)
				}
				return ok
			}
			ek, ev, ok := cm.encodeEntry(ms.op, t, k, Pair{e.State, Time(e.Updated)})
			if ok {
				cm.km.Produce(cs.topic, int32(q), ek, ev, nil)
			}
			return ok
		}
		if cs.all[q] {
			ok := true
			sp.m.Each(func(_ int32, k any, e state.Entry) { ok = ok && write(k, e) })
			if !ok {
				return
			}
			cs.all[q] = false
		} else {
			slots := touched[q]
			slices.Sort(slots)
			for _, s := range slices.Compact(slots) {
				if k, e := sp.m.Slot(s); !write(k, e) {
					return
				}
			}
		}
		cs.maps[q] = sp
	}
}

func errorsJoin(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// saveClusterFiles is saveRDDFiles on a member of a cluster job: the
// member writes the part files of its own partitions into the batch's
// directory, each under a temporary name renamed into place, and leaves
// the other members' part files alone, so the members sharing a file
// system together write the batch's directory. Its _SUCCESS says only
// that this member's part files are complete.
func saveClusterFiles(cm *clusterMember, op string, r *RDD, t Time, dir, ext string, write func(*bufio.Writer, []any) error, fail func(string, error)) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fail(fmt.Sprintf("creating %q", dir), err)
	}
	r.ready()
	r.ex.run(op, t, r.n, func(p int) {
		if !cm.owns(p) {
			return
		}
		part := fmt.Sprintf("part-%05d%s", p, ext)
		tmp := filepath.Join(dir, "."+part+".tmp-"+randomSuffix())
		if err := writeFileSynced(tmp, func(w *bufio.Writer) error { return write(w, r.partition(p)) }); err != nil {
			os.Remove(tmp)
			fail(fmt.Sprintf("writing %s of %q", part, dir), err)
		}
		if err := os.Rename(tmp, filepath.Join(dir, part)); err != nil {
			os.Remove(tmp)
			fail(fmt.Sprintf("renaming %s of %q", part, dir), err)
		}
	})
	if err := writeFileSynced(filepath.Join(dir, successFile), func(*bufio.Writer) error { return nil }); err != nil {
		fail(fmt.Sprintf("writing %s of %q", successFile, dir), err)
	}
	if err := syncPath(dir); err != nil {
		fail(fmt.Sprintf("syncing %q", dir), err)
	}
}

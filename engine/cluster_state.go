package engine

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gostream/gostream/engine/internal/cluster"
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

// clusterState is one stateful stream's partitions on this member.
type clusterState struct {
	topic  string
	name   string
	loaded []bool
	image  []map[string]string // per partition: encoded key → encoded state
	parts  [][]any
}

func (cm *clusterMember) state(st *stateRDD) (*clusterState, error) {
	cm.mu.Lock()
	cs, ok := cm.states[st]
	d := cm.stateD[st]
	cm.mu.Unlock()
	if ok {
		return cs, nil
	}
	id := fmt.Sprintf("%s-%d", d.op, cm.index[d])
	topic := cm.topic(id, "changelog")
	if err := cm.ensureTopic(topic, st.n, true); err != nil {
		return nil, err
	}
	cs = &clusterState{topic: topic, name: d.op, loaded: make([]bool, st.n), image: make([]map[string]string, st.n), parts: make([][]any, st.n)}
	cm.mu.Lock()
	cm.states[st] = cs
	cm.mu.Unlock()
	return cs, nil
}

// stateBase returns the state batch t starts from: the owned partitions'
// state, restored from the changelog where this member does not hold it
// yet; the other partitions are empty.
func (cm *clusterMember) stateBase(st *stateRDD, t Time) [][]any {
	parts := make([][]any, st.n)
	cs, err := cm.state(st)
	if err != nil {
		cm.fail(fmt.Errorf("the state of %s: %w", st.op, err))
		return parts
	}
	for q := range parts {
		if !cm.owns(q) {
			cs.loaded[q], cs.image[q], cs.parts[q] = false, nil, nil
			continue
		}
		if !cs.loaded[q] {
			if err := cm.restore(cs, q); err != nil {
				cm.fail(fmt.Errorf("restoring partition %d of %s from %s: %w", q, cs.name, cs.topic, err))
				continue
			}
		}
		parts[q] = cs.parts[q]
	}
	return parts
}

// restore reads partition q's changelog to its last stable offset.
func (cm *clusterMember) restore(cs *clusterState, q int) error {
	starts, ends, err := cm.topicEnds(cs.topic)
	if err != nil {
		return err
	}
	image := map[string]string{}
	var order []string
	err = cm.km.Fetch(cs.topic, int32(q), starts[int32(q)], ends[int32(q)], func(r cluster.Record) {
		if _, ok := image[r.Key]; !ok {
			order = append(order, r.Key)
		}
		image[r.Key] = r.Value
		if r.Value == "" {
			delete(image, r.Key)
		}
	})
	if err != nil {
		return err
	}
	part := make([]any, 0, len(image))
	for _, ek := range order {
		ev, ok := image[ek]
		if !ok {
			continue
		}
		k, err1 := elems.Unmarshal([]byte(ek))
		v, err2 := elems.Unmarshal([]byte(ev))
		if err1 != nil || err2 != nil || len(k) != 1 || len(v) != 1 {
			return fmt.Errorf("a record of key %q does not hold a key and a state", ek)
		}
		part = append(part, Pair{k[0], v[0]})
	}
	cs.loaded[q], cs.image[q], cs.parts[q] = true, image, part
	cm.logf("restored partition %d of %s (%d keys)", q, cs.name, len(part))
	return nil
}

// stateSet takes batch t's new state: the owned partitions' changed keys
// go to the changelog in the batch's transaction.
func (cm *clusterMember) stateSet(st *stateRDD, t Time, parts [][]any) {
	cs, err := cm.state(st)
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
			ek, err1 := elems.Marshal([]any{kv.Key})
			ev, err2 := elems.Marshal([]any{kv.Value})
			if err1 != nil || err2 != nil {
				cm.fail(&Error{Op: st.op, Time: t, Msg: fmt.Sprintf("the state of key %s cannot be written to the changelog: %v", Format(kv.Key), errorsJoin(err1, err2))})
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

package cluster

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/gostream/gostream/engine/internal/state"
)

func TestJobLoadPairsAndSavePairs(t *testing.T) {
	brokers := testKafka(t)
	j, _ := startJob(t, brokers)
	initial := func() [][]any { return [][]any{{pair{"i", 0}}, nil} }
	j.Begin(1100)
	if got := fmt.Sprint(j.LoadPairs(2, 2, initial)); got != "[[{i 0}] []]" {
		t.Fatalf("the initial state: got %s, want [[{i 0}] []]", got)
	}
	if err := j.SavePairs(2, [][]any{{pair{"a", 1}}, {pair{"c", 3}}}); err != nil {
		t.Fatal(err)
	}
	j.End(1100, nil)
	j.Begin(1200)
	err := j.SavePairs(2, [][]any{{pair{"a", 2}}, {pair{"c", make(chan int)}}})
	if err == nil || !strings.Contains(err.Error(), "the state of key c cannot be written to the changelog") {
		t.Fatalf("a state the codec cannot encode: got %v", err)
	}
	j.Fail(err)
	j.End(1200, nil)
	j.Close()

	j2, _ := startJob(t, brokers)
	j2.Begin(1300)
	if got := fmt.Sprint(j2.LoadPairs(2, 2, initial)); got != "[[{a 1}] [{c 3}]]" {
		t.Fatalf("restored after an aborted batch: got %s, want [[{a 1}] [{c 3}]]", got)
	}
	if !j2.Healthy() {
		t.Fatalf("a restore: the batch failed: %v", j2.failed)
	}
	j2.End(1300, nil)
}

// describe shows a partition's state map, keys sorted.
func describe(m *state.Map) string {
	if m == nil {
		return "nil"
	}
	var out []string
	m.Each(func(_ int32, k any, e state.Entry) {
		if e.Live {
			out = append(out, fmt.Sprintf("%v=%v@%d", k, e.State, e.Updated))
		}
	})
	sort.Strings(out)
	return strings.Join(out, " ")
}

func TestLoadMapsAndSaveMaps(t *testing.T) {
	brokers := testKafka(t)
	j, _ := startJob(t, brokers)
	from := func(pairs []any, entry func(x any) (any, ms)) *state.Map {
		m := state.NewMap(nil)
		for _, x := range pairs {
			kv, at := entry(x)
			p := kv.(pair)
			m.Add(p.Key, p.Value, int64(at))
		}
		return m
	}
	load := func(j *Job[pair, ms], at ms) string {
		var out []string
		for _, m := range LoadMaps(j, 3, 2, at, func() [][]any { return [][]any{{pair{"i", 7}}, nil} }, from) {
			out = append(out, describe(m))
		}
		return strings.Join(out, " | ")
	}
	j.Begin(1100)
	if got := load(j, 1100); got != "i=7@1100 | " {
		t.Fatalf("the initial state: got %q", got)
	}
	m0, m1 := state.NewMap(nil), state.NewMap(nil)
	m0.Add("i", 8, 1100)
	m0.Add("a", 1, 1100)
	b := m1.Add("b", 2, 1050)
	m1.Add("c", 3, 1100)
	id := func(m *state.Map) *state.Map { return m }
	// After an initial state every key is written.
	if err := SaveMaps(j, 3, []*state.Map{m0, m1}, [][]int32{nil, nil}, id); err != nil {
		t.Fatal(err)
	}
	j.End(1100, nil)
	j.Begin(1200)
	load(j, 1200)
	m0, m1 = m0.Next(), m1.Next()
	m1.Set(b, state.Entry{State: 5, Updated: 1200, Live: true})
	m1.Add("d", 4, 1200) // not touched: not written
	if err := SaveMaps(j, 3, []*state.Map{m0, m1}, [][]int32{nil, {b}}, id); err != nil {
		t.Fatal(err)
	}
	j.End(1200, nil)
	j.Close()

	j2, _ := startJob(t, brokers)
	j2.Begin(1300)
	if got := load(j2, 1300); got != "a=1@1100 i=8@1100 | b=5@1200 c=3@1100" {
		t.Fatalf("restored: got %q", got)
	}
	if !j2.Healthy() {
		t.Fatalf("a restore: the batch failed: %v", j2.failed)
	}
	j2.End(1300, nil)
	j2.Close()

	// UpdateStateByKey's records in a MapWithState's changelog hold no
	// update time: the restore fails the batch.
	j3, _ := startJob(t, brokers)
	j3.Begin(1400)
	j3.LoadPairs(3, 2, nil)
	if err := j3.SavePairs(3, [][]any{{pair{"x", 1}}, nil}); err != nil {
		t.Fatal(err)
	}
	j3.End(1400, nil)
	j3.Close()

	j4, _ := startJob(t, brokers)
	j4.Begin(1500)
	load(j4, 1500)
	if j4.Healthy() || !strings.Contains(fmt.Sprint(j4.failed), "the record of key x does not hold a state and its update time") {
		t.Fatalf("a record without its update time: got %v", j4.failed)
	}
	j4.End(1500, nil)
}

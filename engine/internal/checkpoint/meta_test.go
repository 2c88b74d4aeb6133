package checkpoint

import (
	"reflect"
	"testing"
)

func TestReplays(t *testing.T) {
	tests := []struct {
		name     string
		meta     Meta
		stateful []int
		want     []Replay
	}{
		{name: "no stateful streams", meta: Meta{BatchMS: 100, Completed: 500}},
		{name: "no state written", meta: Meta{BatchMS: 100, Zero: 100, Completed: 400}, stateful: []int{2},
			want: []Replay{{200, []int{2}}, {300, []int{2}}, {400, []int{2}}}},
		{name: "state at the last batch", meta: Meta{BatchMS: 100, Completed: 400, States: []StateRef{{Stream: 2, Time: 400}}}, stateful: []int{2}},
		{name: "two states", meta: Meta{BatchMS: 100, Completed: 500, States: []StateRef{{Stream: 1, Time: 300}, {Stream: 3, Time: 400}}},
			stateful: []int{1, 3}, want: []Replay{{400, []int{1}}, {500, []int{1, 3}}}},
		{name: "one without state", meta: Meta{BatchMS: 100, Zero: 0, Completed: 300, States: []StateRef{{Stream: 1, Time: 200}}},
			stateful: []int{1, 4}, want: []Replay{{100, []int{4}}, {200, []int{4}}, {300, []int{1, 4}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.meta.Replays(tc.stateful); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestTrimAndComplete(t *testing.T) {
	m := Meta{BatchMS: 100, Completed: 300, Pending: []int64{400, 500},
		Inputs: []Input{
			{Batches: []Batch{{Time: 100}, {Time: 200}, {Time: 300}, {Time: 400}, {Time: 500}}},
			{Batches: []Batch{{Time: 100}, {Time: 200}, {Time: 300}, {Time: 400}, {Time: 500}}},
		},
		States: []StateRef{{Stream: 5, Time: 200}}}
	m.Complete(400)
	if m.Completed != 400 || !reflect.DeepEqual(m.Pending, []int64{500}) {
		t.Fatalf("after Complete(400): completed %d pending %v", m.Completed, m.Pending)
	}
	m.Complete(300) // late: nothing goes back
	if m.Completed != 400 {
		t.Fatalf("after Complete(300): completed %d, want 400", m.Completed)
	}
	times := func(in Input) (ts []int64) {
		for _, b := range in.Batches {
			ts = append(ts, b.Time)
		}
		return ts
	}
	// Input 0 looks 100 ms back, input 1 300 ms; without state input 0
	// keeps what is newer than 300 ms.
	m2 := m
	m2.Inputs = append([]Input(nil), m.Inputs...)
	m2.Trim([]int64{100, 300}, nil)
	if got := times(m2.Inputs[0]); !reflect.DeepEqual(got, []int64{400, 500}) {
		t.Errorf("input 0 without state keeps %v, want [400 500]", got)
	}
	if got := times(m2.Inputs[1]); !reflect.DeepEqual(got, []int64{200, 300, 400, 500}) {
		t.Errorf("input 1 without state keeps %v, want [200 300 400 500]", got)
	}
	// Stream 5's state is at 200 ms: recovery replays from there, so every
	// input keeps the batches after it.
	m.Trim([]int64{100, 300}, []int{5})
	if got := times(m.Inputs[0]); !reflect.DeepEqual(got, []int64{300, 400, 500}) {
		t.Errorf("input 0 with state keeps %v, want [300 400 500]", got)
	}
}

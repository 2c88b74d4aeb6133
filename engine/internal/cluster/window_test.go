package cluster

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func encodeStrings(xs []any) ([]byte, error) {
	var s []string
	for _, x := range xs {
		s = append(s, x.(string))
	}
	return []byte("[" + strings.Join(s, ",") + "]"), nil
}

func decodeStrings(b []byte) ([]any, error) {
	s := strings.TrimSuffix(strings.TrimPrefix(string(b), "["), "]")
	var out []any
	if s != "" {
		for _, x := range strings.Split(s, ",") {
			out = append(out, x)
		}
	}
	return out, nil
}

// changelog is a compacted partition in memory.
type changelog struct {
	image map[string]string
	order []string
}

func (c *changelog) put(key, value []byte) {
	if c.image == nil {
		c.image = map[string]string{}
	}
	if _, ok := c.image[string(key)]; !ok {
		c.order = append(c.order, string(key))
	}
	c.image[string(key)] = string(value)
	if value == nil {
		delete(c.image, string(key))
	}
}

// One member writes a stream's batches, a second restores a task's
// partitions from the changelog: it holds the same batches of that task,
// records split at RecordElems, without the batches that left the window.
func TestWindowStore(t *testing.T) {
	const tasks = 2
	logs := make([]changelog, tasks)
	produce := func(p int32, k, v []byte) { logs[p].put(k, v) }
	a := NewWindowStore("w", tasks, 3000)
	big := make([]any, RecordElems+5)
	for i := range big {
		big[i] = fmt.Sprint(i)
	}
	for bt := int64(1000); bt <= 5000; bt += 1000 {
		// Four partitions: 0 and 2 go to task 0, 1 and 3 to task 1.
		parts := [][]any{{fmt.Sprint("a", bt)}, {fmt.Sprint("b", bt)}, big, {}}
		if err := a.Put(bt, parts, func(int) bool { return true }, encodeStrings, produce); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := a.Batch(2000); ok {
		t.Fatal("batch 2000 left the window of 3 s at 5000 but is still held")
	}
	b := NewWindowStore("w", tasks, 3000)
	stale, n, err := b.Restore(0, logs[0].image, logs[0].order, 5000, decodeStrings)
	if err != nil || n != 3 || len(stale) != 0 {
		t.Fatalf("Restore = %v, %d batches, %v", stale, n, err)
	}
	for _, bt := range []int64{3000, 4000, 5000} {
		got, ok := b.Batch(bt)
		want := [][]any{{fmt.Sprint("a", bt)}, nil, big, nil}
		if !ok || !reflect.DeepEqual(got, want) {
			t.Fatalf("batch %d restored as %v", bt, got)
		}
	}
	// Restored later, at 7000, batch 3000 has left the window: its records
	// are reported stale.
	c := NewWindowStore("w", tasks, 3000)
	stale, n, err = c.Restore(1, logs[1].image, logs[1].order, 7000, decodeStrings)
	if err != nil || n != 1 || len(stale) != 4 {
		t.Fatalf("Restore at 7000 = %v, %d batches, %v; want batch 5000 and the records of 3000 and 4000 stale", stale, n, err)
	}
	c.Forget(1)
	if got, _ := c.Batch(5000); got[1] != nil || c.Loaded(1) {
		t.Fatalf("after Forget(1): %v", got)
	}
	if _, _, err := c.Restore(1, map[string]string{"x": "[]"}, []string{"x"}, 7000, decodeStrings); err == nil {
		t.Fatal("a record of a bad key was taken")
	}
}

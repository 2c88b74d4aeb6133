package rdd

import "sync/atomic"

// Codec encodes whole partitions for serialized storage.
type Codec struct {
	Encode func(part []any) ([]byte, error)
	Decode func(data []byte) ([]any, error)
	// Corrupt fails the task reading a block that does not decode; it
	// must not return.
	Corrupt func(err error)
}

// Env is what the RDDs of one executor share.
type Env struct {
	Codec *Codec // nil keeps every level deserialized
	// Parallel reports whether tasks run in parallel, so that blocks are
	// encoded in tasks.
	Parallel func() bool
}

// block is a persisted RDD's partitions in encoded form.
type block struct {
	codec *Codec
	data  [][]byte
}

// store encodes parts, or returns nil when some element cannot be encoded.
func (c *Codec) store(parts [][]any) *block {
	b := &block{codec: c, data: make([][]byte, len(parts))}
	for p, part := range parts {
		d, err := c.Encode(part)
		if err != nil {
			return nil
		}
		b.data[p] = d
	}
	return b
}

// storeParallel is store with a task per partition, run by run.
func (c *Codec) storeParallel(parts [][]any, run func(n int, task func(p int))) *block {
	data := make([][]byte, len(parts))
	var failed atomic.Bool
	run(len(parts), func(p int) {
		d, err := c.Encode(parts[p])
		if err != nil {
			failed.Store(true)
			return
		}
		data[p] = d
	})
	if failed.Load() {
		return nil
	}
	return &block{codec: c, data: data}
}

// partition decodes partition p.
func (b *block) partition(p int) []any {
	xs, err := b.codec.Decode(b.data[p])
	if err != nil {
		b.codec.Corrupt(err)
	}
	return xs
}

func (b *block) release() { b.data = nil }

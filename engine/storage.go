package engine

// StorageLevel says how a persisted RDD keeps its partitions.
type StorageLevel int

// Storage levels, after Spark's. Serialized levels keep each partition as
// encoded bytes (fewer, larger objects, so shorter GC pauses) when every
// element can be encoded, and fall back to keeping the elements otherwise.
// There is no disk tier in local mode: the _AND_DISK levels keep memory.
const (
	None StorageLevel = iota
	MemoryOnly
	MemoryOnlySer
	MemoryAndDisk
	MemoryAndDiskSer
	MemoryOnly2
	MemoryOnlySer2
)

var levelNames = [...]string{"NONE", "MEMORY_ONLY", "MEMORY_ONLY_SER", "MEMORY_AND_DISK", "MEMORY_AND_DISK_SER", "MEMORY_ONLY_2", "MEMORY_ONLY_SER_2"}

func (l StorageLevel) String() string {
	if l >= 0 && int(l) < len(levelNames) {
		return levelNames[l]
	}
	return "StorageLevel(?)"
}

// Serialized reports whether the level stores encoded partitions.
func (l StorageLevel) Serialized() bool {
	return l == MemoryOnlySer || l == MemoryAndDiskSer || l == MemoryOnlySer2
}

// blockCodec encodes whole partitions for serialized storage.
type blockCodec struct {
	encode func(part []any) ([]byte, error)
	decode func(data []byte) ([]any, error)
}

// defaultCodec is installed by the codec implementation; nil keeps every
// level deserialized.
var defaultCodec *blockCodec

// storedBlock is a persisted RDD's partitions in encoded form.
type storedBlock struct {
	codec *blockCodec
	data  [][]byte
}

// store encodes parts, or returns nil when some element cannot be encoded.
func (c *blockCodec) store(r *RDD, parts [][]any) *storedBlock {
	b := &storedBlock{codec: c, data: make([][]byte, len(parts))}
	for p, part := range parts {
		d, err := c.encode(part)
		if err != nil {
			return nil
		}
		b.data[p] = d
	}
	return b
}

func (b *storedBlock) partition(p int) []any {
	xs, err := b.codec.decode(b.data[p])
	if err != nil {
		panic(taskFailure{&Error{Op: "storage", Msg: "decoding a stored partition: " + err.Error(), Err: err}})
	}
	return xs
}

func (b *storedBlock) release() { b.data = nil }

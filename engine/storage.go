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

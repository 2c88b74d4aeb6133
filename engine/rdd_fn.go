package engine

// Adapters for the function shapes of the RDD operations beyond the element
// functions of fn.go: two-argument functions of different types (seqOp),
// comparisons, consumers and indexed partition functions
// (engine/internal/exec's Adapter).

// binaryFunc adapts f, a func(A, B) A (or any func of two arguments and one
// result), to func(a, b any) any.
func binaryFunc(op string, f any, what string) func(a, b any) any { return adapt.Binary(op, f, what) }

// lessFunc adapts less, a func(a, b T) bool that reports whether a sorts
// before b.
func lessFunc(op string, less any) func(a, b any) bool { return adapt.Less(op, less) }

// consumer adapts f, a func(T) with no result.
func consumer(op string, f any) func(any) { return adapt.Consumer(op, f) }

// partitionConsumer adapts f, a func([]T) with no result.
func partitionConsumer(op string, f any) func([]any) { return adapt.PartitionConsumer(op, f) }

// indexedPartitionFunc adapts f, a func(index int, part []T) []U.
func indexedPartitionFunc(op string, f any) func(int, []any) []any {
	return adapt.IndexedPartitionFunc(op, f)
}

package rdd

// SumOne is the materialize of one partition holding the sum of d's
// elements, ints (0 when d has none): CountByWindow's total of its
// batches' counts.
func (d *Data[P]) SumOne() func() [][]any {
	return func() [][]any {
		total := 0
		for _, p := range d.Partitions() {
			for _, x := range p {
				total += x.(int)
			}
		}
		return [][]any{{total}}
	}
}

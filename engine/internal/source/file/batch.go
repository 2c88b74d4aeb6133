package file

import "fmt"

// ReadBatch selects the files of batch t, batches batch ms apart
// (Select), and reads them as r says (Read). Its error is a *ReadError; a
// failed listing's names the directory.
func (s *Stream) ReadBatch(t, batch int64, r Reading, run Runner) (Batch, error) {
	files, err := s.Select(t, batch)
	if err != nil {
		return Batch{}, &ReadError{fmt.Sprintf("listing directory %q: %v", s.cfg.Dir, err), err}
	}
	return Read(s.cfg.Dir, files, r, run)
}

// Each emits the elements of partition p: Parts[p], or the lines of
// Splits[p], read now. The error is a *ReadError naming the split's file
// and bytes.
func (b Batch) Each(p int, emit func(any)) error {
	if b.Splits == nil || b.Splits[p] == nil {
		for _, x := range b.Parts[p] {
			emit(x)
		}
		return nil
	}
	return b.split(p, func(line string) { emit(line) })
}

// EachString is Each for the lines of a text file stream, as strings.
func (b Batch) EachString(p int, emit func(string)) error {
	if b.Splits == nil || b.Splits[p] == nil {
		for _, x := range b.Parts[p] {
			emit(x.(string))
		}
		return nil
	}
	return b.split(p, emit)
}

func (b Batch) split(p int, emit func(string)) error {
	sp := b.Splits[p]
	if err := sp.Each(emit); err != nil {
		return &ReadError{fmt.Sprintf("reading %q (bytes %d-%d): %v", sp.Path, sp.Start, sp.End, err), err}
	}
	return nil
}

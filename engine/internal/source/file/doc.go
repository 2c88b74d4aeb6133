// Package file is the reading side of the file streams (TextFileStream):
// a text file's lines, and the splits a large file is cut into so that no
// batch holds it whole.
//
// The contract: a line is what lies between "\n"s, without the "\n" or a
// "\r\n", invalid UTF-8 replaced; ReadLines, CountLines and the splits of a
// file agree on them: the lines of a file's splits, in order, are the file's
// lines. Plan decides, at a batch's generation, which of its files are read
// whole and which are cut into splits; a split's lines are read by the task
// that runs it (Split.Each), a line belonging to the split it starts in.
// Errors are plain, wrapping the operating system's; the engine names the
// stream and the batch.
package file

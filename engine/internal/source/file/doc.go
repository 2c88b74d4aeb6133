// Package file is the file streams (TextFileStream, ObjectFileStream,
// BinaryRecordsStream) without the engine's types: which entries of the
// directory count, which files each batch takes, and the reading of them,
// a text file's lines and the splits a large file is cut into so that no
// batch holds it whole.
//
// The contract of a Stream (one file stream; times are ms; its Config
// made with the engine's options by Configure):
//   - Start checks the directory and takes the first listing; files
//     modified at or before the start are old (on the real clock, up to
//     ClockSlackMS before it still count as new), unless OldFiles.
//   - Select gives batch t the files not taken before whose modification
//     time lies in (max(start, t-Remember(batch)), t], oldest first, then by
//     name, each once; a file that changed since the previous listing, or
//     appeared stamped after it, is left for a later batch. A batch selected
//     again (a re-run after recovery) gets the same files.
//   - Hidden and temporary names (Ignored) and names Accept refuses are
//     never listed; a symbolic link counts as its target; a dangling link,
//     a directory among files or a device is skipped and reported to
//     Skipped once per name and reason.
//   - State and Restore are what a checkpoint holds (Position and
//     RestorePosition, as its JSON); Resumed(t) makes the listing at a
//     restart stand for batch t's.
//   - ReadBatch is a batch's Select, then Read: its partitions and splits.
//
// The contract of the reading: a line is what lies between "\n"s, without
// the "\n" or a "\r\n", invalid UTF-8 replaced; ReadLines, CountLines and
// the splits of a file agree on them: the lines of a file's splits, in
// order, are the file's lines. Plan and ReadText decide, at a batch's
// generation, which of its files are read whole (then, through the
// caller's Runner) and which are cut into splits; a split's lines are read
// by the task that runs it (Split.Each; a Batch's Each and EachString
// give any of its partitions), a line belonging to the split it
// starts in. ReadRecords cuts a file into records of a fixed length
// (BinaryRecordsStream's reader for ReadWith). Errors are plain, wrapping the operating system's (or the
// reader's, in ReadWith) and naming the file; the engine names the stream
// and the batch.
package file

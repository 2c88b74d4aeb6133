// Package dir writes an output directory atomically, as Spark's output
// committer does for saveAsTextFiles: the part files and _SUCCESS go into a
// temporary directory beside the target, each file synced, and the
// temporary directory is renamed to the target (a previous target moved
// aside first, then removed), so a reader sees the whole output or none.
// Temporary directories a crash left are removed when the same target is
// written again.
//
// The contract: Begin, WritePart and Commit return plain errors whose text
// says what was being done ("creating %q", "writing part-00001 of %q",
// "renaming %q to %q", ...) and wrap the operating system's error; Abort
// removes what an unfinished directory wrote. WritePart may be called from
// several goroutines at once.
//
// Write is the whole of it for n part files, part-00000<ext>, ...: the
// caller's Runner runs the writes (in parallel, as it likes), the first
// failing part's error in order is returned, and nothing stays of a
// directory that failed or whose Runner panicked. ReadParts reads such a
// directory back, part by part in name order, through the caller's decoder,
// refusing one without _SUCCESS. WriteLines is the text format: one element
// a line, as the caller formats it.
package dir

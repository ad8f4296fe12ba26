// Package record writes and reads evtap recording files, and writes the
// headless output that shares their format.
//
// A recording is one JSON object per line: a Header line, then one line
// per protocol.Update exactly as headless mode prints it
// (docs/recording-format.md). The Writer redacts secrets by the
// provider's Rules before anything reaches the file (Redactor, Issued),
// encodes and writes on a goroutine of its own behind a lossless queue,
// and flushes on a short ticker and on Close, so a crash loses at most
// FlushEvery of data; a failure is reported at once (Options.OnError).
// Create never replaces a file unless forced, nor writes over its input.
// The Reader streams (it never loads a file whole), reads .gz files
// transparently, accepts a last line torn by a crash with a warning,
// skips a damaged line and names it (LineError), and builds an Index of
// line offsets for seeking.
//
// The package names no provider: what is secret comes from the Rules the
// provider registry passes in.
package record

// Package record writes and reads evtap recording files, and writes the
// headless output that shares their format.
//
// A recording is one JSON object per line: a Header line, then one line
// per protocol.Update exactly as headless mode prints it
// (docs/recording-format.md). The Writer redacts secrets before anything
// reaches the file, buffers, and flushes on a short ticker and on Close,
// so a crash loses at most FlushEvery of data. The Reader streams (it
// never loads a file whole), reads .gz files transparently, accepts a
// last line torn by a crash with a warning, names the line of any other
// damage, and builds an Index of line offsets for seeking.
package record

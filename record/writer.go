package record

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/evtap/evtap/protocol"
)

// Options shape a Writer.
type Options struct {
	// KeepSecrets turns redaction off (the user's --no-redact). The zero
	// value redacts, so forgetting to set it is the safe mistake.
	KeepSecrets bool
	// Rules are the provider's redaction rules; DefaultRules are always
	// applied as well.
	Rules Rules
	// Secrets are literal values (a client secret, a JWT, a password)
	// replaced wherever they appear, in addition to the values the rules
	// find. Values shorter than 4 bytes are ignored.
	Secrets []string
	// Issued is the session's memory of the secrets met so far. Give
	// every Writer of one session the same (NewIssued) so that a
	// recording started halfway knows the tokens issued before it, and
	// a recording and the headless output match line for line; nil
	// gives the Writer one of its own.
	Issued *Issued
	// FlushEvery bounds how much a crash can lose: buffered lines reach
	// the file at least this often. 0 means 100ms; more than 200ms is
	// lowered to 200ms.
	FlushEvery time.Duration
	// Filter, when set, decides what a stream writes in place of each
	// line (headless --jq): the line, nothing, or other values. Only the
	// lines written are counted.
	Filter Selector

	// Force lets Create replace a file that already exists (--force).
	// Without it Create refuses, with an error matching fs.ErrExist.
	Force bool
	// Inputs are files Create must never write over, such as the file a
	// recording is being made from; compared with os.SameFile, so a
	// link or another spelling of the same path is caught too.
	Inputs []string
	// OnError, when set, is called once, as soon as the file can no
	// longer be written (a full disk), from the Writer's own goroutine:
	// the caller shows it on screen and on stderr at once, and exits
	// non-zero at the end. It must not call back into the Writer.
	OnError func(error)

	// Batch makes a stream (NewStream) flush when its buffer fills, when
	// the caller calls Flush (after each batch) and at least every
	// FlushEvery, rather than after every line.
	Batch bool

	// Tee, when set, is given every line a stream writes an Update as,
	// once redacted and before the Filter, without its newline and
	// valid only during the call: headless output hands it to the
	// recording of the same session (WriteRedacted), so that each
	// Update is encoded and redacted once for both.
	Tee func(line []byte, kind protocol.Kind)
}

// DefaultFlushEvery is the flush period when Options.FlushEvery is 0.
const DefaultFlushEvery = 100 * time.Millisecond

// maxFlushEvery is the most a crash may lose.
const maxFlushEvery = 200 * time.Millisecond

// maxQueued bounds the payload bytes a file Writer holds for its
// goroutine. Beyond it Write waits: a recording never loses an Update,
// and memory stays bounded if the disk cannot keep up with the socket.
const maxQueued = 64 << 20

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("recording is closed")

// Writer writes Updates as JSON lines, redacted. It is safe for
// concurrent use.
//
// A file Writer (Create) encodes, redacts and writes on a goroutine of
// its own behind a lossless queue: Write only queues, so the session's
// reader never pays for redaction or waits on the disk (see
// BenchmarkWriteCallerCost). A stream (NewStream) does the work in Write,
// because headless output already runs on its own goroutine.
type Writer struct {
	file   *os.File // nil for a stream
	gz     *gzip.Writer
	bw     *bufio.Writer
	line   []byte // scratch for hand-encoded lines
	enc    protocol.LineEncoder
	red    *Redactor
	filter Selector
	tee    func([]byte, protocol.Kind)
	// selected is the line a Selector is judging; selectErr the write
	// error met while emitting for it.
	selected  []byte
	selectErr error
	perLine   bool
	dirty     bool
	onError   func(error)
	count     atomic.Int64

	mu     sync.Mutex // guards everything below, and the fields above for a stream
	err    error
	closed bool

	// The file Writer's queue. Lines are copied into blocks of
	// lineBlock bytes rather than each into an allocation of its own:
	// lines is the block being filled, used the blocks the queued lines
	// are in, free those the goroutine has written and given back.
	async     bool
	queue     []queued
	spare     []queued
	lines     []byte
	used      [][]byte
	spareUsed [][]byte
	free      [][]byte
	qbytes    int
	room      *sync.Cond // signalled when the queue empties
	wake      chan struct{}
	flushes   chan chan error
	stop      chan struct{}
	done      chan struct{}
}

// queued is an Update, or an encoded line, waiting for the goroutine.
type queued struct {
	u     protocol.Update
	line  []byte
	kind  protocol.Kind
	clean bool // line is redacted already (WriteRedacted)
}

func newWriter(o Options) *Writer {
	w := &Writer{filter: o.Filter, tee: o.Tee, onError: o.OnError}
	if !o.KeepSecrets {
		w.red = NewRedactor(o.Rules, o.Secrets, o.Issued)
	}
	return w
}

// Create makes a recording file at path, gzip-compressed when path ends
// in .gz, and writes h as its first line. A new file gets mode 0600; an
// existing one is replaced only with Options.Force, and keeps its mode;
// a file in Options.Inputs is never written over. Format and Version are
// filled in; Endpoint and URL are redacted; Redacted is set to the kinds
// this writer replaces.
func Create(path string, h Header, o Options) (*Writer, error) {
	f, err := CreateFile(path, o.Force, o.Inputs...)
	if err != nil {
		return nil, err
	}
	w := newWriter(o)
	w.file = f
	var sink io.Writer = f
	if strings.HasSuffix(path, ".gz") {
		w.gz = gzip.NewWriter(f)
		sink = w.gz
	}
	w.bw = bufio.NewWriterSize(sink, 64<<10)

	h.Format, h.Version = Format, Version
	h.Redacted = []string{}
	if w.red != nil {
		h.Endpoint = w.red.String(h.Endpoint)
		h.URL = w.red.String(h.URL)
		h.Redacted = w.red.Kinds()
	}
	if h.Start.IsZero() {
		h.Start = time.Now()
	}
	enc := json.NewEncoder(w.bw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(h); err != nil {
		f.Close()
		return nil, err
	}
	if err := w.flush(); err != nil {
		f.Close()
		return nil, fmt.Errorf("create recording: %w", err)
	}

	w.async = true
	w.room = sync.NewCond(&w.mu)
	w.wake = make(chan struct{}, 1)
	w.flushes = make(chan chan error)
	w.stop, w.done = make(chan struct{}), make(chan struct{})
	go w.loop(flushPeriod(o.FlushEvery))
	return w, nil
}

func flushPeriod(every time.Duration) time.Duration {
	if every <= 0 {
		every = DefaultFlushEvery
	}
	return min(every, maxFlushEvery)
}

// NewStream returns a Writer for headless output: the same lines as a
// recording, without the header. Each line is flushed as soon as it is
// written, so that a pipe reader sees it at once, unless Options.Batch
// is set. Close flushes and does not close out.
func NewStream(out io.Writer, o Options) *Writer {
	w := newWriter(o)
	w.bw = bufio.NewWriterSize(out, 64<<10)
	w.perLine = !o.Batch
	if o.Batch {
		w.stop, w.done = make(chan struct{}), make(chan struct{})
		go w.tick(flushPeriod(o.FlushEvery))
	}
	return w
}

// tick flushes a batched stream at least every period.
func (w *Writer) tick(every time.Duration) {
	defer close(w.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			w.mu.Lock()
			if w.dirty && w.err == nil {
				w.fail(w.flush())
			}
			w.mu.Unlock()
		}
	}
}

// flushOwn flushes from the goroutine and returns the Writer's error.
func (w *Writer) flushOwn() error {
	w.mu.Lock()
	failed := w.err
	w.mu.Unlock()
	if failed != nil {
		return failed
	}
	if w.dirty {
		w.failLocked(w.flush())
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// failLocked records err as the Writer's error; it takes mu itself and
// reports whether the Writer has failed.
func (w *Writer) failLocked(err error) bool {
	if err == nil {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fail(err)
}

// fail records the first error, under mu, and reports it at once.
func (w *Writer) fail(err error) bool {
	if err == nil {
		return w.err != nil
	}
	if w.err == nil {
		w.err = err
		if w.room != nil {
			w.room.Broadcast()
		}
		if w.onError != nil {
			go w.onError(err) // never under our lock, never blocking the writer
		}
	}
	return true
}

func (w *Writer) flush() error {
	w.dirty = false
	if err := w.bw.Flush(); err != nil {
		return err
	}
	if w.gz != nil {
		return w.gz.Flush()
	}
	return nil
}

// Write records one Update. An error means the file can no longer be
// written (disk full, closed); every later Write returns it too. A
// file Writer queues u and returns; the queue is lossless, and Write
// waits only when maxQueued bytes are already waiting for the disk. A
// stream writes u before returning; a filter that fails on u returns its
// error and the stream goes on.
func (w *Writer) Write(u protocol.Update) error {
	if w.async {
		return w.enqueue(queued{u: u}, updateSize(u))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.ready(); err != nil {
		return err
	}
	fatal, err := w.writeUpdate(u)
	if fatal {
		w.fail(err)
	}
	return err
}

// WriteLine writes one line that is already in the recording format (a
// line read back from a recording), redacting and filtering it like an
// Update. line is not kept after the call.
func (w *Writer) WriteLine(line []byte) error { return w.WriteLineKind(line, "") }

// WriteLineKind is WriteLine for a line whose Update kind the caller
// knows (replay does), so a filter on the kind need not look for it.
func (w *Writer) WriteLineKind(line []byte, kind protocol.Kind) error {
	if w.async {
		return w.enqueueLine(line, kind, false)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.ready(); err != nil {
		return err
	}
	fatal, err := w.writeLine(line, kind)
	if fatal {
		w.fail(err)
	}
	return err
}

// WriteRedacted records a line that is already what this Writer would
// write: encoded and redacted by a stream with the same Options (the same
// rules, secrets and Issued; see Options.Tee). It is written as it is.
// line is not kept after the call.
func (w *Writer) WriteRedacted(line []byte, kind protocol.Kind) error {
	if w.async {
		return w.enqueueLine(line, kind, true)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.ready(); err != nil {
		return err
	}
	fatal, err := w.writeRaw(line)
	if fatal {
		w.fail(err)
	}
	return err
}

// Count is how many lines have been written (after the filter: a
// projection may write several for one Update, or none).
func (w *Writer) Count() int { return int(w.count.Load()) }

// Err is why the Writer stopped writing, if it did.
func (w *Writer) Err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// Flush writes everything written or queued so far to the destination.
func (w *Writer) Flush() error {
	if w.async {
		w.mu.Lock()
		closed := w.closed
		w.mu.Unlock()
		if closed {
			return ErrClosed
		}
		reply := make(chan error, 1)
		select {
		case w.flushes <- reply:
			return <-reply
		case <-w.done:
			return ErrClosed
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	if w.err == nil {
		w.fail(w.flush())
	}
	return w.err
}

// Close writes what is queued, flushes, ends the gzip stream and closes
// the file. A stream's destination is flushed but not closed. Close
// returns the first error the Writer met, and is idempotent.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	if w.room != nil {
		w.room.Broadcast()
	}
	w.mu.Unlock()
	if w.stop != nil {
		close(w.stop)
		<-w.done
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.err
	if err == nil {
		err = w.bw.Flush()
	}
	if w.gz != nil {
		if cerr := w.gz.Close(); err == nil {
			err = cerr
		}
	}
	if w.file != nil {
		if serr := w.file.Sync(); err == nil {
			err = serr
		}
		if cerr := w.file.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

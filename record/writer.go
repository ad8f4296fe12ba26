package record

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/evtap/evtap/protocol"
)

// Options shape a Writer.
type Options struct {
	// KeepSecrets turns redaction off (the user's --no-redact). The zero
	// value redacts, so forgetting to set it is the safe mistake.
	KeepSecrets bool
	// Secrets are literal values (a client secret, a JWT, a password)
	// replaced wherever they appear, in addition to the values found by
	// key. Values shorter than 4 bytes are ignored.
	Secrets []string
	// FlushEvery bounds how much a crash can lose: buffered lines reach
	// the file at least this often. 0 means 100ms; more than 200ms is
	// lowered to 200ms.
	FlushEvery time.Duration
	// Filter, when set, drops lines for which it is not true (headless
	// --filter). Dropped lines are not counted.
	Filter *Filter
}

// DefaultFlushEvery is the flush period when Options.FlushEvery is 0.
const DefaultFlushEvery = 100 * time.Millisecond

// maxFlushEvery is the most a crash may lose.
const maxFlushEvery = 200 * time.Millisecond

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("recording is closed")

// Writer writes Updates as JSON lines, redacted. It is safe for
// concurrent use. Write encodes into a memory buffer and returns; the
// buffer reaches the file when it fills, on the flush ticker and on
// Close, so Write never waits on more than one buffered write.
type Writer struct {
	mu      sync.Mutex
	file    *os.File // nil for a stream
	gz      *gzip.Writer
	bw      *bufio.Writer
	enc     *json.Encoder
	buf     bytes.Buffer
	red     *Redactor
	filter  *Filter
	perLine bool
	count   int
	dirty   bool
	err     error
	closed  bool
	stop    chan struct{}
	done    chan struct{}
}

func newWriter(o Options) *Writer {
	w := &Writer{filter: o.Filter}
	if !o.KeepSecrets {
		w.red = NewRedactor(o.Secrets)
	}
	w.enc = json.NewEncoder(&w.buf)
	w.enc.SetEscapeHTML(false)
	return w
}

// Create makes a recording file at path (mode 0600, replacing any file
// there), gzip-compressed when path ends in .gz, and writes h as its
// first line. Format and Version are filled in; Endpoint is redacted;
// Redacted is set to the kinds this writer replaces.
func Create(path string, h Header, o Options) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create recording: %w", err)
	}
	// OpenFile keeps the mode of a file that already existed.
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("create recording: %w", err)
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
		// A redactor of its own, so that the header does not shift the
		// numbering of placeholders: the lines of a recording and of the
		// headless output of the same session stay identical.
		h.Endpoint = NewRedactor(o.Secrets).String(h.Endpoint)
		h.Redacted = RedactedKinds(len(o.Secrets) > 0)
	}
	if h.Start.IsZero() {
		h.Start = time.Now()
	}
	if err := w.enc.Encode(h); err != nil {
		f.Close()
		return nil, err
	}
	w.bw.Write(w.buf.Bytes())
	w.buf.Reset()
	if err := w.flushLocked(); err != nil {
		f.Close()
		return nil, fmt.Errorf("create recording: %w", err)
	}

	every := o.FlushEvery
	if every <= 0 {
		every = DefaultFlushEvery
	}
	if every > maxFlushEvery {
		every = maxFlushEvery
	}
	w.stop, w.done = make(chan struct{}), make(chan struct{})
	go w.flushLoop(every)
	return w, nil
}

// NewStream returns a Writer for headless output: the same lines as a
// recording, without the header, each flushed as soon as it is written
// so that a pipe reader sees it at once. Close flushes and does not
// close out.
func NewStream(out io.Writer, o Options) *Writer {
	w := newWriter(o)
	w.bw = bufio.NewWriterSize(out, 64<<10)
	w.perLine = true
	return w
}

func (w *Writer) flushLoop(every time.Duration) {
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
				w.err = w.flushLocked()
			}
			w.mu.Unlock()
		}
	}
}

func (w *Writer) flushLocked() error {
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
// written (disk full, closed); a filter that fails on this Update
// returns its error and the Writer goes on.
func (w *Writer) Write(u protocol.Update) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.ready(); err != nil {
		return err
	}
	w.buf.Reset()
	if err := w.encode(u); err != nil {
		return fmt.Errorf("encode %s update: %w", u.Kind, err)
	}
	return w.writeLocked(w.buf.Bytes())
}

// encode puts u into w.buf as one JSON line. Frames and events, most of
// a session, are written by hand (frameline.go), byte for byte what
// encoding/json would write but without its reflection, and without its
// re-compacting of every notification body: a body with no line break is
// already a one-line JSON value (it was validated when the frame was
// decoded), so it goes in as it is. Everything else goes to encoding/json.
func (w *Writer) encode(u protocol.Update) error {
	switch {
	case isPlainFrame(u):
		w.buf.Write(appendFrameLine(w.buf.AvailableBuffer(), u))
	case isPlainEvent(u) && len(u.Event.Body) > 0 && oneLine(u.Event.Body):
		w.buf.Write(appendEventLine(w.buf.AvailableBuffer(), u))
	default:
		return w.enc.Encode(u)
	}
	return nil
}

// WriteLine writes one line that is already in the recording format
// (a line read back from a recording), redacting and filtering it like
// an Update. Headless replay uses it to copy lines without decoding them.
func (w *Writer) WriteLine(line []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.ready(); err != nil {
		return err
	}
	if len(line) == 0 || line[len(line)-1] != '\n' {
		w.buf.Reset()
		w.buf.Write(line)
		w.buf.WriteByte('\n')
		line = w.buf.Bytes()
	}
	return w.writeLocked(line)
}

func (w *Writer) ready() error {
	if w.closed {
		return ErrClosed
	}
	return w.err
}

func (w *Writer) writeLocked(line []byte) error {
	if w.red != nil {
		line = w.red.Line(line)
	}
	if w.filter != nil {
		ok, err := w.filter.Match(line)
		if err != nil || !ok {
			return err
		}
	}
	if _, err := w.bw.Write(line); err != nil {
		w.err = err
		return err
	}
	w.count++
	if w.perLine {
		if err := w.flushLocked(); err != nil {
			w.err = err
			return err
		}
	} else {
		w.dirty = true
	}
	return nil
}

// Count is how many Updates have been written (after the filter).
func (w *Writer) Count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.count
}

// Flush writes everything buffered now.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrClosed
	}
	if w.err == nil {
		w.err = w.flushLocked()
	}
	return w.err
}

// Close flushes, ends the gzip stream and closes the file. A stream's
// destination is flushed but not closed. Close is idempotent.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	err := w.err
	if err == nil {
		err = w.bw.Flush()
	}
	if w.gz != nil {
		if cerr := w.gz.Close(); err == nil {
			err = cerr
		}
	}
	w.mu.Unlock()
	if w.stop != nil {
		close(w.stop)
		<-w.done
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

// oneLine reports a body with no line break (two SIMD scans; ContainsAny
// would walk it byte by byte).
func oneLine(b []byte) bool {
	return bytes.IndexByte(b, '\n') < 0 && bytes.IndexByte(b, '\r') < 0
}

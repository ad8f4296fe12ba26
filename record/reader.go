package record

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"time"

	"github.com/evtap/evtap/protocol"
)

// MaxLine is the longest line a Reader accepts (16 MiB). No Update comes
// near it; a longer line means the file is damaged or not a recording,
// and refusing it keeps memory bounded.
const MaxLine = 16 << 20

// Line is one Update line as read, before decoding.
type Line struct {
	N    int           // line number in the file; the header is line 1
	Pos  int64         // byte offset of the line in the (decompressed) file
	Raw  []byte        // the line without its newline; valid until the next read
	Off  time.Duration // the Update's offset ("off")
	Kind protocol.Kind // the Update's kind
}

// Clone returns l with its own copy of Raw, valid after the next read.
func (l Line) Clone() Line {
	l.Raw = bytes.Clone(l.Raw)
	return l
}

// LineError is a damaged line in the middle of a recording: not JSON,
// not an Update, or too long. The Reader skips it and goes on with the
// next line, so everything readable plays; callers report it (it names
// the line) and exit non-zero at the end.
type LineError struct {
	Name string // the file
	N    int    // the line number; the header is line 1
	Err  error
}

func (e *LineError) Error() string {
	return fmt.Sprintf("%s: line %d: %v", e.Name, e.N, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

// IsDamage reports whether err is a damaged line that was skipped (as
// opposed to a failure that ends reading).
func IsDamage(err error) bool {
	var le *LineError
	return errors.As(err, &le)
}

// Reader streams a recording line by line. It is not safe for
// concurrent use.
type Reader struct {
	name     string
	file     *os.File // nil when reading a plain io.Reader
	gz       *gzip.Reader
	br       *bufio.Reader
	header   Header
	line     int   // number of the last line read
	pos      int64 // byte offset of the next line
	long     []byte
	warnings []string
	damaged  int
	eof      bool
}

// Open opens a recording and reads its header. A gzip-compressed file is
// recognised by its content, whatever its name.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open recording: %w", err)
	}
	r := &Reader{name: path, file: f}
	if err := r.start(f); err != nil {
		f.Close()
		return nil, err
	}
	return r, nil
}

// NewReader reads a recording from any stream (for example stdin). name
// is used in error messages. Such a Reader cannot seek.
func NewReader(src io.Reader, name string) (*Reader, error) {
	r := &Reader{name: name}
	if err := r.start(src); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Reader) start(src io.Reader) error {
	if err := r.reset(src); err != nil {
		return err
	}
	raw, nl, err := r.readRaw()
	if err != nil && !errors.Is(err, io.EOF) {
		return r.errorf("%v", err)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return fmt.Errorf("%s: file is empty: not an evtap recording", r.name)
	}
	h, herr := parseHeader(raw)
	if herr != nil {
		if !nl && errors.Is(err, io.EOF) && h.Format == "" {
			return fmt.Errorf("%s: the header line is incomplete: the file was cut before any Update was written", r.name)
		}
		return fmt.Errorf("%s: %w", r.name, herr)
	}
	r.header = h
	return nil
}

// reset starts reading src from its beginning.
func (r *Reader) reset(src io.Reader) error {
	br := bufio.NewReaderSize(src, 256<<10)
	magic, _ := br.Peek(2)
	r.gz = nil
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("%s: gzip: %w", r.name, err)
		}
		r.gz = gz
		br = bufio.NewReaderSize(gz, 256<<10)
	}
	r.br, r.line, r.pos, r.eof = br, 0, 0, false
	return nil
}

// Header is the recording's first line.
func (r *Reader) Header() Header { return r.header }

// Warnings are problems that did not stop reading, such as a torn last
// line; the caller prints them to stderr.
func (r *Reader) Warnings() []string { return r.warnings }

// Close releases the file.
func (r *Reader) Close() error {
	if r.file != nil {
		return r.file.Close()
	}
	return nil
}

func (r *Reader) errorf(format string, args ...any) error {
	return fmt.Errorf("%s: line %d: %s", r.name, r.line, fmt.Sprintf(format, args...))
}

// errTooLong is a line longer than MaxLine; the rest of it is skipped.
var errTooLong = fmt.Errorf("line is longer than %d MiB, the most a recording line may be: damaged, or not a recording", MaxLine>>20)

// readRaw reads the next line. nl says whether it ended with a newline;
// err is io.EOF at the end (possibly with a last line that has none), or
// errTooLong for a line that was skipped to its end.
func (r *Reader) readRaw() (raw []byte, nl bool, err error) {
	if r.eof {
		return nil, false, io.EOF
	}
	r.line++
	buf, err := r.br.ReadSlice('\n')
	consumed := len(buf)
	if errors.Is(err, bufio.ErrBufferFull) {
		r.long = append(r.long[:0], buf...)
		for errors.Is(err, bufio.ErrBufferFull) {
			buf, err = r.br.ReadSlice('\n')
			consumed += len(buf)
			if len(r.long) <= MaxLine { // past it, only skip: memory stays bounded
				r.long = append(r.long, buf...)
			}
		}
		if len(r.long) > MaxLine {
			r.pos += int64(consumed)
			r.long = r.long[:0]
			if err != nil {
				r.eof = true
				if !errors.Is(err, io.EOF) {
					return nil, false, err
				}
			}
			return nil, false, errTooLong
		}
		buf = r.long
	}
	r.pos += int64(consumed)
	if err != nil {
		r.eof = true
		if errors.Is(err, io.ErrUnexpectedEOF) && r.gz != nil {
			r.warnings = append(r.warnings, fmt.Sprintf("%s: the compressed stream ends abruptly (the writer was killed?); reading what was flushed", r.name))
			err = io.EOF
		}
		if !errors.Is(err, io.EOF) {
			return nil, false, err
		}
		return buf, false, io.EOF
	}
	return buf[:len(buf)-1], true, nil
}

// NextLine returns the next Update line without decoding it whole: only
// its offset and kind are read, and the line's shape is checked. At the
// end it returns io.EOF. A last line cut short by a crash is dropped with
// a warning (see Warnings). A damaged line in the middle returns a
// *LineError naming it, and the next call goes on after it; any other
// error (the disk, a corrupt gzip stream) ends reading.
func (r *Reader) NextLine() (Line, error) {
	for {
		start := r.pos
		raw, nl, err := r.readRaw()
		if errors.Is(err, errTooLong) {
			return Line{}, r.damage(err)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			r.eof = true
			return Line{}, r.errorf("%v", err)
		}
		if len(raw) > 0 && raw[len(raw)-1] == '\r' {
			raw = raw[:len(raw)-1]
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			if err != nil {
				return Line{}, io.EOF
			}
			continue // blank lines are harmless
		}
		off, kind, perr := scanLine(raw)
		if perr != nil {
			if !nl {
				r.warnings = append(r.warnings, fmt.Sprintf("%s: line %d is incomplete (the recording was cut, e.g. by a crash); it was ignored and everything before it kept", r.name, r.line))
				return Line{}, io.EOF
			}
			return Line{}, r.damage(perr)
		}
		return Line{N: r.line, Pos: start, Raw: raw, Off: off, Kind: kind}, nil
	}
}

// damage counts a skipped line and names it.
func (r *Reader) damage(err error) error {
	r.damaged++
	return &LineError{Name: r.name, N: r.line, Err: err}
}

// Damaged is how many damaged lines were skipped so far.
func (r *Reader) Damaged() int { return r.damaged }

// Next decodes the next Update. It returns io.EOF at the end, and a
// *LineError for a damaged line (the next call goes on after it).
func (r *Reader) Next() (protocol.Update, error) {
	l, err := r.NextLine()
	if err != nil {
		return protocol.Update{}, err
	}
	return r.Decode(l)
}

// Decode decodes a line returned by NextLine. A line that is not a valid
// Update is a *LineError, counted in Damaged.
func (r *Reader) Decode(l Line) (protocol.Update, error) {
	if u, ok := parseFrameLine(l.Raw, l.Kind); ok {
		return u, nil
	}
	var u protocol.Update
	if err := json.Unmarshal(l.Raw, &u); err != nil {
		r.damaged++
		return u, &LineError{Name: r.name, N: l.N, Err: fmt.Errorf("not a valid Update: %v", err)}
	}
	return u, nil
}

// SeekLine makes the next read return the line at byte offset pos, which
// must be the start of line number n (as an Index or Line reports it).
// Plain files seek directly; compressed ones are read forward, from the
// start when pos is behind.
func (r *Reader) SeekLine(pos int64, n int) error {
	if r.file == nil {
		return fmt.Errorf("%s: cannot seek in a stream", r.name)
	}
	if r.gz == nil {
		if _, err := r.file.Seek(pos, io.SeekStart); err != nil {
			return fmt.Errorf("%s: seek: %w", r.name, err)
		}
		r.br.Reset(r.file)
		r.pos, r.line, r.eof = pos, n-1, false
		return nil
	}
	if pos < r.pos || r.eof {
		if _, err := r.file.Seek(0, io.SeekStart); err != nil {
			return fmt.Errorf("%s: seek: %w", r.name, err)
		}
		if err := r.reset(r.file); err != nil {
			return err
		}
	}
	if _, err := r.br.Discard(int(pos - r.pos)); err != nil {
		return fmt.Errorf("%s: seek: %w", r.name, err)
	}
	r.pos, r.line = pos, n-1
	return nil
}

var (
	offKey  = []byte(`"off":`)
	kindKey = []byte(`"kind":"`)
)

// scanLine reads the offset and kind of an Update line. evtap writes
// them before any payload, so they are looked for in the part of the
// line before the first nested object; other field orders fall back to
// decoding. Only the line's shape is checked here, not all of its JSON,
// so that headless replay copies lines at full speed; Next decodes and
// so checks everything.
func scanLine(raw []byte) (time.Duration, protocol.Kind, error) {
	if len(raw) < 2 || raw[0] != '{' || raw[len(raw)-1] != '}' {
		return 0, "", errors.New("garbled: not a JSON object")
	}
	head := raw
	if i := bytes.IndexByte(raw[1:], '{'); i >= 0 {
		head = raw[:i+1]
	}
	oi, ki := bytes.Index(head, offKey), bytes.Index(head, kindKey)
	if oi >= 0 && ki >= 0 {
		num := head[oi+len(offKey):]
		end := 0
		for end < len(num) && (num[end] >= '0' && num[end] <= '9' || num[end] == '.' || num[end] == '-' || num[end] == 'e' || num[end] == 'E' || num[end] == '+') {
			end++
		}
		kind := head[ki+len(kindKey):]
		kend := bytes.IndexByte(kind, '"')
		if f, err := strconv.ParseFloat(string(num[:end]), 64); err == nil && kend > 0 {
			return secondsToDuration(f), protocol.Kind(kind[:kend]), nil
		}
	}
	var probe struct {
		Off  *protocol.Offset `json:"off"`
		Kind protocol.Kind    `json:"kind"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return 0, "", fmt.Errorf("garbled: not an Update: %v", err)
	}
	if probe.Off == nil || probe.Kind == "" {
		return 0, "", errors.New(`not an Update: "off" or "kind" is missing`)
	}
	return probe.Off.Duration(), probe.Kind, nil
}

// secondsToDuration converts as protocol.Offset does, so both agree.
func secondsToDuration(f float64) time.Duration {
	return time.Duration(math.Round(f*1e6)) * time.Microsecond
}

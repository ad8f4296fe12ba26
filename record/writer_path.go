package record

// The Writer's path for one Update: queued, drained by the writer
// goroutine (loop), then encoded, redacted, filtered and buffered.

import (
	"bytes"
	"time"

	"github.com/evtap/evtap/protocol"
)

func (w *Writer) enqueue(q queued, size int) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.waitRoom(); err != nil {
		return err
	}
	w.push(q, size)
	return nil
}

// enqueueLine queues a copy of line, made in a block of the queue's
// (one of its own when it is long). A block is never written again
// until the goroutine has written every line in it and given it back.
func (w *Writer) enqueueLine(line []byte, kind protocol.Kind, clean bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.waitRoom(); err != nil {
		return err
	}
	var c []byte
	if len(line) > lineBlock/8 {
		c = append(make([]byte, 0, len(line)), line...)
	} else {
		if w.lines == nil || cap(w.lines)-len(w.lines) < len(line) {
			if n := len(w.free); n > 0 {
				w.lines, w.free = w.free[n-1], w.free[:n-1]
			} else {
				w.lines = make([]byte, 0, lineBlock)
			}
			w.used = append(w.used, w.lines)
		}
		start := len(w.lines)
		w.lines = append(w.lines, line...)
		c = w.lines[start:len(w.lines):len(w.lines)]
	}
	// c is never nil, even for an empty line: a nil line is an Update.
	w.push(queued{line: c, kind: kind, clean: clean}, len(line))
	return nil
}

// The queue's line blocks: their size, and how many written ones the
// Writer keeps for reuse.
const (
	lineBlock     = 64 << 10
	maxFreeBlocks = 64
)

// waitRoom waits, with mu held, while maxQueued bytes wait for the
// disk, and says whether the Writer can still be written.
func (w *Writer) waitRoom() error {
	for w.qbytes > maxQueued && w.err == nil && !w.closed {
		w.room.Wait()
	}
	return w.ready()
}

// push queues q, with mu held, and wakes the goroutine.
func (w *Writer) push(q queued, size int) {
	w.queue = append(w.queue, q)
	w.qbytes += size
	if len(w.queue) == 1 { // the goroutine takes everything queued when it wakes
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

// updateSize estimates what an Update holds, for the queue's bound.
func updateSize(u protocol.Update) int {
	n := 256
	if u.Frame != nil {
		n += len(u.Frame.Data)
	}
	if u.Event != nil {
		n += len(u.Event.Body)
	}
	return n
}

func (w *Writer) ready() error {
	if w.closed {
		return ErrClosed
	}
	return w.err
}

// writeUpdate encodes u (protocol.LineEncoder) and writes it. fatal
// says the destination failed.
func (w *Writer) writeUpdate(u protocol.Update) (fatal bool, err error) {
	if w.red != nil {
		u = w.secretFields(u)
	}
	line, err := w.enc.Append(w.line[:0], u)
	if err != nil {
		return false, err
	}
	if cap(line) <= 1<<20 {
		w.line = line[:0] // keep the grown scratch, unless huge
	}
	line = w.redact(line[:len(line)-1])
	if w.tee != nil {
		w.tee(line, u.Kind)
	}
	if w.filter == nil {
		return w.writeRaw(line)
	}
	// Only a filter is given the Update: a copy of its own, so that
	// without one u stays on the stack (taking its address would move
	// every Update written to the heap).
	up := new(protocol.Update)
	*up = u
	return w.selectLine(line, u.Kind, up)
}

// secretFields replaces the values of context fields the protocol marks
// secret, in a copy: the Update is shared with the UI and other writers.
func (w *Writer) secretFields(u protocol.Update) protocol.Update {
	if u.State == nil {
		return u
	}
	var ctx []protocol.Field
	for i, f := range u.State.Context {
		if !f.Secret || f.Value == "" || isPlaceholder([]byte(f.Value)) {
			continue
		}
		if ctx == nil {
			ctx = append([]protocol.Field(nil), u.State.Context...)
		}
		ctx[i].Value = w.red.Value(f.Label, f.Value)
	}
	if ctx != nil {
		s := *u.State
		s.Context = ctx
		u.State = &s
	}
	return u
}

func (w *Writer) writeLine(line []byte, kind protocol.Kind) (fatal bool, err error) {
	return w.put(bytes.TrimSuffix(line, []byte("\n")), kind)
}

// put redacts, selects and buffers one encoded line (without its
// newline) that was not encoded from an Update here (a line read back
// from a recording); kind is the Update's kind when known ("" makes a
// filter read it from the line). A selector's error is not fatal: what
// it emitted is written, and the Writer goes on; a write error is.
func (w *Writer) put(line []byte, kind protocol.Kind) (fatal bool, err error) {
	line = w.redact(line)
	if w.filter == nil {
		return w.writeRaw(line)
	}
	return w.selectLine(line, kind, nil)
}

// redact returns line redacted, unless secrets are kept.
func (w *Writer) redact(line []byte) []byte {
	if w.red != nil {
		return w.red.Line(line)
	}
	return line
}

// selectLine has the filter judge one redacted line (u is the Update it
// was encoded from, or nil) and writes what it emits.
func (w *Writer) selectLine(line []byte, kind protocol.Kind, u *protocol.Update) (fatal bool, err error) {
	// The redactor reuses its buffer for each value it redacts, and the
	// line may be emitted after one.
	w.selected = append(w.selected[:0], line...)
	w.selectErr = nil
	err = w.filter.Select(u, kind, w.selected, w.emit)
	if w.selectErr != nil {
		return true, w.selectErr
	}
	return false, err
}

// emit writes one value a Selector chose: the line (nil) or another.
func (w *Writer) emit(v []byte) {
	if w.selectErr != nil {
		return
	}
	if v == nil {
		v = w.selected
	} else if w.red != nil {
		v = w.red.Line(v)
	}
	if _, err := w.writeRaw(v); err != nil {
		w.selectErr = err
	}
}

// writeRaw buffers one line as it is, with its newline.
func (w *Writer) writeRaw(line []byte) (fatal bool, err error) {
	if _, err := w.bw.Write(line); err != nil {
		return true, err
	}
	if err := w.bw.WriteByte('\n'); err != nil {
		return true, err
	}
	w.count.Add(1)
	if w.perLine {
		if err := w.flush(); err != nil {
			return true, err
		}
	} else {
		w.dirty = true
	}
	return false, nil
}

// loop is a file Writer's goroutine: it takes what Write queued, encodes,
// redacts and writes it, and flushes on the ticker.
func (w *Writer) loop(every time.Duration) {
	defer close(w.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-w.wake:
			w.drain()
		case <-t.C:
			w.drain()
			w.flushOwn()
		case reply := <-w.flushes:
			w.drain()
			reply <- w.flushOwn()
		case <-w.stop:
			w.drain()
			w.flushOwn()
			return
		}
	}
}

// drain writes everything queued so far.
func (w *Writer) drain() {
	for {
		w.mu.Lock()
		batch, used := w.queue, w.used
		w.queue, w.spare = w.spare, nil
		w.used, w.spareUsed = w.spareUsed, nil
		w.lines = nil // in used: the next line starts a block
		w.qbytes = 0
		failed := w.err != nil
		w.room.Broadcast()
		w.mu.Unlock()
		if len(batch) == 0 {
			w.mu.Lock()
			w.spare, w.spareUsed = batch, used
			w.mu.Unlock()
			return
		}
		for i := range batch {
			if !failed {
				var fatal bool
				var err error
				switch {
				case batch[i].clean:
					fatal, err = w.writeRaw(batch[i].line)
				case batch[i].line != nil:
					fatal, err = w.writeLine(batch[i].line, batch[i].kind)
				default:
					fatal, err = w.writeUpdate(batch[i].u)
				}
				if fatal {
					failed = w.failLocked(err)
				}
			}
			batch[i] = queued{} // let go of the payload now
		}
		w.mu.Lock()
		w.spare = batch[:0]
		for i, b := range used {
			if len(w.free) < maxFreeBlocks {
				w.free = append(w.free, b[:0])
			}
			used[i] = nil
		}
		w.spareUsed = used[:0]
		w.mu.Unlock()
	}
}

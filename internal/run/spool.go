package run

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/evtap/evtap/protocol"
)

// Headless output passes two queues, so that the session's reader never
// waits for stdout (a reader held up misses its keepalives) and memory
// stays bounded however fast the stream and however slow stdout:
//
//	session ─> spool (Updates, memory) ─> encoder: redact, --jq ─> outSpool (bytes: memory, then disk) ─> stdout
//
// The encoder never waits on stdout: the second queue absorbs a slow
// stdout, spilling to a temporary file beyond outMemMax, up to
// outDiskMax; past that the run stops, says why, and still writes what
// it queued (README: "When stdout is slow"). The first queue only
// absorbs the encoder's own pace: when a stream outruns the encoder's
// CPU (hundreds of thousands of events a second, or a --jq program
// bounded at jqBudget a line) the reader waits for it, for as long as
// encoding the excess takes, rather than memory growing with the
// stream.
//
// limits holds the bounds (tests lower them).
var limits = outputLimits{
	updates:  4 << 20,
	mem:      16 << 20,
	disk:     1 << 30,
	jqBudget: 200 * time.Millisecond,
	jqHeap:   256 << 20,
	grace:    time.Second,
	stall:    30 * time.Second,
}

// outputLimits are headless output's bounds.
type outputLimits struct {
	updates   int           // Update payload bytes waiting for the encoder
	mem, disk int64         // encoded output waiting for stdout, in memory and spilled to disk
	jqBudget  time.Duration // one line's jq evaluation, at most
	jqHeap    uint64        // heap growth during one line's evaluation, at most
	// grace is how long evtap goes on writing to stdout after a signal
	// before it leaves what stdout has not taken: a pipe whose reader
	// stopped reading must not keep evtap alive.
	grace time.Duration
	// stall is how long evtap waits at the end of a run for a stdout that
	// takes nothing at all before it leaves the rest.
	stall time.Duration
}

// spool hands Updates from the session to the encoder, in order, losing
// none. put returns at once while fewer than max bytes wait; past that it
// waits until the encoder has taken them (it never waits on I/O, only on
// the encoder's CPU).
type spool struct {
	mu     sync.Mutex
	cond   *sync.Cond // the encoder waits for Updates
	room   *sync.Cond // put waits for room
	queue  []protocol.Update
	bytes  int
	max    int
	closed bool
}

func newSpool(max int) *spool {
	s := &spool{max: max}
	s.cond, s.room = sync.NewCond(&s.mu), sync.NewCond(&s.mu)
	return s
}

// put queues u. After the consumer stopped, u is discarded.
func (s *spool) put(u protocol.Update) {
	s.mu.Lock()
	for s.max > 0 && s.bytes > s.max && !s.closed {
		s.room.Wait()
	}
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.queue = append(s.queue, u)
	s.bytes += updateSize(u)
	s.mu.Unlock()
	s.cond.Signal()
}

// updateSize estimates what an Update holds, for the bound.
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

// close says no more Updates will come; drain returns once the queue is
// empty.
func (s *spool) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cond.Signal()
}

// drain hands every queued Update to consume, in order, in batches (all
// that waited), until close and the queue is empty. consume returning
// false stops draining (stdout is gone, or the run was interrupted); what
// is left is then discarded.
func (s *spool) drain(consume func([]protocol.Update) bool) {
	var batch []protocol.Update
	for {
		s.mu.Lock()
		for len(s.queue) == 0 && !s.closed {
			s.cond.Wait()
		}
		if len(s.queue) == 0 {
			s.mu.Unlock()
			return
		}
		clear(batch)
		batch, s.queue = s.queue, batch[:0]
		s.bytes = 0
		s.room.Broadcast()
		s.mu.Unlock()
		if !consume(batch) {
			s.mu.Lock()
			s.queue, s.closed = nil, true
			s.room.Broadcast()
			s.mu.Unlock()
			return
		}
	}
}

// errSpoolFull is what outSpool's Write says past its bound.
var errSpoolFull = errors.New("the output spool is full")

// outSpool carries encoded output to stdout from a goroutine of its own.
// Write copies and returns at once; the goroutine writes what waited in
// as few calls as it can. Past memMax bytes waiting, what comes is
// appended to a temporary file (created 0600 and unlinked at once, so
// nothing is left behind; it holds what stdout would get, redacted), and
// read back in order; past diskMax on disk, Write fails with
// errSpoolFull. With diskMax 0 (replay, which can wait) Write blocks for
// room instead.
type outSpool struct {
	w               io.Writer
	memMax, diskMax int64

	mu         sync.Mutex
	wake, room *sync.Cond
	mem        [][]byte // oldest first; all older than anything on disk
	memN       int64
	free       [][]byte
	file       *os.File
	wpos, rpos int64     // the file's unread span
	progress   time.Time // when stdout last took something (or the spool was made)
	closed     bool      // no more writes: finish and stop
	nowait     bool      // Write no longer waits for room (the run was interrupted)
	abandoned  bool      // stop now, leave the rest
	err        error     // stdout's: the goroutine stopped
	idle       bool      // the goroutine waits for something to write
	done       chan struct{}
}

func newOutSpool(w io.Writer, memMax, diskMax int64) *outSpool {
	s := &outSpool{w: w, memMax: memMax, diskMax: diskMax, done: make(chan struct{}), progress: time.Now()}
	s.wake, s.room = sync.NewCond(&s.mu), sync.NewCond(&s.mu)
	go s.run()
	return s
}

// Write queues a copy of p for stdout.
func (s *outSpool) Write(p []byte) (int, error) {
	n, handed, err := s.write(p)
	if handed {
		// The goroutine writing stdout was waiting: let it run now
		// rather than when the caller next blocks (the caller, the
		// encoder, is seldom idle while output is heavy). Chunks then
		// go back to the free list while hot, instead of dozens piling
		// up for the scheduler to get round to them.
		runtime.Gosched()
	}
	return n, err
}

// write is Write but for the yield; handed says the goroutine writing
// stdout was waiting for what it queued.
func (s *outSpool) write(p []byte) (n int, handed bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.diskMax == 0 && s.memN > 0 && s.memN+int64(len(p)) > s.memMax && s.err == nil && !s.abandoned && !s.nowait {
		s.room.Wait()
	}
	if s.nowait && s.diskMax == 0 && s.memN > 0 && s.memN+int64(len(p)) > s.memMax {
		return 0, false, errInterrupted
	}
	switch {
	case s.err != nil:
		return 0, false, s.err
	case s.abandoned:
		return 0, false, errInterrupted
	case s.closed:
		return 0, false, os.ErrClosed
	}
	if s.wpos == s.rpos && (s.memN+int64(len(p)) <= s.memMax || s.diskMax == 0) {
		if n := len(s.mem); n > 0 && cap(s.mem[n-1])-len(s.mem[n-1]) >= len(p) {
			s.mem[n-1] = append(s.mem[n-1], p...) // stdout is behind: fill the last chunk
		} else {
			s.mem = append(s.mem, s.chunk(p))
		}
		s.memN += int64(len(p))
		s.wake.Signal()
		return len(p), s.idle, nil
	}
	if s.wpos-s.rpos+int64(len(p)) > s.diskMax {
		return 0, false, fmt.Errorf("%w: stdout has not taken the last %d MiB (%d MiB in memory, %d MiB on disk)",
			errSpoolFull, (s.memN+s.wpos-s.rpos)>>20, s.memN>>20, (s.wpos-s.rpos)>>20)
	}
	if s.file == nil {
		f, err := os.CreateTemp("", "evtap-spool-*")
		if err != nil {
			return 0, false, fmt.Errorf("stdout is slow and the spool file cannot be made: %w", err)
		}
		os.Remove(f.Name()) // nothing to clean up, whatever happens
		s.file = f
	}
	if _, err := s.file.WriteAt(p, s.wpos); err != nil {
		return 0, false, fmt.Errorf("stdout is slow and the spool file cannot be written: %w", err)
	}
	s.wpos += int64(len(p))
	s.wake.Signal()
	return len(p), false, nil
}

// chunk copies p into a buffer from the free list. Every buffer is made
// at least a stream buffer's size, so that any buffer freed can take the
// next flush, whatever size either was: output does not allocate a
// buffer per flush for the GC to collect. (Small flushes waiting for a
// slow stdout share a chunk, so the memory held stays close to memN.)
func (s *outSpool) chunk(p []byte) []byte {
	var c []byte
	if n := len(s.free); n > 0 && cap(s.free[n-1]) >= len(p) {
		c, s.free = s.free[n-1][:0], s.free[:n-1]
	} else {
		c = make([]byte, 0, max(len(p), minChunk))
	}
	return append(c, p...)
}

// minChunk is the size of a stream's buffer (record.NewStream), which
// flushes into the spool.
const minChunk = 64 << 10

// errInterrupted is the spool's word after abandon.
var errInterrupted = errors.New("interrupted")

// run is the goroutine that writes to stdout.
func (s *outSpool) run() {
	defer close(s.done)
	var buf []byte
	for {
		s.mu.Lock()
		for len(s.mem) == 0 && s.wpos == s.rpos && !s.closed && !s.abandoned {
			s.idle = true
			s.wake.Wait()
			s.idle = false
		}
		if s.abandoned || len(s.mem) == 0 && s.wpos == s.rpos {
			s.mu.Unlock()
			return // abandoned, or closed with nothing left
		}
		var err error
		if len(s.mem) > 0 {
			batch := s.mem
			s.mem = nil
			s.mu.Unlock()
			// Each chunk is a buffer's worth (64 KB) or what waited
			// at a flush: a slow reader costs one call per fill, not
			// one per line.
			var n int64
			for _, c := range batch {
				if _, err = s.w.Write(c); err != nil {
					break
				}
				n += int64(len(c))
			}
			s.mu.Lock()
			s.memN -= n
			s.progress = time.Now()
			for _, c := range batch {
				if len(s.free) < 16 && cap(c) <= 1<<20 {
					s.free = append(s.free, c)
				}
			}
			s.room.Broadcast()
		} else {
			n := min(s.wpos-s.rpos, 1<<20)
			at := s.rpos
			s.mu.Unlock()
			if int64(cap(buf)) < n {
				buf = make([]byte, n)
			}
			buf = buf[:n]
			if _, err = s.file.ReadAt(buf, at); err == nil {
				_, err = s.w.Write(buf)
			}
			s.mu.Lock()
			s.rpos += n
			s.progress = time.Now()
			if s.rpos == s.wpos {
				s.rpos, s.wpos = 0, 0
				s.file.Truncate(0)
			}
		}
		if cap(buf) > 4<<20 {
			buf = nil
		}
		if err != nil {
			s.err = err
			s.room.Broadcast()
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
	}
}

// stopWaiting makes a Write that would wait for room fail at once: once
// a replay is interrupted, a stdout that takes nothing must not hold it.
func (s *outSpool) stopWaiting() {
	s.mu.Lock()
	s.nowait = true
	s.mu.Unlock()
	s.room.Broadcast()
}

// close says nothing more will be written; the goroutine writes what is
// queued and stops.
func (s *outSpool) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.wake.Signal()
}

// finish waits for what is queued to reach stdout, as long as stdout
// takes something at least every stall. Once interrupt is closed (a
// signal) it waits at most grace more. Either way, what is left then is
// abandoned, and the error says how much. Otherwise it returns stdout's
// error, if any.
func (s *outSpool) finish(interrupt <-chan struct{}, grace, stall time.Duration) error {
	s.close()
	tick := time.NewTicker(min(stall, grace) / 4)
	defer tick.Stop()
	var deadline time.Time
	for {
		select {
		case <-s.done:
			s.mu.Lock()
			defer s.mu.Unlock()
			s.release()
			return s.err
		case <-interrupt:
			interrupt, deadline = nil, time.Now().Add(grace)
		case now := <-tick.C:
			s.mu.Lock()
			stalled := now.Sub(s.progress) > stall
			s.mu.Unlock()
			if stalled || !deadline.IsZero() && now.After(deadline) {
				return s.abandon()
			}
		}
	}
}

// abandon stops the goroutine (a write already under way finishes or
// blocks on its own) and drops what was left.
func (s *outSpool) abandon() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	left := s.memN + s.wpos - s.rpos
	s.abandoned = true
	s.wake.Signal()
	s.room.Broadcast()
	s.release()
	if left > 0 {
		return fmt.Errorf("%d KB of output stdout had not taken were dropped", (left+1023)>>10)
	}
	return s.err
}

func (s *outSpool) release() {
	s.mem, s.free = nil, nil
	if s.file != nil {
		s.file.Close()
		s.file = nil
	}
}

package replay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

// Options shape a replay.
type Options struct {
	// Speed multiplies the recorded pace; 0 plays as fast as possible.
	Speed float64
	// IdleLimit shortens any silence longer than it to it, as asciinema
	// does; 0 keeps the recorded timing.
	IdleLimit time.Duration
	// StartPaused waits for a pause command to be lifted before the
	// first Update.
	StartPaused bool
	// StayAtEnd keeps Run waiting for commands (a seek back) after the
	// last Update, as the TUI wants; otherwise Run returns there.
	StayAtEnd bool
	// Unsteered says nobody will seek or watch the progress (headless
	// replay): the file is not indexed first, which saves reading it
	// twice. Such a player accepts only pause and speed.
	Unsteered bool

	// Decoder returns a new decoder for the recording's provider (the
	// registry picks it by h.Provider), or nil when evtap knows none.
	// A version 2 recording is then played through it: the recorded
	// derived Updates (protocol.Derived) are dropped and derived again
	// from the recorded frames and states. Without a decoder, and for
	// version 1, Updates play as recorded. It is called at the start and
	// again whenever the replay starts over.
	Decoder func(h record.Header) protocol.Decoder
	// Reset is called on Run's goroutine, before anything else is
	// emitted, when a backward seek makes the replay start over from the
	// beginning: whoever shows the Updates forgets every one emitted so
	// far (rows, counters, panes), since they are all emitted again.
	Reset func()
	// Warn is told at once of every damaged line skipped (naming it) and
	// of anything else that does not stop the replay. Run also emits
	// each as an Error Update, so the TUI shows it in the list.
	Warn func(msg string)
}

// Speed limits, as the TUI offers them.
const (
	MinSpeed = 0.25
	MaxSpeed = 64
)

// WhereReplay is Error.Where for what the player itself reports (a
// damaged line), as opposed to what was recorded.
const WhereReplay = "replay"

// Player plays one recording. Run or RunLines plays it; Do steers it
// from any goroutine; Progress says where it is.
type Player struct {
	path   string
	r      *record.Reader
	ix     *record.Index
	header record.Header
	opts   Options
	cmds   chan protocol.Command

	// derive: a version 2 recording played through a decoder.
	derive bool
	dec    protocol.Decoder
	// facts says a fact (a frame, a state, a marker) was played since
	// the start: a derived line before the first one is a snapshot of a
	// session recorded from halfway, not derived from anything in the
	// file, so it plays as recorded.
	facts bool
	// warned is how many of the reader's warnings were told (warnReader).
	warned  int
	derived []protocol.Update
	scratch []byte

	// pending is a line read but not yet played (the clock was waiting
	// for its time when a command came); it is played next.
	pending *record.Line
	// pendingErr is what reading failed with while looking ahead for the
	// recorded derivation of a fact (recorded); next returns it first.
	pendingErr error

	out      func(protocol.Update) error                 // Run
	outLines func(kind protocol.Kind, line []byte) error // RunLines
	last     protocol.Update                             // the last Update played, for times of what the player says

	mu      sync.Mutex
	paused  bool
	speed   float64
	pos     time.Duration // offset of the last line played
	line    int           // its line number
	done    bool
	moved   bool // a seek repositioned the reader; Run restarts its clock
	step    bool // play one Update, then pause again
	damaged int  // damaged lines met since the replay (last) started
	worst   int  // the most met in one pass: a seek back meets them again
}

// Open opens the recording at path and indexes it for seeking.
func Open(ctx context.Context, path string, o Options) (*Player, error) {
	// Damaged lines are skipped (and reported as Run meets them); only an
	// error that stops reading is fatal here, and then the index still
	// covers everything before it: play that, and let Run report it.
	ix := &record.Index{}
	if !o.Unsteered {
		var err error
		if ix, err = record.BuildIndex(ctx, path); ix == nil {
			return nil, err
		}
	}
	r, err := record.Open(path)
	if err != nil {
		return nil, err
	}
	if o.Speed != 0 {
		o.Speed = min(max(o.Speed, MinSpeed), MaxSpeed)
	}
	p := &Player{path: path, r: r, ix: ix, header: r.Header(), opts: o, cmds: make(chan protocol.Command, 16),
		paused: o.StartPaused, speed: o.Speed, pos: ix.First}
	p.newDecoder()
	return p, nil
}

// newDecoder starts a fresh decoder for a playthrough, if this recording
// is played through one.
func (p *Player) newDecoder() {
	p.dec, p.derive = nil, false
	if p.header.Version >= 2 && p.opts.Decoder != nil {
		p.dec = p.opts.Decoder(p.header)
		p.derive = p.dec != nil
	}
}

// Header is the recording's header.
func (p *Player) Header() record.Header { return p.header }

// Derives reports whether the replay derives events again through the
// provider's decoder (a version 2 recording and a known provider), as
// opposed to playing them as recorded.
func (p *Player) Derives() bool { return p.derive }

// Warnings are problems met while reading that did not stop the replay
// (a torn last line).
func (p *Player) Warnings() []string { return p.r.Warnings() }

// Damaged is how many damaged lines were skipped so far, each counted
// once however often seeking back played it again. A headless
// replay that skipped any exits non-zero at the end.
func (p *Player) Damaged() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return max(p.damaged, p.worst)
}

// Close releases the file.
func (p *Player) Close() error { return p.r.Close() }

// Controls lists what a replay accepts.
func (p *Player) Controls() protocol.Controls {
	if p.opts.Unsteered {
		return protocol.Controls{protocol.CmdPause: true, protocol.CmdSpeed: true}
	}
	return protocol.Controls{protocol.CmdPause: true, protocol.CmdSpeed: true, protocol.CmdStep: true,
		protocol.CmdSeek: true, protocol.CmdSeekTo: true}
}

// Do queues a command; it never blocks.
func (p *Player) Do(cmd protocol.Command) error {
	if !p.Controls().Has(cmd.Kind) {
		return fmt.Errorf("a replay cannot %s", cmd.Kind)
	}
	select {
	case p.cmds <- cmd:
		return nil
	default:
		return errors.New("replay is busy; try again")
	}
}

// Progress reports the position for the progress bar. It moves as
// Updates are played, including by a step or a seek while paused.
func (p *Player) Progress() (pos, total time.Duration, paused bool, speed float64, marks []float64, done bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	total = p.ix.Last - p.ix.First
	for _, m := range p.ix.Marks {
		if total > 0 {
			marks = append(marks, float64(m.Off-p.ix.First)/float64(total))
		}
	}
	return p.pos - p.ix.First, total, p.paused, p.speed, marks, p.done
}

// Run emits every Update on the recorded clock until the end (or, with
// StayAtEnd, until ctx ends). A damaged line is reported (Options.Warn)
// and emitted as an Error Update with Where "replay", and the replay
// goes on; Run returns an error only for a failure that stops reading.
func (p *Player) Run(ctx context.Context, emit func(protocol.Update)) error {
	p.out = func(u protocol.Update) error { emit(u); return nil }
	return p.run(ctx)
}

// RunLines hands over each Update as a recording line (without its
// newline), on the recorded clock: what headless replay writes to
// stdout. Recorded lines go as they are, never decoded and re-encoded;
// Updates derived again are encoded as the live session's were. A
// damaged line is reported through Options.Warn only, since stdout is
// data. Lines are valid only during the call; an error from emit stops
// the replay and is returned.
func (p *Player) RunLines(ctx context.Context, emit func(kind protocol.Kind, line []byte) error) error {
	p.outLines = emit
	return p.run(ctx)
}

func (p *Player) run(ctx context.Context) error {
	var prev time.Duration = -1
	for {
		if err := p.waitWhilePaused(ctx); err != nil {
			return nil
		}
		if p.repositioned() {
			prev = -1 // a seek while paused: the next line is the new place
		}
		l, err := p.next()
		if errors.Is(err, io.EOF) {
			if err := p.warnReader(); err != nil {
				return err
			}
			p.set(func() { p.done, p.step = true, false })
			if !p.opts.StayAtEnd {
				return nil
			}
			if p.waitForCommand(ctx) != nil {
				return nil
			}
			prev = -1
			continue
		}
		if err != nil {
			if record.IsDamage(err) {
				if err := p.report(err); err != nil {
					return err
				}
				continue
			}
			return err
		}
		if p.skipped(l) {
			p.set(func() { p.pos, p.line = l.Off, l.N })
			continue
		}
		if prev >= 0 && p.mustWait() {
			held := l.Clone()
			p.pending = &held
			if err := p.wait(ctx, l.Off-prev); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
			if p.repositioned() {
				prev = -1 // a seek happened while waiting: go on from the new place
				continue
			}
			p.pending = nil
			l = held
		}
		if err := p.play(l); err != nil {
			return err
		}
		prev = l.Off
		p.set(func() {
			if p.step {
				p.step, p.paused = false, true
			}
		})
	}
}

// next is the pending line, if any, else the next line of the file.
func (p *Player) next() (record.Line, error) {
	if err := p.pendingErr; err != nil {
		p.pendingErr = nil
		return record.Line{}, err
	}
	if p.pending != nil {
		l := *p.pending
		p.pending = nil
		return l, nil
	}
	return p.r.NextLine()
}

// skipped reports a recorded derived line that is dropped because it is
// derived again; it is told by its kind, without decoding, except an
// error, whose Where decides.
func (p *Player) skipped(l record.Line) bool {
	if !p.derive || !p.facts {
		return false
	}
	switch l.Kind {
	case protocol.KindEvent, protocol.KindSubscription, protocol.KindGap, protocol.KindHeartbeat:
		return true
	}
	return false
}

// play emits one recorded line and, through the decoder, what follows
// from it, and moves the position there.
func (p *Player) play(l record.Line) error {
	defer p.set(func() { p.pos, p.line = l.Off, l.N })
	if !p.derive && p.outLines != nil {
		return p.outLines(l.Kind, l.Raw)
	}
	u, err := p.r.Decode(l)
	if err != nil {
		return p.report(err)
	}
	snapshot := p.derive && !p.facts && protocol.Derived(&u)
	if p.derive && protocol.Derived(&u) && !snapshot {
		return nil // a recorded decode error: the decoder says it again
	}
	if snapshot {
		if p.outLines != nil {
			return p.outLines(l.Kind, l.Raw)
		}
		return p.out(u)
	}
	p.facts = true
	p.last = u
	var msg error
	if p.derive {
		p.derived, _ = p.dec.Decode(p.derived[:0], &u, record.Payload(u))
	}
	if p.outLines != nil {
		msg = p.outLines(l.Kind, l.Raw)
	} else {
		msg = p.out(u)
	}
	if msg != nil {
		return msg
	}
	if !p.derive {
		return nil
	}
	// Only now: reading ahead reuses the reader's buffer, which l.Raw
	// (just written out) points into.
	if err := p.recorded(); err != nil {
		return err
	}
	for i := range p.derived {
		d := p.derived[i]
		// As the live session stamps them: derived Updates take the time
		// and connection of the Update they follow from.
		d.Time, d.Offset, d.Conn = u.Time, u.Offset, u.Conn
		if err := p.emitUpdate(d); err != nil {
			return err
		}
		p.derived[i] = protocol.Update{}
	}
	return nil
}

// recorded puts back the recorded derivation of events the decoder could
// not derive again because the recording lacks a secret (an encryption
// key redacted, or given before recording began: Seal.SecretMissing). The recorded lines follow their fact;
// they are read ahead here, matched to the fresh events in order, and
// used only when both say the same number of events, so a decoder that
// changed since the recording is not second-guessed.
func (p *Player) recorded() error {
	need := false
	for i := range p.derived {
		if e := p.derived[i].Event; e != nil && e.Seal != nil && e.Seal.SecretMissing {
			need = true
			break
		}
	}
	if !need || p.pending != nil || p.pendingErr != nil {
		return nil
	}
	var events []*protocol.Event
	for {
		l, err := p.r.NextLine()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				p.pendingErr = err
			}
			break
		}
		if !p.skipped(l) {
			held := l.Clone()
			p.pending = &held
			break
		}
		p.set(func() { p.pos, p.line = l.Off, l.N })
		if l.Kind != protocol.KindEvent {
			continue
		}
		if r, err := p.r.Decode(l); err == nil && r.Event != nil {
			events = append(events, r.Event)
		}
	}
	k := 0
	for i := range p.derived {
		if p.derived[i].Event != nil {
			k++
		}
	}
	if k != len(events) {
		return nil
	}
	k = 0
	for i := range p.derived {
		e := p.derived[i].Event
		if e == nil {
			continue
		}
		if rec := events[k]; e.Seal != nil && e.Seal.SecretMissing && (rec.Seal == nil || !rec.Seal.SecretMissing) {
			p.derived[i].Event = rec
		}
		k++
	}
	return nil
}

// emitUpdate emits an Update the player made (derived, or its own
// report).
func (p *Player) emitUpdate(u protocol.Update) error {
	if p.outLines == nil {
		return p.out(u)
	}
	line, err := protocol.AppendUpdate(p.scratch[:0], u)
	if err != nil {
		return err
	}
	p.scratch = line
	return p.outLines(u.Kind, bytes.TrimSuffix(line, []byte("\n")))
}

// warnReader tells of what the reader warned of since it last did (a
// torn last line, a cut gzip stream), as report tells of a damaged line:
// through Warn at once, and in Run's list too, so a replay in the TUI
// shows it when it happens, not only on stderr at the end.
func (p *Player) warnReader() error {
	ws := p.r.Warnings()
	for ; p.warned < len(ws); p.warned++ {
		msg := ws[p.warned]
		if p.opts.Warn != nil {
			p.opts.Warn(msg)
		}
		if p.outLines != nil {
			continue
		}
		if err := p.out(protocol.Update{Time: p.last.Time, Offset: p.last.Offset, Kind: protocol.KindError,
			Error: &protocol.Error{Where: WhereReplay, Message: msg}}); err != nil {
			return err
		}
	}
	return nil
}

// report tells of a damaged line: at once through Warn, and, in Run, in
// the list. Headless output carries data only, so RunLines says it on
// Warn alone.
func (p *Player) report(err error) error {
	p.set(func() { p.damaged++ })
	msg := err.Error() + "; skipped"
	if p.opts.Warn != nil {
		p.opts.Warn(msg)
	}
	if p.outLines != nil {
		return nil
	}
	return p.out(protocol.Update{Time: p.last.Time, Offset: p.last.Offset, Kind: protocol.KindError,
		Error: &protocol.Error{Where: WhereReplay, Message: msg}})
}

func (p *Player) set(f func()) {
	p.mu.Lock()
	f()
	p.mu.Unlock()
}

func (p *Player) repositioned() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.moved
	p.moved = false
	return r
}

// mustWait reports whether the clock has to run before the next line:
// not for a step, and not at full speed unless a command is waiting to
// be served.
func (p *Player) mustWait() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return !p.step && (p.speed != 0 || len(p.cmds) > 0)
}

// waitWhilePaused blocks while paused, serving commands.
func (p *Player) waitWhilePaused(ctx context.Context) error {
	for {
		p.mu.Lock()
		paused := p.paused && !p.step
		p.mu.Unlock()
		if !paused {
			return nil
		}
		if err := p.waitForCommand(ctx); err != nil {
			return err
		}
	}
}

// waitForCommand blocks for one command and serves it.
func (p *Player) waitForCommand(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case cmd := <-p.cmds:
		return p.handle(cmd)
	}
}

// wait lets gap of recorded time pass at the current speed, serving
// commands meanwhile. It returns early after a seek, and at once for a
// step: a step plays the next Update now, whatever the recorded pause.
func (p *Player) wait(ctx context.Context, gap time.Duration) error {
	if p.opts.IdleLimit > 0 && gap > p.opts.IdleLimit {
		gap = p.opts.IdleLimit
	}
	for gap > 0 {
		p.mu.Lock()
		speed, paused, moved, step := p.speed, p.paused && !p.step, p.moved, p.step
		p.mu.Unlock()
		if moved || step {
			return nil
		}
		if paused {
			if err := p.waitWhilePaused(ctx); err != nil {
				return err
			}
			continue
		}
		if speed == 0 {
			break
		}
		real := time.Duration(float64(gap) / speed)
		start := time.Now()
		t := time.NewTimer(real)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
			gap = 0
		case cmd := <-p.cmds:
			t.Stop()
			gap -= time.Duration(float64(time.Since(start)) * speed)
			if err := p.handle(cmd); err != nil {
				return err
			}
		}
	}
	// serve what is queued without waiting, so max speed still obeys
	for {
		select {
		case cmd := <-p.cmds:
			if err := p.handle(cmd); err != nil {
				return err
			}
		default:
			return nil
		}
	}
}

// handle carries out one command.
func (p *Player) handle(cmd protocol.Command) error {
	switch cmd.Kind {
	case protocol.CmdPause:
		p.set(func() { p.paused, p.step = cmd.On, false })
	case protocol.CmdSpeed:
		v := cmd.Value
		if v != 0 {
			v = min(max(v, MinSpeed), MaxSpeed)
		}
		p.set(func() { p.speed = v })
	case protocol.CmdStep:
		p.set(func() {
			if p.paused && !p.done {
				p.step = true
			}
		})
	case protocol.CmdSeek:
		f := min(max(cmd.Value, 0), 1)
		return p.seek(p.ix.First + time.Duration(f*float64(p.ix.Last-p.ix.First)))
	case protocol.CmdSeekTo:
		p.mu.Lock()
		line := p.line
		p.mu.Unlock()
		if pt, ok := p.ix.NextMark(line, protocol.Kind(cmd.Text)); ok {
			// Through the mark, so that it is shown and the next seek
			// finds the one after it.
			return p.playUntil(func(l record.Line) bool { return l.N > pt.N })
		}
	}
	return nil
}

// seek moves to the first Update at or after target. Forward, it plays
// everything in between at once, so the panes stay true. Backward, the
// replay starts over: Reset tells the UI to forget what it has, a fresh
// decoder is made, and everything up to target is played again at once,
// so no row or counter is ever doubled.
func (p *Player) seek(target time.Duration) error {
	p.mu.Lock()
	cur := p.pos
	p.mu.Unlock()
	if target < cur {
		if err := p.restart(); err != nil {
			return err
		}
	}
	return p.playUntil(func(l record.Line) bool { return l.Off >= target })
}

// restart rewinds to the first line.
func (p *Player) restart() error {
	start, ok := p.ix.Start()
	if !ok {
		return nil
	}
	if err := p.r.SeekLine(start.Pos, start.N); err != nil {
		return err
	}
	p.pending = nil
	p.newDecoder()
	p.last, p.facts = protocol.Update{}, false
	if p.opts.Reset != nil {
		p.opts.Reset()
	}
	p.set(func() {
		p.pos, p.line, p.done = p.ix.First, 0, false
		p.worst, p.damaged = max(p.worst, p.damaged), 0
	})
	return nil
}

// playUntil plays lines at once until stop is true of one, which is kept
// as the next line to play on the clock.
func (p *Player) playUntil(stop func(record.Line) bool) error {
	defer p.set(func() { p.moved = true })
	for {
		l, err := p.next()
		if errors.Is(err, io.EOF) {
			p.set(func() { p.done = true })
			return p.warnReader()
		}
		if err != nil {
			if record.IsDamage(err) {
				if err := p.report(err); err != nil {
					return err
				}
				continue
			}
			return err
		}
		if stop(l) {
			held := l.Clone()
			p.pending = &held
			return nil
		}
		if p.skipped(l) {
			p.set(func() { p.pos, p.line = l.Off, l.N })
			continue
		}
		if err := p.play(l); err != nil {
			return err
		}
	}
}

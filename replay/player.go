package replay

import (
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
}

// Speed limits, as the TUI offers them.
const (
	MinSpeed = 0.25
	MaxSpeed = 64
)

// Player plays one recording. Run plays it; Do steers it from any
// goroutine; Progress says where it is.
type Player struct {
	path string
	r    *record.Reader
	ix   *record.Index
	opts Options
	cmds chan protocol.Command

	mu     sync.Mutex
	paused bool
	speed  float64
	pos    time.Duration // offset of the last Update emitted
	line   int           // line number of the last Update emitted
	done   bool
	moved  bool // a seek repositioned the reader; Run restarts its clock
	step   bool // emit one Update, then pause again

	emitLine func(record.Line) error // set by run, used by seek
	note     func(protocol.Update)
}

// Open opens the recording at path and indexes it for seeking.
func Open(ctx context.Context, path string, o Options) (*Player, error) {
	// On damage the index still covers everything before it: play that,
	// and let Run report the damage when it gets there.
	ix, err := record.BuildIndex(ctx, path)
	if ix == nil {
		return nil, err
	}
	r, err := record.Open(path)
	if err != nil {
		return nil, err
	}
	if o.Speed != 0 {
		o.Speed = min(max(o.Speed, MinSpeed), MaxSpeed)
	}
	return &Player{path: path, r: r, ix: ix, opts: o, cmds: make(chan protocol.Command, 16),
		paused: o.StartPaused, speed: o.Speed, pos: ix.First}, nil
}

// Header is the recording's header.
func (p *Player) Header() record.Header { return p.r.Header() }

// Warnings are problems met while reading that did not stop the replay
// (a torn last line).
func (p *Player) Warnings() []string { return p.r.Warnings() }

// Close releases the file.
func (p *Player) Close() error { return p.r.Close() }

// Controls lists what a replay accepts.
func (p *Player) Controls() protocol.Controls {
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

// Progress reports the position for the progress bar.
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
// StayAtEnd, until ctx ends).
func (p *Player) Run(ctx context.Context, emit func(protocol.Update)) error {
	return p.run(ctx, func(l record.Line) error {
		u, err := p.r.Decode(l)
		if err != nil {
			return err
		}
		emit(u)
		return nil
	}, emit)
}

// RunLines hands over each line as recorded, undecoded, on the recorded
// clock: what headless replay copies to stdout. Lines are valid only
// during the call.
func (p *Player) RunLines(ctx context.Context, emit func(line []byte) error) error {
	return p.run(ctx, func(l record.Line) error { return emit(l.Raw) }, func(protocol.Update) {})
}

// run plays lines through emitLine; note receives what the player itself
// says (a backward seek's marker).
func (p *Player) run(ctx context.Context, emitLine func(record.Line) error, note func(protocol.Update)) error {
	p.emitLine, p.note = emitLine, note
	emit := note
	var prev time.Duration = -1
	for {
		if err := p.waitWhilePaused(ctx, emit); err != nil {
			return nil
		}
		if p.repositioned() {
			prev = -1 // a seek while paused: the next line is the new place
		}
		l, err := p.r.NextLine()
		if errors.Is(err, io.EOF) {
			p.set(func() { p.done = true })
			if !p.opts.StayAtEnd {
				return nil
			}
			if p.waitForCommand(ctx, emit) != nil {
				return nil
			}
			prev = -1
			continue
		}
		if err != nil {
			return err
		}
		if prev >= 0 {
			if err := p.wait(ctx, l.Off-prev, emit); err != nil {
				return nil
			}
			if p.repositioned() {
				// a seek happened while waiting: read from the new place
				prev = -1
				continue
			}
		}
		if err := emitLine(l); err != nil {
			return err
		}
		prev = l.Off
		p.set(func() {
			p.pos, p.line = l.Off, l.N
			if p.step {
				p.step, p.paused = false, true
			}
		})
	}
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

// waitWhilePaused blocks while paused, serving commands.
func (p *Player) waitWhilePaused(ctx context.Context, emit func(protocol.Update)) error {
	for {
		p.mu.Lock()
		paused := p.paused && !p.step
		p.mu.Unlock()
		if !paused {
			return nil
		}
		if err := p.waitForCommand(ctx, emit); err != nil {
			return err
		}
	}
}

// waitForCommand blocks for one command and serves it.
func (p *Player) waitForCommand(ctx context.Context, emit func(protocol.Update)) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case cmd := <-p.cmds:
		return p.handle(cmd, emit)
	}
}

// wait lets gap of recorded time pass at the current speed, serving
// commands meanwhile; it returns early after a seek.
func (p *Player) wait(ctx context.Context, gap time.Duration, emit func(protocol.Update)) error {
	if p.opts.IdleLimit > 0 && gap > p.opts.IdleLimit {
		gap = p.opts.IdleLimit
	}
	for gap > 0 {
		p.mu.Lock()
		speed, paused, moved := p.speed, p.paused && !p.step, p.moved
		p.mu.Unlock()
		if moved {
			return nil
		}
		if paused {
			if err := p.waitWhilePaused(ctx, emit); err != nil {
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
			if err := p.handle(cmd, emit); err != nil {
				return err
			}
		}
	}
	// serve what is queued without waiting, so max speed still obeys
	for {
		select {
		case cmd := <-p.cmds:
			if err := p.handle(cmd, emit); err != nil {
				return err
			}
		default:
			return nil
		}
	}
}

// handle carries out one command.
func (p *Player) handle(cmd protocol.Command, emit func(protocol.Update)) error {
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
			if p.paused {
				p.step = true
			}
		})
	case protocol.CmdSeek:
		f := min(max(cmd.Value, 0), 1)
		return p.seek(p.ix.First+time.Duration(f*float64(p.ix.Last-p.ix.First)), emit)
	case protocol.CmdSeekTo:
		p.mu.Lock()
		line := p.line
		p.mu.Unlock()
		if pt, ok := p.ix.NextMark(line, protocol.Kind(cmd.Text)); ok {
			return p.seek(pt.Off, emit)
		}
	}
	return nil
}

// seek moves to the first Update at or after target. Forward, it plays
// everything in between at once, so the panes stay true; backward, it
// says so with a marker and goes on from there.
func (p *Player) seek(target time.Duration, emit func(protocol.Update)) error {
	p.mu.Lock()
	cur, done := p.pos, p.done
	p.mu.Unlock()
	if target < cur || done {
		pt, ok := p.ix.Before(target)
		if !ok {
			return nil
		}
		if err := p.r.SeekLine(pt.Pos, pt.N); err != nil {
			return err
		}
		emit(protocol.Update{Time: time.Now(), Offset: protocol.Offset(pt.Off), Kind: protocol.KindMarker,
			Marker: &protocol.Marker{Label: fmt.Sprintf("replay jumped back to %s", (pt.Off - p.ix.First).Round(time.Second/10))}})
	}
	for {
		l, err := p.r.NextLine()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if l.Off >= target {
			if err := p.r.SeekLine(l.Pos, l.N); err != nil {
				return err
			}
			break
		}
		if err := p.emitLine(l); err != nil {
			return err
		}
		p.set(func() { p.pos, p.line = l.Off, l.N })
	}
	p.set(func() { p.moved, p.done = true, false })
	return nil
}

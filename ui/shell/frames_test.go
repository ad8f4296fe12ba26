package shell

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/ui"
)

// loop runs a model as Bubble Tea does (tea.go's event loop): one
// goroutine takes the messages one at a time from an unbuffered channel,
// runs Update and then View, a frame; the commands Update returns run in
// goroutines of their own and send their messages to the same channel.
// It counts the frames, and the events each burst carried.
type loop struct {
	msgs    chan tea.Msg
	frames  atomic.Int64
	biggest atomic.Int64  // the most events one burst carried
	keys    chan keyFrame // the frame drawn after each key
	bursts  chan int      // signalled after each burst of events drawn
	ctx     context.Context
}

// keyFrame is the frame a key was drawn in: how many frames had been
// drawn when the loop took the key, and the screen.
type keyFrame struct {
	taken int64
	view  string
}

func (r *loop) run(m tea.Model) {
	r.exec(m.Init())
	for {
		select {
		case <-r.ctx.Done():
			return
		case msg := <-r.msgs:
			if b, ok := msg.(batchMsg); ok {
				r.biggest.Store(max(r.biggest.Load(), int64(len(b.updates))))
			}
			taken := r.frames.Load()
			var cmd tea.Cmd
			m, cmd = m.Update(msg)
			r.exec(cmd)
			v := m.View().Content
			r.frames.Add(1)
			if _, ok := msg.(tea.KeyPressMsg); ok {
				r.keys <- keyFrame{taken, v}
			}
			if b, ok := msg.(batchMsg); ok {
				select {
				case r.bursts <- len(b.updates):
				default:
				}
			}
		}
	}
}

func (r *loop) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		if batch, ok := msg.(tea.BatchMsg); ok {
			for _, c := range batch {
				r.exec(c)
			}
			return
		}
		if msg != nil {
			select {
			case r.msgs <- msg:
			case <-r.ctx.Done():
			}
		}
	}()
}

// Keys answer at once however fast events arrive: the feed hands the
// model one burst a frame, and asks for the next only once that one is
// drawn, so a key waits at most for the frame being drawn, a burst
// already waiting to be taken and a clock tick, then is drawn itself.
// The events arrive as fast as one goroutine can push them, far faster
// than any screen (go run ./bench measures the same in milliseconds).
func TestKeysAnswerInTheNextFrameWhileAFastFeedRuns(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src := newFakeSource()
	src.feed = NewFeed(50000)
	for _, u := range liveSession() {
		src.feed.Push(u)
	}
	go func() { // the fast feed
		for i := 0; ctx.Err() == nil; i++ {
			src.feed.Push(event(float64(i)/1e4, uint64(i+10), "SMS in", "+15551230001 → +15551230002 \"hi\""))
		}
	}()
	m := New(src, Options{Title: "fast", Now: fixedNow})
	r := &loop{msgs: make(chan tea.Msg), keys: make(chan keyFrame, 1), bursts: make(chan int, 1), ctx: ctx}
	go r.run(m)
	r.msgs <- tea.WindowSizeMsg{Width: 160, Height: 45}

	helpOpen := func(v string) bool { return strings.Contains(v, "(any key closes)") }
	for i := 0; i < 20; i++ {
		key, want := tea.KeyPressMsg{Code: '?', Text: "?"}, true // opens help
		if i%2 == 1 {
			key, want = tea.KeyPressMsg{Code: 'x', Text: "x"}, false // any key closes it
		}
		// Each key goes in while bursts are being drawn.
		select {
		case <-r.bursts:
		case <-time.After(10 * time.Second):
			t.Fatal("no burst of events was drawn")
		}
		before := r.frames.Load()
		r.msgs <- key
		k := <-r.keys
		if helpOpen(k.view) != want {
			t.Fatalf("key %d: the frame drawn after it does not show its effect", i)
		}
		// Frames drawn between sending the key and taking it. The next
		// frame is the key's own.
		if n := k.taken - before; n > 3 {
			t.Fatalf("key %d waited %d frames", i, n)
		}
	}
	cancel()
	if b := r.biggest.Load(); b < 100 {
		t.Fatalf("the feed never delivered a burst bigger than %d: it was not fast, or not batched", b)
	}
}

// The feed hands out at most one burst a frame: however fast Updates
// come, n bursts take at least n-1 frames.
func TestTheFeedHandsOutOneBurstAFrame(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := NewFeed(1 << 20)
	f.frame = 20 * time.Millisecond
	go func() {
		for i := 0; ctx.Err() == nil; i++ {
			f.Push(event(0, uint64(i), "x", "y"))
		}
	}()
	start := time.Now()
	total := 0
	const bursts = 6
	for range bursts {
		b, _, ok := f.Next(ctx)
		if !ok {
			t.Fatal("the feed ended")
		}
		total += len(b)
	}
	if took := time.Since(start); took < (bursts-1)*f.frame {
		t.Fatalf("%d bursts in %v: more than one a frame", bursts, took)
	}
	if total < bursts*2 {
		t.Fatalf("%d Updates in %d bursts: nothing accumulated between frames", total, bursts)
	}
}

// A quiet feed does not hold an Update back for a frame.
func TestAQuietFeedHandsOutAtOnce(t *testing.T) {
	f := NewFeed(100)
	f.frame = time.Hour
	f.last = time.Now().Add(-2 * time.Hour) // the last burst was long ago
	f.Push(protocol.Update{Kind: protocol.KindMarker, Marker: &protocol.Marker{Label: "m"}})
	done := make(chan int, 1)
	go func() {
		b, _, _ := f.Next(context.Background())
		done <- len(b)
	}()
	select {
	case n := <-done:
		if n != 1 {
			t.Fatalf("got %d Updates", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a quiet feed waited for a frame")
	}
}

// slowRecorder is a source whose recording takes its time to start (a
// slow disk): Do blocks until released.
type slowRecorder struct {
	*fakeSource
	release chan struct{}
	started chan string
}

func (s slowRecorder) Do(c protocol.Command) error {
	if c.Kind == protocol.CmdRecord {
		s.started <- c.Text
		<-s.release
		return nil
	}
	return s.fakeSource.Do(c)
}

func (s slowRecorder) Recording() ui.RecordingStatus { return ui.RecordingStatus{} }

// Starting a recording with R never holds the screen: the file is made
// off the UI goroutine, and the outcome shows when it is done.
func TestStartingARecordingDoesNotHoldTheScreen(t *testing.T) {
	src := slowRecorder{fakeSource: newFakeSource(liveSession()...), release: make(chan struct{}), started: make(chan string, 1)}
	src.controls[protocol.CmdRecord] = true
	var m tea.Model = New(src, Options{Title: "rec", Now: fixedNow})
	m, _ = m.Update(tea.WindowSizeMsg{Width: 120, Height: 30})
	m, _ = m.Update(tea.KeyPressMsg{Code: 'R', Text: "R"})
	var cmd tea.Cmd
	done := make(chan struct{})
	go func() {
		defer close(done)
		m, cmd = m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		close(src.release)
		t.Fatal("Update waited for the recording to start")
	}
	if cmd == nil {
		t.Fatal("no command carries the recording out")
	}
	result := make(chan tea.Msg, 1)
	go func() { result <- cmd() }()
	if path := <-src.started; !strings.HasPrefix(path, "evtap-") {
		t.Fatalf("recording to %q", path)
	}
	close(src.release)
	m, _ = m.Update(<-result)
	if v := m.View().Content; !strings.Contains(v, "recording to evtap-") {
		t.Fatalf("the outcome is not said:\n%s", v)
	}
}

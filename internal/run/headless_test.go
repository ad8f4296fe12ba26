package run

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/record/recordtest"
	"github.com/evtap/evtap/replay"
)

// streamSession emits the Updates of a recorded session again and again
// (n in all; 0 for ever), then, with hold, waits for the end of ctx.
func streamSession(n int, hold bool) Session {
	s, _ := streamSessionGoing(n, hold)
	return s
}

// streamSessionGoing is streamSession with a channel closed once it has
// emitted a thousand Updates.
func streamSessionGoing(n int, hold bool) (Session, <-chan struct{}) {
	us := recordtest.Session(200)
	going := make(chan struct{})
	return Session{Run: func(ctx context.Context, emit func(protocol.Update)) error {
		for i := 0; n == 0 || i < n; i++ {
			if ctx.Err() != nil {
				return nil
			}
			emit(us[i%len(us)])
			if i == 1000 {
				close(going)
			}
		}
		if hold {
			<-ctx.Done()
		}
		return nil
	}}, going
}

// runHeadless runs s headless with redaction off and returns its error.
func runHeadless(ctx context.Context, s Session, o LiveOptions, stdout, stderr io.Writer) error {
	opts := record.Options{KeepSecrets: true}
	return headless(ctx, nil, o, s, opts, newRecording(s, "test", opts), stdout, stderr)
}

// writes counts the calls that reach stdout.
type writes struct {
	mu    sync.Mutex
	calls int
	buf   bytes.Buffer
	got   chan struct{} // signalled on each write
}

func (w *writes) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.calls++
	if w.got != nil {
		select {
		case w.got <- struct{}{}:
		default:
		}
	}
	return w.buf.Write(p)
}

// Lines reach stdout in batches, not one write per line.
func TestHeadlessWritesInBatches(t *testing.T) {
	const n = 20000
	var out writes
	if err := runHeadless(context.Background(), streamSession(n, false), LiveOptions{}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := bytes.Count(out.buf.Bytes(), []byte("\n"))
	if lines != n {
		t.Fatalf("%d lines for %d Updates", lines, n)
	}
	if out.calls > n/50 {
		t.Fatalf("%d writes for %d lines: not batched", out.calls, n)
	}
}

// A quiet stream's line is on stdout soon, while the session goes on: it
// does not wait for a full buffer or the end.
func TestHeadlessShowsAQuietLineSoon(t *testing.T) {
	out := &writes{got: make(chan struct{}, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- runHeadless(ctx, streamSession(1, true), LiveOptions{}, out, io.Discard) }()
	select {
	case <-out.got:
	case <-time.After(2 * time.Second): // the flush period is at most 200 ms
		t.Fatal("the line did not reach stdout while the session ran")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// A --jq program's runtime error is reported on stderr for its line,
// and the run goes on to the end.
func TestHeadlessJQErrorIsReportedAndTheRunGoesOn(t *testing.T) {
	var out, errOut bytes.Buffer
	err := runHeadless(context.Background(), streamSession(400, false), LiveOptions{JQ: `.event.label | ascii_downcase`}, &out, &errOut)
	if err != nil {
		t.Fatalf("the run ended with %v", err)
	}
	if !strings.Contains(errOut.String(), "evtap: --jq: a recv line at ") {
		t.Fatalf("stderr does not name the line: %.300s", errOut.String())
	}
	if !strings.Contains(out.String(), `"sms in"`) {
		t.Fatalf("the events after the errors were not printed: %.300s", out.String())
	}
}

// syncBuffer is a bytes.Buffer safe for the run's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// blocked is a stdout whose reader never reads, until released.
type blocked struct {
	release chan struct{}
	mu      sync.Mutex
	buf     bytes.Buffer
}

func newBlocked(t *testing.T) *blocked {
	b := &blocked{release: make(chan struct{})}
	t.Cleanup(func() { b.open() })
	return b
}

func (b *blocked) open() {
	select {
	case <-b.release:
	default:
		close(b.release)
	}
}

func (b *blocked) Write(p []byte) (int, error) {
	<-b.release
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// A signal ends a headless run promptly, whatever holds it: a runaway
// --jq program, or a stdout that takes nothing.
func TestHeadlessSignalEndsItPromptly(t *testing.T) {
	defer func(l outputLimits) { limits = l }(limits)
	limits.grace = 200 * time.Millisecond
	for name, c := range map[string]struct {
		jq     string
		stdout func(t *testing.T) io.Writer
	}{
		"runaway --jq":  {`def f: f; f`, func(*testing.T) io.Writer { return io.Discard }},
		"stuck stdout":  {"", func(t *testing.T) io.Writer { return newBlocked(t) }},
		"both of them":  {`[range(1e9)]`, func(t *testing.T) io.Writer { return newBlocked(t) }},
		"a busy stream": {`select(.kind=="event")`, func(t *testing.T) io.Writer { return io.Discard }},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			s, going := streamSessionGoing(0, true)
			done := make(chan error, 1)
			var errOut syncBuffer
			go func() { done <- runHeadless(ctx, s, LiveOptions{JQ: c.jq}, c.stdout(t), &errOut) }()
			<-going
			cancel() // what SIGINT and SIGTERM do
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("the run did not end after the signal")
			}
			if n := strings.Count(errOut.String(), "interrupted;"); n > 0 {
				t.Fatalf("%d lines were reported as interrupted: the signal is said once, by the caller", n)
			}
		})
	}
}

// stdout slower than the stream: the output waits in memory, then on
// disk, and reaches stdout whole and in order once it reads again.
func TestSlowStdoutSpillsToDiskAndLosesNothing(t *testing.T) {
	out := newBlocked(t)
	sp := newOutSpool(out, 64<<10, 64<<20)
	var want bytes.Buffer
	for i := 0; i < 4000; i++ {
		line := []byte(strings.Repeat("x", i%300) + "\n")
		want.Write(line)
		if _, err := sp.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	sp.mu.Lock()
	onDisk := sp.wpos - sp.rpos
	sp.mu.Unlock()
	if onDisk == 0 {
		t.Fatal("nothing was spilled to disk past the memory bound")
	}
	out.open()
	if err := sp.finish(nil, time.Second, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.buf.Bytes(), want.Bytes()) {
		t.Fatalf("stdout got %d bytes out of order or short of %d", out.buf.Len(), want.Len())
	}
}

// At the bound (memory and disk full, stdout taking nothing) the run
// stops and says why; a stdout that never reads again does not keep
// evtap alive.
func TestAtTheSpoolBoundTheRunStopsAndSaysWhy(t *testing.T) {
	defer func(l outputLimits) { limits = l }(limits)
	limits.mem, limits.disk, limits.stall = 64<<10, 256<<10, 300*time.Millisecond
	done := make(chan error, 1)
	go func() {
		done <- runHeadless(context.Background(), streamSession(0, true), LiveOptions{}, newBlocked(t), io.Discard)
	}()
	select {
	case err := <-done:
		if !errors.Is(err, errTooSlow) || !strings.Contains(err.Error(), "stdout has not taken the last") {
			t.Fatalf("want the reason, got %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the run went on past the bound")
	}
}

// signalling is a stdout or stderr that says when it was first written
// to, and then, if stuck, never returns.
type signalling struct {
	first chan struct{}
	once  sync.Once
	stuck *blocked
}

func (s *signalling) Write(p []byte) (int, error) {
	s.once.Do(func() { close(s.first) })
	if s.stuck != nil {
		return s.stuck.Write(p)
	}
	return len(p), nil
}

// A signal ends `replay --headless` promptly too: with a runaway
// --filter, and with a stdout that takes nothing.
func TestReplayHeadlessSignalEndsItPromptly(t *testing.T) {
	defer func(l outputLimits) { limits = l }(limits)
	// A small memory bound, so that a stdout taking nothing holds the
	// replay back, as 16 MiB does with a real recording.
	limits.grace, limits.jqBudget, limits.mem = 200*time.Millisecond, 20*time.Millisecond, 64<<10
	path := t.TempDir() + "/rec.jsonl"
	w, err := record.Create(path, record.Header{Provider: "test"}, record.Options{KeepSecrets: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range recordtest.Session(2000) {
		w.Write(u)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		filter string
		stuck  bool
	}{"runaway --filter": {`def f: f; f`, false}, "stuck stdout": {`select(.kind=="event")`, true}} {
		t.Run(name, func(t *testing.T) {
			p, err := replay.Open(context.Background(), path, replay.Options{Unsteered: true})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			out := &signalling{first: make(chan struct{})}
			errOut := &signalling{first: make(chan struct{})}
			going := errOut.first
			if c.stuck {
				out.stuck, going = newBlocked(t), out.first
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- replayHeadless(ctx, p, ReplayOptions{JQ: c.filter}, out, errOut) }()
			<-going
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("an interrupted replay is no failure: %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("the replay did not end after the signal")
			}
		})
	}
}

// With --record, the recording gets every line headless output encodes,
// redacted once for both: the same lines, whatever --jq prints.
func TestHeadlessRecordingTakesTheLinesItPrints(t *testing.T) {
	for _, jq := range []string{"", `select(.kind=="event") | .event.seq`} {
		path := t.TempDir() + "/rec.jsonl"
		s := streamSession(3000, false)
		o := LiveOptions{Record: path, JQ: jq}
		opts := s.recordOptions(false, false)
		opts.Rules = recordtest.Rules()
		rec := newRecording(s, "test", opts)
		if err := rec.start(path); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := headless(context.Background(), nil, o, s, opts, rec, &out, io.Discard); err != nil {
			t.Fatal(err)
		}
		if err := rec.stop(); err != nil {
			t.Fatal(err)
		}
		file, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines := bytes.SplitN(file, []byte("\n"), 2)[1] // after the header
		if n := bytes.Count(lines, []byte("\n")); n != 3000 {
			t.Fatalf("--jq %q: the recording holds %d lines of 3000", jq, n)
		}
		if jq == "" && !bytes.Equal(lines, out.Bytes()) {
			t.Fatal("the recording's lines differ from what was printed")
		}
		for _, secret := range recordtest.AllSecrets() {
			if bytes.Contains(file, []byte(secret)) {
				t.Fatalf("a secret reached the recording: %s", secret)
			}
		}
	}
}

// brokenPipe takes n bytes, then fails as a closed pipe does (`| head`).
type brokenPipe struct {
	mu   sync.Mutex
	left int
}

func (b *brokenPipe) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.left <= 0 {
		return 0, syscall.EPIPE
	}
	n := min(len(p), b.left)
	b.left -= n
	if n < len(p) {
		return n, syscall.EPIPE
	}
	return n, nil
}

// Issue 13 item 5: the recording takes every Update the session emitted,
// whatever becomes of stdout: when the pipe closes (`| head -3`) or
// --count is reached, what the session still emits, down to its closing
// state, goes on into the file.
func TestTheRecordingOutlivesStdoutAndCount(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stdout io.Writer
		o      LiveOptions
	}{
		{"stdout closed", &brokenPipe{left: 300}, LiveOptions{}},
		{"count reached", io.Discard, LiveOptions{Count: 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := t.TempDir() + "/rec.jsonl"
			const n = 3000
			us := recordtest.Session(200)
			emitted := make(chan int, 1)
			s := Session{Run: func(ctx context.Context, emit func(protocol.Update)) error {
				i := 0
				for ; i < n && ctx.Err() == nil; i++ {
					emit(us[i%len(us)])
				}
				// what a session emits as it ends, after the run stopped it
				emit(protocol.Update{Time: time.Now(), Kind: protocol.KindState, State: &protocol.State{Phase: protocol.PhaseClosed, Cause: "stopped"}})
				emitted <- i + 1
				return nil
			}}
			o := tc.o
			o.Record = path
			opts := s.recordOptions(false, false)
			rec := newRecording(s, "test", opts)
			if err := rec.start(path); err != nil {
				t.Fatal(err)
			}
			_ = headless(context.Background(), nil, o, s, opts, rec, tc.stdout, io.Discard)
			if err := rec.stop(); err != nil {
				t.Fatal(err)
			}
			file, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			lines := bytes.Split(bytes.TrimSuffix(bytes.SplitN(file, []byte("\n"), 2)[1], []byte("\n")), []byte("\n"))
			if want := <-emitted; len(lines) != want {
				t.Fatalf("the recording holds %d of the %d Updates the session emitted", len(lines), want)
			}
			if last := lines[len(lines)-1]; !bytes.Contains(last, []byte(`"phase":"closed"`)) {
				t.Fatalf("the recording ends with %s, not the session's closing state", last)
			}
		})
	}
}

// --count N prints N events and then what the session says as it ends,
// down to its closed state, so whatever reads the output knows the stream
// ended (a TUI fed it would otherwise still say LIVE); no event beyond N.
func TestCountPrintsTheEndOfTheSession(t *testing.T) {
	us := recordtest.Session(200)
	s := Session{Run: func(ctx context.Context, emit func(protocol.Update)) error {
		for i := 0; ctx.Err() == nil; i++ {
			emit(us[i%len(us)])
		}
		emit(protocol.Update{Time: time.Now(), Kind: protocol.KindState, State: &protocol.State{Phase: protocol.PhaseClosed, Cause: "stopped"}})
		return nil
	}}
	var out bytes.Buffer
	if err := runHeadless(context.Background(), s, LiveOptions{Count: 5}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSuffix(out.Bytes(), []byte("\n")), []byte("\n"))
	if n := bytes.Count(out.Bytes(), []byte(`"kind":"event"`)); n != 5 {
		t.Errorf("%d events printed, want 5", n)
	}
	if last := lines[len(lines)-1]; !bytes.Contains(last, []byte(`"phase":"closed"`)) {
		t.Errorf("the output ends with %s, not the session's closed state", last)
	}
}

// --count counts the events received, also those the --jq program fails
// on: a program that errors on every event does not make the run endless.
func TestCountEndsARunWhoseJQFailsOnEveryEvent(t *testing.T) {
	us := recordtest.Session(200)
	s := Session{Run: func(ctx context.Context, emit func(protocol.Update)) error {
		for i := 0; ctx.Err() == nil; i++ {
			emit(us[i%len(us)])
		}
		return nil
	}}
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := runHeadless(ctx, s, LiveOptions{Count: 3, JQ: `select(.kind=="event") | .event.label + 1`}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatal("--count 3 did not end the run")
	}
	if n := strings.Count(errOut.String(), "evtap: --jq: an event line"); n != 3 {
		t.Errorf("%d event lines reported failing, want 3:\n%.400s", n, errOut.String())
	}
}

// After a signal (the context cancelled from outside) the session's
// closing states are printed, as after --count, but no event emitted
// after it.
func TestASignalPrintsTheEndOfTheSession(t *testing.T) {
	us := recordtest.Session(200)
	ctx, cancel := context.WithCancel(context.Background())
	s := Session{Run: func(ctx context.Context, emit func(protocol.Update)) error {
		for i := 0; i < 50; i++ {
			emit(us[i%len(us)])
		}
		cancel() // the signal
		emit(protocol.Update{Time: time.Now(), Kind: protocol.KindEvent, Event: &protocol.Event{Provider: "x", Label: "after the signal", Body: []byte(`{}`)}})
		emit(protocol.Update{Time: time.Now(), Kind: protocol.KindState, State: &protocol.State{Phase: protocol.PhaseClosed, Cause: "closed by the client"}})
		return nil
	}}
	var out bytes.Buffer
	if err := runHeadless(ctx, s, LiveOptions{}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSuffix(out.Bytes(), []byte("\n")), []byte("\n"))
	if last := lines[len(lines)-1]; !bytes.Contains(last, []byte(`"phase":"closed"`)) {
		t.Errorf("the output ends with %s, not the session's closed state", last)
	}
	if bytes.Contains(out.Bytes(), []byte("after the signal")) {
		t.Error("an event emitted after the signal was printed")
	}
}

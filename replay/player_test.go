package replay

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

// writeRecording makes a recording of n events one second apart, with a
// state change every 10 events.
func writeRecording(t *testing.T, n int) string { return writeRecordingTB(t, n) }

func writeRecordingTB(t testing.TB, n int) string {
	t.Helper()
	return writeSpaced(t, n, time.Second)
}

// writeSpaced is writeRecording with every event step apart.
func writeSpaced(t testing.TB, n int, step time.Duration) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "rec.jsonl")
	w, err := record.Create(path, record.Header{Provider: "test", Start: time.Unix(0, 0)}, record.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		off := time.Duration(i) * step
		if i%10 == 0 {
			w.Write(protocol.Update{Time: t0.Add(off), Offset: protocol.Offset(off), Kind: protocol.KindState,
				State: &protocol.State{Phase: protocol.PhaseLive}})
		}
		w.Write(protocol.Update{Time: t0.Add(off), Offset: protocol.Offset(off), Kind: protocol.KindEvent,
			Event: &protocol.Event{Provider: "test", ID: fmt.Sprint(i), Label: "SMS in", Body: []byte(`{}`)}})
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// sink collects what a player emits, and forgets it all on Reset, as the
// UI does.
type sink struct {
	mu     sync.Mutex
	us     []protocol.Update
	resets int
}

func (s *sink) emit(u protocol.Update) { s.mu.Lock(); s.us = append(s.us, u); s.mu.Unlock() }
func (s *sink) reset()                 { s.mu.Lock(); s.us = nil; s.resets++; s.mu.Unlock() }
func (s *sink) len() int               { s.mu.Lock(); defer s.mu.Unlock(); return len(s.us) }
func (s *sink) events() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for _, u := range s.us {
		if u.Kind == protocol.KindEvent {
			ids = append(ids, u.Event.ID)
		}
	}
	return ids
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// start runs p in the background until the test ends.
func start(t *testing.T, p *Player, s *sink) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx, s.emit); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func TestMaxSpeedEmitsEveryRecordedUpdateInOrder(t *testing.T) {
	p, err := Open(context.Background(), writeRecording(t, 50), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var s sink
	if err := p.Run(context.Background(), s.emit); err != nil {
		t.Fatal(err)
	}
	ids := s.events()
	if len(ids) != 50 || ids[0] != "0" || ids[49] != "49" {
		t.Fatalf("want events 0..49 in order, got %v", ids)
	}
	if len(s.us) != 55 {
		t.Fatalf("want 55 Updates (50 events, 5 states), got %d", len(s.us))
	}
}

// A step plays the next Update at once, whatever the recorded pause
// before it (here an hour), and the progress bar follows while paused.
func TestPausedReplayStepsOneUpdateAtATime(t *testing.T) {
	p, err := Open(context.Background(), writeSpaced(t, 20, time.Hour), Options{Speed: 1, StartPaused: true, StayAtEnd: true})
	if err != nil {
		t.Fatal(err)
	}
	var s sink
	start(t, p, &s)
	for i := 1; i <= 3; i++ {
		p.Do(protocol.Command{Kind: protocol.CmdStep})
		waitFor(t, fmt.Sprintf("step %d", i), func() bool { return s.len() == i })
	}
	pos, _, paused, _, _, _ := p.Progress()
	if !paused {
		t.Fatal("stepping unpaused the replay")
	}
	if pos != time.Hour { // the state at 0, events 0 and 1 (at 0 and 1h)
		t.Fatalf("after three steps the position is %s, want 1h0m0s", pos)
	}
}

func TestSeekingForwardPlaysWhatItSkipsSoThePanesStayTrue(t *testing.T) {
	p, err := Open(context.Background(), writeRecording(t, 100), Options{Speed: 1, StartPaused: true, StayAtEnd: true})
	if err != nil {
		t.Fatal(err)
	}
	var s sink
	start(t, p, &s)
	p.Do(protocol.Command{Kind: protocol.CmdSeek, Value: 0.5})
	waitFor(t, "the seek", func() bool { return len(s.events()) >= 49 })
	pos, total, _, _, marks, _ := p.Progress()
	if total != 99*time.Second || pos < 49*time.Second || pos > 50*time.Second {
		t.Fatalf("after seeking to 50%%, at %s of %s", pos, total)
	}
	if len(marks) != 10 {
		t.Fatalf("want 10 marks (state changes), got %d", len(marks))
	}
	ids := s.events()
	for i, id := range ids {
		if id != fmt.Sprint(i) {
			t.Fatalf("event %d is %s: a forward seek must not skip or repeat", i, id)
		}
	}
}

// Seeking back starts over: the UI is told to forget what it has, then
// gets every Update again once. Nothing is doubled (it was: 49 events
// for a 27-event file).
func TestSeekingBackNeverDoublesRowsOrCounters(t *testing.T) {
	var s sink
	p, err := Open(context.Background(), writeRecording(t, 27), Options{StayAtEnd: true, Reset: s.reset})
	if err != nil {
		t.Fatal(err)
	}
	start(t, p, &s)
	waitFor(t, "the end", func() bool { _, _, _, _, _, done := p.Progress(); return done })
	for i, where := range []float64{0, 0.5, 0} {
		p.Do(protocol.Command{Kind: protocol.CmdSeek, Value: where})
		waitFor(t, fmt.Sprintf("the replay after seeking to %g", where), func() bool {
			_, _, _, _, _, done := p.Progress()
			s.mu.Lock()
			resets := s.resets
			s.mu.Unlock()
			return resets == i+1 && done && len(s.events()) == 27
		})
		ids := s.events()
		for i, id := range ids {
			if id != fmt.Sprint(i) {
				t.Fatalf("after seeking back to %g, event %d is %s: %v", where, i, id, ids)
			}
		}
	}
	if s.resets != 3 {
		t.Fatalf("Reset called %d times for 3 backward seeks", s.resets)
	}
}

// ] (the next mark) works while paused, again and again, and the
// position moves with it.
func TestNextMarkWorksWhilePaused(t *testing.T) {
	p, err := Open(context.Background(), writeRecording(t, 40), Options{Speed: 1, StartPaused: true, StayAtEnd: true})
	if err != nil {
		t.Fatal(err)
	}
	var s sink
	start(t, p, &s)
	for i, want := range []time.Duration{0, 10 * time.Second, 20 * time.Second, 30 * time.Second} {
		p.Do(protocol.Command{Kind: protocol.CmdSeekTo, Text: string(protocol.KindState)})
		// The state jumped to is the last Update shown, and the
		// position is there.
		waitFor(t, fmt.Sprintf("mark %d", i+1), func() bool {
			s.mu.Lock()
			defer s.mu.Unlock()
			pos, _, _, _, _, _ := p.Progress()
			n := len(s.us)
			return n > 0 && s.us[n-1].Kind == protocol.KindState && s.us[n-1].Offset.Duration() == want && pos == want
		})
	}
	if _, _, paused, _, _, _ := p.Progress(); !paused {
		t.Fatal("] unpaused the replay")
	}
}

// One garbled line in the middle: it is reported with its number, on
// Warn and in the list, and everything else plays.
func TestAGarbledLineIsReportedAndSkipped(t *testing.T) {
	path := writeRecording(t, 20)
	b, _ := os.ReadFile(path)
	lines := strings.SplitAfter(string(b), "\n")
	lines[7] = "{this is not json\n"
	os.WriteFile(path, []byte(strings.Join(lines, "")), 0o600)

	var warned []string
	p, err := Open(context.Background(), path, Options{Warn: func(m string) { warned = append(warned, m) }})
	if err != nil {
		t.Fatal(err)
	}
	var s sink
	if err := p.Run(context.Background(), s.emit); err != nil {
		t.Fatal(err)
	}
	if len(s.events()) != 19 || p.Damaged() != 1 {
		t.Fatalf("%d events played, %d damaged; want 19 and 1", len(s.events()), p.Damaged())
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "line 8") {
		t.Fatalf("warnings %q, want one naming line 8", warned)
	}
	var shown bool
	for _, u := range s.us {
		shown = shown || u.Kind == protocol.KindError && u.Error.Where == WhereReplay && strings.Contains(u.Error.Message, "line 8")
	}
	if !shown {
		t.Fatal("the damaged line is not in the list")
	}
}

// Headless, the damaged line goes to Warn only (stdout is data), every
// readable line is printed, and Damaged says the run must fail.
func TestHeadlessReplaySkipsAGarbledLineAndSaysSo(t *testing.T) {
	path, printed := recordLive(t, newLive("", 20))
	b, _ := os.ReadFile(path)
	lines := strings.SplitAfter(string(b), "\n")
	lost := lines[5]
	lines[5] = "\x00\x01 garbage\n"
	os.WriteFile(path, []byte(strings.Join(lines, "")), 0o600)
	var warned []string
	p, err := Open(context.Background(), path, Options{Unsteered: true, Warn: func(m string) { warned = append(warned, m) }})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := p.RunLines(context.Background(), func(_ protocol.Kind, l []byte) error { out.Write(l); out.WriteByte('\n'); return nil }); err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(string(printed), lost, "", 1); out.String() != want {
		t.Fatalf("printed:\n%s\nwant everything but the damaged line:\n%s", out.String(), want)
	}
	if p.Damaged() != 1 || len(warned) != 1 || !strings.Contains(warned[0], "line 6") {
		t.Fatalf("damaged %d, warnings %q", p.Damaged(), warned)
	}
}

func TestSpeedIsClampedToTheOfferedRange(t *testing.T) {
	p, err := Open(context.Background(), writeRecording(t, 3), Options{Speed: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, speed, _, _ := p.Progress(); speed != MaxSpeed {
		t.Fatalf("speed %g, want %g", speed, float64(MaxSpeed))
	}
	if err := p.Do(protocol.Command{Kind: protocol.CmdDrop}); err == nil {
		t.Fatal("a replay accepted a live-only command")
	}
}

// record writes what a live session published, as --record does, and
// returns the path and what headless mode printed.
func recordLive(t testing.TB, s *liveSession) (path string, headless []byte) {
	t.Helper()
	opts := record.Options{Rules: seqRules, Issued: record.NewIssued()}
	path = filepath.Join(t.TempDir(), "live.jsonl")
	w, err := record.Create(path, record.Header{Provider: "seq", Start: s.facts[0].Time}, opts)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	stream := record.NewStream(&out, opts)
	for _, u := range s.all {
		w.Write(u)
		stream.Write(u)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	stream.Close()
	return path, out.Bytes()
}

// replayHeadless is `evtap replay FILE --headless --speed max`.
func replayHeadless(t testing.TB, path string, o Options) []byte {
	t.Helper()
	p, err := Open(context.Background(), path, o)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var out bytes.Buffer
	stream := record.NewStream(&out, record.Options{KeepSecrets: true, Batch: true})
	if err := p.RunLines(context.Background(), func(_ protocol.Kind, l []byte) error { return stream.WriteLine(l) }); err != nil {
		t.Fatal(err)
	}
	stream.Close()
	return out.Bytes()
}

// Headless replay at full speed of a live session prints byte for byte
// what the live run printed, although it derives every event, gap,
// heartbeat and decode error again from the recorded frames.
func TestHeadlessReplayPrintsWhatTheLiveRunPrinted(t *testing.T) {
	live := newLive("", 60)
	path, printed := recordLive(t, live)
	if bytes.Contains(printed, []byte("secret-0123456789")) {
		t.Fatal("the live output kept a secret")
	}
	o := Options{Decoder: decoders("")}
	p, _ := Open(context.Background(), path, o)
	if !p.Derives() {
		t.Fatal("a version 2 recording of a known provider is not derived again")
	}
	p.Close()
	if got := replayHeadless(t, path, o); !bytes.Equal(got, printed) {
		a, b := strings.Split(string(got), "\n"), strings.Split(string(printed), "\n")
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Fatalf("line %d differs:\nreplay %s\nlive   %s", i+1, a[i], b[i])
			}
		}
		t.Fatalf("replay printed %d lines, live %d", len(a), len(b))
	}
}

// The derived Updates come from the decoder, not from the file: a
// decoder that has been fixed shows an old recording its way, and no
// recorded event is shown twice.
func TestReplayDerivesWithTheDecoderOfToday(t *testing.T) {
	path, _ := recordLive(t, newLive("old ", 30))
	p, err := Open(context.Background(), path, Options{Decoder: decoders("new ")})
	if err != nil {
		t.Fatal(err)
	}
	var s sink
	if err := p.Run(context.Background(), s.emit); err != nil {
		t.Fatal(err)
	}
	kinds := map[protocol.Kind]int{}
	for _, u := range s.us {
		kinds[u.Kind]++
		if u.Kind == protocol.KindEvent && !strings.HasPrefix(u.Event.Label, "new ") {
			t.Fatalf("event shown as recorded, not as today's decoder says: %q", u.Event.Label)
		}
	}
	// The decode errors: the greeting and the garbage frame.
	if kinds[protocol.KindEvent] != 30 || kinds[protocol.KindGap] != 1 || kinds[protocol.KindHeartbeat] != 1 || kinds[protocol.KindError] != 2 {
		t.Fatalf("derived kinds %v, want 30 events, a gap, a heartbeat and two decode errors", kinds)
	}
}

// Without a decoder for the provider, and for a version 1 recording,
// the recorded Updates play as they are.
func TestWithoutADecoderTheRecordedUpdatesPlay(t *testing.T) {
	path, printed := recordLive(t, newLive("", 20))
	if got := replayHeadless(t, path, Options{}); !bytes.Equal(got, printed) {
		t.Fatal("a recording played without a decoder is not its recorded lines")
	}
	// The same file as version 1: played as recorded even when a decoder is known.
	b, _ := os.ReadFile(path)
	v1 := filepath.Join(t.TempDir(), "v1.jsonl")
	os.WriteFile(v1, bytes.Replace(b, []byte(`"version":2`), []byte(`"version":1`), 1), 0o600)
	p, err := Open(context.Background(), v1, Options{Decoder: decoders("new ")})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Derives() {
		t.Fatal("a version 1 recording is derived again")
	}
	if got := replayHeadless(t, v1, Options{Decoder: decoders("new ")}); !bytes.Equal(got, printed) {
		t.Fatal("a version 1 recording did not play its recorded lines")
	}
}

// A torn last line (a crash mid-write) is told through Warn and shown in
// the list when the replay reaches it, not only listed at the end; a
// damaged line met again after a seek back is counted once.
func TestATornEndIsSaidWhenReachedAndDamageIsCountedOnce(t *testing.T) {
	path := writeRecording(t, 20)
	b, _ := os.ReadFile(path)
	lines := strings.SplitAfter(string(b), "\n")
	lines[7] = "{this is not json\n"
	torn := strings.Join(lines, "") + `{"t":"2026-11-22T12:00:30Z","off":30,"kind":"ev`
	os.WriteFile(path, []byte(torn), 0o600)

	var warned []string
	var mu sync.Mutex
	var s sink
	p, err := Open(context.Background(), path, Options{StayAtEnd: true, Reset: s.reset,
		Warn: func(m string) { mu.Lock(); warned = append(warned, m); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	start(t, p, &s)
	waitFor(t, "the end", func() bool { _, _, _, _, _, done := p.Progress(); return done })
	var shown bool
	s.mu.Lock()
	for _, u := range s.us {
		shown = shown || u.Kind == protocol.KindError && u.Error.Where == WhereReplay && strings.Contains(u.Error.Message, "incomplete")
	}
	s.mu.Unlock()
	mu.Lock()
	told := len(warned)
	mu.Unlock()
	if !shown || told != 2 {
		t.Fatalf("torn end shown %v, %d warnings (want the damaged line and the torn end): %q", shown, told, warned)
	}
	first := s.len() // everything, the damaged line and the torn end included
	p.Do(protocol.Command{Kind: protocol.CmdSeek, Value: 0})
	p.Do(protocol.Command{Kind: protocol.CmdSeek, Value: 1})
	waitFor(t, "the second pass", func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.resets == 1 && len(s.us) == first })
	if p.Damaged() != 1 {
		t.Fatalf("damaged %d after playing the file twice; one line is damaged", p.Damaged())
	}
}

package session

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

// pubsub is a PubNub-shaped long-poll server: GET /poll?tt=N answers
// {"t":cursor,"m":[messages after N]} at once when there are some, else
// holds the request for hold and answers an empty list. A missing tt is
// the handshake: the current cursor, no messages.
type pubsub struct {
	hold time.Duration
	// answer, when set, may answer a request itself (a failure) and
	// report true.
	answer func(w http.ResponseWriter, r *http.Request, n int) bool

	mu     sync.Mutex
	msgs   []string
	wake   chan struct{}
	cursor []string // the tt of every poll, in order
}

func newPubsub(t *testing.T, hold time.Duration) (*pubsub, string) {
	ps := &pubsub{hold: hold, wake: make(chan struct{})}
	hs := httptest.NewServer(ps)
	t.Cleanup(hs.Close)
	return ps, hs.URL
}

func (ps *pubsub) publish(msg string) {
	ps.mu.Lock()
	ps.msgs = append(ps.msgs, msg)
	close(ps.wake)
	ps.wake = make(chan struct{})
	ps.mu.Unlock()
}

func (ps *pubsub) polls() []string {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return append([]string(nil), ps.cursor...)
}

func (ps *pubsub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tt := r.URL.Query().Get("tt")
	ps.mu.Lock()
	ps.cursor = append(ps.cursor, tt)
	n := len(ps.cursor)
	ps.mu.Unlock()
	if ps.answer != nil && ps.answer(w, r, n) {
		return
	}
	from, err := strconv.Atoi(tt)
	hold := time.NewTimer(ps.hold)
	defer hold.Stop()
	for {
		ps.mu.Lock()
		msgs, wake := ps.msgs, ps.wake
		ps.mu.Unlock()
		if tt == "" || err != nil {
			from = len(msgs)
		}
		if len(msgs) > from || tt == "" {
			writePoll(w, len(msgs), msgs[from:])
			return
		}
		select {
		case <-wake:
		case <-hold.C:
			writePoll(w, len(msgs), nil)
			return
		case <-r.Context().Done():
			return
		}
	}
}

type pollAnswer struct {
	T int      `json:"t"`
	M []string `json:"m"`
}

func writePoll(w http.ResponseWriter, t int, msgs []string) {
	w.Header().Set("Content-Type", "text/javascript; charset=\"UTF-8\"")
	_ = json.NewEncoder(w).Encode(pollAnswer{T: t, M: append([]string{}, msgs...)})
}

// poller is a fake provider for pubsub: it keeps the cursor across
// connections (resuming where it stopped, as PubNub clients do), goes
// live after the handshake and records the messages.
type poller struct {
	*fake
	base string

	mu      sync.Mutex
	cursor  string
	msgs    []string
	changed chan struct{} // closed and replaced when msgs grows
}

func newPoller(base string) *poller {
	p := &poller{base: base, changed: make(chan struct{})}
	p.fake = &fake{
		target: func(context.Context, Link) (Target, error) {
			return Target{Transport: TransportLongPoll, URL: base, Masked: base}, nil
		},
		poll: func(Link) (Request, error) {
			p.mu.Lock()
			defer p.mu.Unlock()
			return Request{URL: base + "/poll?auth=SECRET&tt=" + p.cursor}, nil
		},
		receive: func(l Link, msg any) {
			r, ok := msg.(protocol.HTTPResponse)
			if !ok || r.Status != http.StatusOK {
				return
			}
			var a pollAnswer
			if json.Unmarshal([]byte(r.Body), &a) != nil {
				return
			}
			p.mu.Lock()
			handshake := p.cursor == ""
			p.cursor = strconv.Itoa(a.T)
			p.msgs = append(p.msgs, a.M...)
			if len(a.M) > 0 {
				close(p.changed)
				p.changed = make(chan struct{})
			}
			p.mu.Unlock()
			if handshake || len(a.M) > 0 {
				l.Working()
				l.State(protocol.State{Phase: protocol.PhaseLive})
			}
		},
	}
	return p
}

func (p *poller) received() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.msgs...)
}

// httpFrames returns the http frames of ups, decoded.
func httpFrames(t *testing.T, ups []protocol.Update) (reqs []protocol.HTTPRequest, resps []protocol.HTTPResponse) {
	t.Helper()
	for _, u := range ups {
		if u.Frame == nil || u.Frame.Op != protocol.OpHTTP {
			continue
		}
		if u.Kind == protocol.KindSent {
			var r protocol.HTTPRequest
			if err := json.Unmarshal([]byte(u.Frame.Data), &r); err != nil {
				t.Fatalf("sent http frame: %v: %s", err, u.Frame.Data)
			}
			reqs = append(reqs, r)
		} else {
			var r protocol.HTTPResponse
			if err := json.Unmarshal([]byte(u.Frame.Data), &r); err != nil {
				t.Fatalf("received http frame: %v: %s", err, u.Frame.Data)
			}
			resps = append(resps, r)
		}
	}
	return reqs, resps
}

func waitMessages(t *testing.T, p *poller, n int) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		p.mu.Lock()
		got, ch := len(p.msgs), p.changed
		p.mu.Unlock()
		if got >= n {
			return
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("received %v, want %d messages", p.received(), n)
		}
	}
}

// Rule: a long-poll connection is a loop of GETs whose request the
// provider builds from the last answer; every poll and answer is an http
// frame (the client's auth key masked), each answer is decoded and
// handed to Receive, and a poll the server holds longer than any read
// timeout is the normal state, not a dead connection.
func TestLongPollLoopsFromTheLastAnswer(t *testing.T) {
	const hold = 300 * time.Millisecond
	ps, base := newPubsub(t, hold)
	p := newPoller(base)
	opt := fast()
	opt.PingInterval, opt.PongWait = 10*time.Millisecond, 10*time.Millisecond // a WebSocket would time out in 20 ms
	r := run(t, p, opt)
	r.out.waitFor(t, "live after the handshake", func(ups []protocol.Update) bool { return countPhase(ups, protocol.PhaseLive) > 0 })
	ps.publish("one")
	ps.publish("two")
	waitMessages(t, p, 2)
	ups := r.out.waitFor(t, "a held poll answered empty after the hold", func(ups []protocol.Update) bool {
		_, resps := httpFrames(t, ups)
		for _, a := range resps {
			if a.Duration.Duration() >= hold && strings.Contains(a.Body, `"m":[]`) {
				return true
			}
		}
		return false
	})
	ps.publish("three")
	waitMessages(t, p, 3)
	if got := p.received(); strings.Join(got, ",") != "one,two,three" {
		t.Errorf("messages %v, want one, two, three in order", got)
	}
	if n := countPhase(ups, protocol.PhaseDropped); n != 0 {
		t.Errorf("%d drops: a held poll must not trip a timeout\n%s", n, dump(ups))
	}
	reqs, resps := httpFrames(t, ups)
	if len(reqs) < 3 || len(resps) < 3 {
		t.Fatalf("%d polls and %d answers published, want every one", len(reqs), len(resps))
	}
	for i, q := range reqs {
		if strings.Contains(q.URL, "SECRET") || !strings.Contains(q.URL, "auth=***") {
			t.Errorf("poll %d URL not masked: %s", i, q.URL)
		}
		if i < len(resps) && resps[i].ID != q.ID {
			t.Errorf("answer %d has ID %d, its poll %d", i, resps[i].ID, q.ID)
		}
	}
	// Each poll asked from the cursor the previous answer gave.
	seen := ps.polls()
	if seen[0] != "" || seen[1] != "0" {
		t.Errorf("cursors %v: want the handshake, then tt=0", seen)
	}
}

// Rule: a failed poll is a drop with its cause; the next connection
// resumes from the provider's cursor, so what was published meanwhile
// arrives (PubNub's catch-up).
func TestFailedPollIsADropAndTheNextResumes(t *testing.T) {
	ps, base := newPubsub(t, time.Minute)
	var cut sync.Once
	release := make(chan struct{})
	ps.answer = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.URL.Query().Get("tt") != "1" {
			return false
		}
		done := false
		cut.Do(func() {
			// The network fails in the middle of the answer.
			<-release
			w.Header().Set("Content-Length", "1000")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte(`{"t":`))
			w.(http.Flusher).Flush()
			done = true
		})
		if done {
			panic(http.ErrAbortHandler)
		}
		return false
	}
	p := newPoller(base)
	r := run(t, p, fast())
	r.out.waitFor(t, "live", func(ups []protocol.Update) bool { return countPhase(ups, protocol.PhaseLive) > 0 })
	ps.publish("before")
	waitMessages(t, p, 1)
	ps.publish("during") // queued while the poll that will fail is held
	close(release)
	waitMessages(t, p, 2)
	ups := r.out.snapshot()
	var drop *protocol.State
	for _, st := range states(ups) {
		if st.Phase == protocol.PhaseDropped {
			drop = &st
			break
		}
	}
	if drop == nil || !strings.HasPrefix(drop.Cause, "poll failed: poll: ") {
		t.Fatalf("drop %+v, want one caused by the failed poll\n%s", drop, dump(ups))
	}
	if got := p.received(); strings.Join(got, ",") != "before,during" {
		t.Errorf("messages %v, want before, during: the next connection resumes from the cursor", got)
	}
	if p.lostCount() != 1 {
		t.Errorf("Lost ran %d times, want 1", p.lostCount())
	}
}

// Rule: a poll the server refuses (4xx) before the session ever worked
// is retried once with a fresh Prepare, then final: rejected with the
// status and the answer's headers, Run returns the *RejectedError.
func TestRefusedPollIsFinalWhenRefusedTwice(t *testing.T) {
	ps, base := newPubsub(t, time.Minute)
	ps.answer = func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Request-Id", "req-42")
		w.WriteHeader(http.StatusForbidden)
		_, _ = w.Write([]byte(`{"message":"Forbidden","error":true,"service":"Access Manager","status":403}`))
		return true
	}
	p := newPoller(base)
	r := run(t, p, fast())
	err := r.result(t)
	var rej *RejectedError
	if !errors.As(err, &rej) || rej.Where != "poll" || rej.Status != http.StatusForbidden || rej.Message != "Forbidden" {
		t.Fatalf("Run = %v, want the poll's refusal", err)
	}
	ups := r.out.snapshot()
	var rejected *protocol.State
	for _, st := range states(ups) {
		if st.Phase == protocol.PhaseRejected {
			rejected = &st
		}
	}
	if rejected == nil || rejected.HTTPStatus != 403 || rejected.Info["X-Request-Id"] != "req-42" {
		t.Fatalf("rejected state %+v, want status 403 and the answer's headers in Info\n%s", rejected, dump(ups))
	}
	if got := len(p.preparedFor()); got != 2 {
		t.Errorf("Prepare ran %d times, want 2 (one retry)", got)
	}
}

// Rule: a poll unanswered within PollTimeout is a drop that says so.
func TestUnansweredPollTimesOut(t *testing.T) {
	_, base := newPubsub(t, time.Minute)
	p := newPoller(base)
	opt := fast()
	opt.PollTimeout = 100 * time.Millisecond
	r := run(t, p, opt)
	ups := r.out.waitFor(t, "a drop", func(ups []protocol.Update) bool { return countPhase(ups, protocol.PhaseDropped) > 0 })
	for _, st := range states(ups) {
		if st.Phase == protocol.PhaseDropped && !strings.Contains(st.Cause, "no answer within 100ms") {
			t.Errorf("drop cause %q, want the poll timeout named", st.Cause)
		}
	}
}

// Rule: a 503 with Retry-After is retried no sooner than the server
// asked, whatever the backoff would have drawn.
func TestRetryAfterStretchesTheBackoff(t *testing.T) {
	ps, base := newPubsub(t, time.Minute)
	ps.answer = func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusServiceUnavailable)
		return true
	}
	r := run(t, newPoller(base), fast())
	ups := r.out.waitFor(t, "a backoff", func(ups []protocol.Update) bool { return countPhase(ups, protocol.PhaseBackoff) > 0 })
	for _, st := range states(ups) {
		if st.Phase == protocol.PhaseBackoff {
			if st.Delay.Duration() != 7*time.Second || !strings.Contains(st.Cause, "retry after 7s") {
				t.Errorf("backoff %s (%q), want the server's 7 s", st.Delay.Duration(), st.Cause)
			}
			if st.HTTPStatus != 0 {
				t.Errorf("backoff carries status %d", st.HTTPStatus)
			}
		}
		if st.Phase == protocol.PhaseDropped && st.HTTPStatus != http.StatusServiceUnavailable {
			t.Errorf("drop status %d, want 503", st.HTTPStatus)
		}
	}
}

package ringcentral

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

// feeder drives a Decoder as a session would: every Update in order,
// stamped with a clock the test moves, derived Updates stamped like
// their source.
type feeder struct {
	t    *testing.T
	d    *Decoder
	now  time.Time
	conn int
	all  []protocol.Update // every Update, sources and derived
	last protocol.Update   // the last source Update, as the decoder left it
}

func newFeeder(t *testing.T) *feeder {
	return &feeder{t: t, d: NewDecoder(), now: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), conn: 1}
}

func (f *feeder) feed(u protocol.Update, raw []byte) ([]protocol.Update, any) {
	f.t.Helper()
	u.Time, u.Conn = f.now, f.conn
	out, msg := f.d.Decode(nil, &u, raw)
	f.last = u
	f.all = append(f.all, u)
	for i := range out {
		out[i].Time, out[i].Conn = u.Time, u.Conn
		if !protocol.Derived(&out[i]) {
			f.t.Fatalf("the decoder made a %s Update that is not a derived kind: %+v", out[i].Kind, out[i])
		}
	}
	f.all = append(f.all, out...)
	return out, msg
}

func (f *feeder) recv(frame string) ([]protocol.Update, any) {
	f.t.Helper()
	return f.feed(protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpText, Data: frame, Size: len(frame)}}, []byte(frame))
}

func (f *feeder) sent(frame string) []protocol.Update {
	f.t.Helper()
	out, msg := f.feed(protocol.Update{Kind: protocol.KindSent, Frame: &protocol.Frame{Op: protocol.OpText, Data: frame, Size: len(frame)}}, []byte(frame))
	if msg != nil {
		f.t.Fatalf("a message for a sent frame: %#v", msg)
	}
	return out
}

func (f *feeder) state(st protocol.State) []protocol.Update {
	f.t.Helper()
	out, _ := f.feed(protocol.Update{Kind: protocol.KindState, State: &st}, nil)
	return out
}

func (f *feeder) tick(d time.Duration) { f.now = f.now.Add(d) }

// dial starts connection n as the engine does, presenting recovery at
// position pos when pos > 0.
func (f *feeder) dial(n int, pos uint64) {
	f.conn = n
	if pos > 0 {
		f.state(protocol.State{Phase: protocol.PhaseRecovering, Recovery: &protocol.Recovery{Token: "T" + u64(pos), Sequence: pos}})
	} else {
		f.state(protocol.State{Phase: protocol.PhaseDialing})
	}
	f.state(protocol.State{Phase: protocol.PhaseUpgraded})
}

func (f *feeder) drop() { f.state(protocol.State{Phase: protocol.PhaseDropped, Cause: "cut"}) }

func cdFrame(seq uint64, state, code string) string {
	extra := ""
	if state != "" {
		extra += `,"recoveryState":"` + state + `"`
	}
	if code != "" {
		extra += `,"recoveryErrorCode":"` + code + `"`
	}
	return fmt.Sprintf(`[{"type":"ConnectionDetails","messageId":"cd%d","status":200,"wsc":{"token":"T%d","sequence":%d},"headers":{"RCRequestId":"r"}},`+
		`{"creationTime":"2024-05-01T10:00:00.000+0000","maxConnectionsPerSession":50,"recoveryBufferSize":100,"recoveryTimeout":180,"idleTimeout":1800,"absoluteTimeout":86400,"maxActiveRequests":10%s}]`, seq, seq, seq, extra)
}

const evSMSPath = "/restapi/v1.0/account/1/extension/2/message-store/instant?type=SMS"

func noteFrame(seq uint64, uuid string) string {
	return fmt.Sprintf(`[{"type":"ServerNotification","messageId":"%s","status":200,"headers":{"RCRequestId":"r"},"wsc":{"token":"T%d","sequence":%d}},`+
		`{"uuid":"%s","event":"%s","timestamp":"2024-05-01T10:00:00.123Z","subscriptionId":"sub-1","ownerId":"2",`+
		`"body":{"type":"SMS","direction":"Inbound","from":{"phoneNumber":"+15550001"},"to":[{"phoneNumber":"+15550002"}],"subject":"hello","messageStatus":"Received"}}]`,
		uuid, seq, seq, uuid, evSMSPath)
}

func subscribeFrame(id string) string {
	return `[{"type":"ClientRequest","messageId":"` + id + `","method":"POST","path":"/restapi/v1.0/subscription"},` +
		`{"eventFilters":["` + evSMSPath + `"],"deliveryMode":{"transportType":"WebSocket"}}]`
}

func subscribedFrame(id, sub string) string {
	return `[{"type":"ClientRequest","messageId":"` + id + `","status":200,"headers":{"RCRequestId":"r"}},` +
		`{"uri":"/restapi/v1.0/subscription/` + sub + `","id":"` + sub + `","creationTime":"2024-05-01T10:00:00.000Z","status":"Active",` +
		`"eventFilters":["/restapi/v1.0/account/1/extension/2/message-store/instant?type=SMS"],"expirationTime":"2024-05-02T10:00:00.000Z","expiresIn":86399,` +
		`"deliveryMode":{"transportType":"WebSocket","encryption":false}}]`
}

// live brings a feeder to a live subscription on connection 1 at
// sequence 1.
func (f *feeder) live() {
	f.t.Helper()
	f.dial(1, 0)
	if _, msg := f.recv(cdFrame(1, "", "")); msg == nil {
		f.t.Fatal("no greeting")
	}
	f.sent(subscribeFrame("req-1"))
	f.recv(subscribedFrame("req-1", "sub-1"))
}

func kinds(ups []protocol.Update, k protocol.Kind) []protocol.Update {
	var out []protocol.Update
	for _, u := range ups {
		if u.Kind == k {
			out = append(out, u)
		}
	}
	return out
}

func onlyEvent(t *testing.T, out []protocol.Update) *protocol.Event {
	t.Helper()
	evs := kinds(out, protocol.KindEvent)
	if len(evs) != 1 {
		t.Fatalf("want one event, got %+v", out)
	}
	return evs[0].Event
}

// Rule: a notification frame is one event: its ids and path verbatim,
// its sequence, its summary, its time, the whole notification as body;
// the frame is typed, and its wsc is handed to the session to keep.
func TestDecoderTurnsANotificationIntoAnEvent(t *testing.T) {
	f := newFeeder(t)
	f.live()
	out, msg := f.recv(noteFrame(2, "u-\u00e9\u202e"))
	ev := onlyEvent(t, out)
	if f.last.Frame.Type != string(TypeServerNotification) {
		t.Errorf("frame type %q", f.last.Frame.Type)
	}
	want := protocol.Event{Provider: ProviderName, ID: "u-\u00e9\u202e", Name: evSMSPath, Label: LabelSMSIn,
		Summary: `+15550001 → +15550002  "hello"`, Seq: 2, Subscription: "sub-1",
		Timestamp: time.Date(2024, 5, 1, 10, 0, 0, 123e6, time.UTC)}
	body := ev.Body
	ev.Body = nil
	if fmt.Sprint(*ev) != fmt.Sprint(want) {
		t.Errorf("event\n%+v\nwant\n%+v", *ev, want)
	}
	if !strings.HasPrefix(string(body), `{"uuid":"u-`) || !strings.HasSuffix(string(body), `"messageStatus":"Received"}}`) {
		t.Errorf("body %s", body)
	}
	if w, ok := msg.(*WSC); !ok || w.Token != "T2" || w.Sequence != 2 {
		t.Errorf("message %#v, want the wsc to keep", msg)
	}
}

// Rule: the sent subscription request and its answer pair up by
// messageId into one subscription Update, with what was asked and what
// the server answered; the session gets the answer typed.
func TestDecoderMatchesTheSubscriptionAnswer(t *testing.T) {
	f := newFeeder(t)
	f.dial(1, 0)
	f.recv(cdFrame(1, "", ""))
	f.sent(subscribeFrame("req-1"))
	out, msg := f.recv(subscribedFrame("req-1", "sub-1"))
	subs := kinds(out, protocol.KindSubscription)
	if len(subs) != 1 {
		t.Fatalf("derived %+v", out)
	}
	s := subs[0].Subscription
	if s.ID != "sub-1" || s.Status != "Active" || s.Transport != "WebSocket" || s.ExpiresIn != 86399 ||
		len(s.Requested) != 1 || s.Requested[0] != evSMSPath || len(s.Filters) != 1 || s.ExpiresAt.IsZero() || s.Error != nil {
		t.Errorf("subscription %+v", s)
	}
	a, ok := msg.(*Answer)
	if !ok || !a.OK() || a.Subscription != s || !a.Request.IsSubscription() {
		t.Fatalf("message %#v", msg)
	}
	// the same answer again is no longer expected
	out, msg = f.recv(subscribedFrame("req-1", "sub-1"))
	if errs := kinds(out, protocol.KindError); len(errs) != 1 || !strings.Contains(errs[0].Error.Message, "unknown request") || msg != nil {
		t.Errorf("a second answer: %+v %#v", out, msg)
	}
}

// Rule: a refused request is a subscription Update with the server's
// status, code and words.
func TestDecoderReportsARefusal(t *testing.T) {
	f := newFeeder(t)
	f.live()
	f.sent(subscribeFrame("req-2"))
	out, msg := f.recv(`[{"type":"ClientRequest","messageId":"req-2","status":400},{"errorCode":"SUB-406","message":"Bad filter","errors":[{"errorCode":"SUB-406","message":"Event filter is not supported","parameterName":"eventFilters"}]}]`)
	subs := kinds(out, protocol.KindSubscription)
	if len(subs) != 1 || subs[0].Subscription.Error == nil {
		t.Fatalf("derived %+v", out)
	}
	if e := subs[0].Subscription.Error; e.Status != 400 || e.Code != "SUB-406" || e.Message != "Bad filter; Event filter is not supported" {
		t.Errorf("error %+v", e)
	}
	if a := msg.(*Answer); a.OK() {
		t.Error("a 400 answer is OK")
	}
}

// Rule: a Heartbeat's round trip runs from the time the client sent it
// to the time its echo arrived, both as the Updates say.
func TestDecoderTimesHeartbeats(t *testing.T) {
	f := newFeeder(t)
	f.live()
	f.sent(`[{"type":"Heartbeat","messageId":"hb-1"}]`)
	f.tick(42 * time.Millisecond)
	out, _ := f.recv(`[{"type":"Heartbeat","messageId":"hb-1","status":200}]`)
	hb := kinds(out, protocol.KindHeartbeat)
	if len(hb) != 1 || hb[0].Heartbeat.Via != "message" || hb[0].Heartbeat.RTT.Duration() != 42*time.Millisecond {
		t.Fatalf("derived %+v", out)
	}
	if out, _ := f.recv(`[{"type":"Heartbeat","messageId":"hb-1","status":200}]`); len(out) != 0 {
		t.Errorf("an echo timed twice: %+v", out)
	}
}

// Rule: a notification the server numbers out of step is a gap; a small
// step is waited for, and the wait is closed by the time of a later
// Update (here a ping), so a quiet stream still reports it.
func TestDecoderGapsAndTheirWait(t *testing.T) {
	f := newFeeder(t)
	f.live()
	f.recv(noteFrame(2, "a"))
	out, _ := f.recv(noteFrame(20, "b"))
	if g := kinds(out, protocol.KindGap); len(g) != 1 || g[0].Gap.From != 3 || g[0].Gap.To != 19 || g[0].Gap.Missed != 17 {
		t.Fatalf("big jump: %+v", out)
	}
	out, _ = f.recv(noteFrame(22, "c"))
	if len(kinds(out, protocol.KindGap)) != 0 {
		t.Fatalf("a small jump reported at once: %+v", out)
	}
	f.tick(reorderWait)
	out, _ = f.feed(protocol.Update{Kind: protocol.KindSent, Frame: &protocol.Frame{Op: protocol.OpPing, Data: "1"}}, nil)
	if g := kinds(out, protocol.KindGap); len(g) != 1 || g[0].Gap.From != 21 || g[0].Gap.Missed != 1 {
		t.Fatalf("the wait was not closed by a later Update: %+v", out)
	}
	out, _ = f.recv(noteFrame(21, "late"))
	if e := kinds(out, protocol.KindError); len(e) != 1 || !strings.Contains(e[0].Error.Message, "late") || onlyEvent(t, out).Seq != 21 {
		t.Errorf("a late notification: %+v", out)
	}
	if !onlyEvent(t, out).Late {
		t.Error("a late notification is not marked Late, so the UI keeps counting it lost")
	}
	out, _ = f.recv(noteFrame(23, "on time"))
	if onlyEvent(t, out).Late {
		t.Error("a notification in order is marked Late")
	}
}

// Rule: a repeat of a notification (same number, same id) is marked
// duplicate; so is a repeated id when the server numbers nothing.
func TestDecoderMarksDuplicates(t *testing.T) {
	f := newFeeder(t)
	f.live()
	f.recv(noteFrame(2, "a"))
	out, _ := f.recv(noteFrame(2, "a"))
	if !onlyEvent(t, out).Duplicate {
		t.Error("a repeated notification is not a duplicate")
	}
	bare := strings.Replace(noteFrame(0, "x"), `,"wsc":{"token":"T0","sequence":0}`, "", 1)
	out, _ = f.recv(bare)
	if ev := onlyEvent(t, out); ev.Duplicate || ev.Seq != 0 {
		t.Errorf("first unnumbered: %+v", ev)
	}
	out, _ = f.recv(bare)
	if !onlyEvent(t, out).Duplicate {
		t.Error("a repeated unnumbered notification is not a duplicate")
	}
}

// Rule: after a Successful recovery, exactly the notifications the
// server replays from its buffer are marked replayed: those numbered
// after the position presented, up to the sequence the server's
// ConnectionDetails states. Live ones after them are not, whatever the
// clocks say.
func TestDecoderMarksExactlyTheReplay(t *testing.T) {
	f := newFeeder(t)
	f.live()
	for s := uint64(2); s <= 6; s++ {
		f.recv(noteFrame(s, "a"+u64(s)))
	}
	f.drop()
	f.dial(2, 6)
	out, msg := f.recv(cdFrame(26, RecoverySuccessful, ""))
	g, ok := msg.(*Greeting)
	if !ok || g.NewSession || g.Replay != (Replay{From: 6, To: 26}) || g.Keep == nil || g.Keep.Token != "T26" || g.Keep.Sequence != 6 {
		t.Fatalf("greeting %#v (keep %+v)", msg, g.Keep)
	}
	if len(out) != 0 {
		t.Errorf("derived from a Successful ConnectionDetails: %+v", out)
	}
	replayed := 0
	for s := uint64(7); s <= 31; s++ {
		out, _ := f.recv(noteFrame(s, "b"+u64(s)))
		ev := onlyEvent(t, out)
		if ev.Replayed != (s <= 26) {
			t.Errorf("seq %d replayed=%v", s, ev.Replayed)
		}
		if ev.Replayed {
			replayed++
		}
		if len(out) != 1 {
			t.Errorf("seq %d: %+v", s, out)
		}
	}
	if replayed != 20 {
		t.Errorf("%d replayed, want 20", replayed)
	}
}

// Rule: when the buffer overflowed, the first replayed number is past
// the position presented: the difference is a gap of exactly that size,
// before the first replayed event.
func TestDecoderBufferOverflowIsAnExactGap(t *testing.T) {
	f := newFeeder(t)
	f.live()
	f.recv(noteFrame(2, "a"))
	f.drop()
	f.dial(2, 2)
	f.recv(cdFrame(152, RecoverySuccessful, ""))
	out, _ := f.recv(noteFrame(53, "b"))
	if len(out) != 2 || out[0].Gap == nil || out[0].Gap.From != 3 || out[0].Gap.To != 52 || out[0].Gap.Missed != 50 || !out[1].Event.Replayed {
		t.Fatalf("derived %+v", out)
	}
}

// Rule: a Failed recovery or a reconnect without one is a new session:
// one gap of unknown size, a numbering that starts over, and the session
// told to subscribe.
func TestDecoderNewSessionsAreUnknownGaps(t *testing.T) {
	for _, c := range []struct {
		name, state, code, cause string
		pos                      uint64
	}{
		{"failed", RecoveryFailed, WSGNoSubscription, "recovery failed: WSG-1005", 3},
		{"no recoveryState", "", "", "no recoveryState", 3},
		{"not presented", "", "", "without recovery", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFeeder(t)
			f.live()
			f.recv(noteFrame(2, "a"))
			f.recv(noteFrame(3, "b"))
			f.recv(noteFrame(5, "d")) // 4 is held for reordering
			f.drop()                  // and reported lost here
			f.dial(2, c.pos)
			out, msg := f.recv(cdFrame(1, c.state, c.code))
			g := msg.(*Greeting)
			if !g.NewSession || !strings.Contains(g.Cause, c.cause) || g.Keep.Sequence != 1 {
				t.Errorf("greeting %+v", g)
			}
			gaps := kinds(out, protocol.KindGap)
			if len(gaps) != 1 || gaps[0].Gap.Missed != 0 || gaps[0].Gap.Reason != g.Cause {
				t.Errorf("derived %+v", out)
			}
			out, _ = f.recv(noteFrame(2, "new"))
			if ev := onlyEvent(t, out); len(out) != 1 || ev.Duplicate || ev.Replayed {
				t.Errorf("first notification of the new session: %+v", out)
			}
		})
	}
}

// Rule (hostile server): a ConnectionDetails in the middle of a live
// connection is not a reconnect: no gap, no new session, nothing for the
// session to act on, and the numbering goes on; it is reported.
func TestDecoderMidStreamConnectionDetailsIsNotAReconnect(t *testing.T) {
	f := newFeeder(t)
	f.live()
	f.recv(noteFrame(2, "a"))
	out, msg := f.recv(cdFrame(1, "", ""))
	if msg != nil || len(kinds(out, protocol.KindGap)) != 0 {
		t.Fatalf("mid-stream ConnectionDetails: %+v %#v", out, msg)
	}
	if e := kinds(out, protocol.KindError); len(e) != 1 || !strings.Contains(e[0].Error.Message, "mid-stream") {
		t.Errorf("not reported: %+v", out)
	}
	out, _ = f.recv(noteFrame(3, "b"))
	if len(out) != 1 || onlyEvent(t, out).Duplicate {
		t.Errorf("after it: %+v", out)
	}
}

// Rule: whatever is wrong with a frame is one decode error, and the
// decoder goes on.
func TestDecoderReportsBadFrames(t *testing.T) {
	for _, c := range []struct{ frame, want string }{
		{`{"type":"ServerNotification"}`, "not a JSON array"},
		{`[{"type":"Heartbeat"`, "invalid JSON"},
		{`[]`, "0 elements"},
		{`[1]`, "meta (element 0) must be an object"},
		{`[{"messageId":"x"}]`, "no type"},
		{`[{"type":"Heartbeat"},null,{}]`, "more than 2 elements"},
		{`[{"type":"ServerNotification"},[1]]`, "not an object"},
		{`[{"type":"ServerNotification"}]`, "without a body"},
		{`[{"type":"Gossip"},{}]`, `unknown message type "Gossip"`},
		{`[{"type":"Heartbeat","x":"` + "\x01" + `"}]`, "control character"},
		{`[{"type":"Heartbeat"}] x`, "after the top-level value"},
		{`[{"type":"Heartbeat"},` + strings.Repeat(`{"a":[`, 10000) + strings.Repeat("]}", 10000) + `]`, "nested too deeply"},
		{`[{"type":"Heartbeat","x":` + strings.Repeat("[", 1e6) + `}]`, "nested too deeply"},
		{`[{"type":"Heartbeat","wsc":{"sequence":1e400}}]`, "not a whole number"},
		{`[{"type":"Heartbeat","wsc":{"sequence":-1}}]`, "not a whole number"},
		{`[{"type":"Heartbeat","wsc":{"sequence":"7"}}]`, "not a whole number"},
	} {
		f := newFeeder(t)
		f.live()
		out, msg := f.recv(c.frame)
		e := kinds(out, protocol.KindError)
		if len(e) != 1 || !strings.Contains(e[0].Error.Message, c.want) || e[0].Error.Where != protocol.WhereDecode {
			t.Errorf("%.40q: derived %+v, want an error saying %q", c.frame, out, c.want)
		}
		if _, isWSC := msg.(*WSC); msg != nil && !isWSC {
			t.Errorf("%.40q: message %#v", c.frame, msg)
		}
		if out, _ := f.recv(noteFrame(2, "ok")); onlyEvent(t, out).Seq != 2 {
			t.Errorf("%.40q: the decoder did not go on", c.frame)
		}
	}
	f := newFeeder(t)
	out, _ := f.feed(protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpBinary, Enc: "base64", Data: "AQI="}}, []byte{1, 2})
	if e := kinds(out, protocol.KindError); len(e) != 1 || !strings.Contains(e[0].Error.Message, "binary") {
		t.Errorf("binary frame: %+v", out)
	}
}

// Rule: strings with escapes decode as JSON says; ids without escapes
// are kept byte for byte.
func TestDecoderUnescapesOnlyWhatIsEscaped(t *testing.T) {
	f := newFeeder(t)
	f.live()
	frame := strings.Replace(noteFrame(2, "x"), `"uuid":"x"`, `"uuid":"a\"b\u00e9\ud83d\ude00\ud800"`, 1)
	out, _ := f.recv(frame)
	if id := onlyEvent(t, out).ID; id != "a\"bé😀\ufffd" {
		t.Errorf("id %q", id)
	}
}

// The decoder's per-notification cost: typed, one pass, a handful of
// allocations (the event, its text, its body). The baseline is what
// reading the same frame costs at the least with encoding/json, into a
// generic value; report the ratio of the two from one run.
func BenchmarkDecoder(b *testing.B) {
	frames := benchFrames(1024)
	var d *Decoder
	var dst []protocol.Update
	b.ReportAllocs()
	b.SetBytes(int64(len(frames[0].b)))
	for i := 0; b.Loop(); i++ {
		if i%len(frames) == 0 { // the numbers start over: so does the session
			d = NewDecoder()
		}
		f := frames[i%len(frames)]
		u := protocol.Update{Kind: protocol.KindRecv, Conn: 1, Frame: &protocol.Frame{Op: protocol.OpText, Data: f.s}}
		dst, _ = d.Decode(dst[:0], &u, f.b)
		if len(dst) != 1 || dst[0].Event == nil {
			b.Fatalf("derived %+v", dst)
		}
	}
}

type benchFrame struct {
	b []byte
	s string
}

// benchFrames are numbered notifications as the emulator sends them
// (meta with headers and wsc; an SMS envelope and body), ~560 bytes.
func benchFrames(n int) []benchFrame {
	out := make([]benchFrame, n)
	for i := range out {
		s := fmt.Sprintf(`[{"type":"ServerNotification","messageId":"5c0d3e7a-%04x-4d2e-9c1b-2f3a4b5c6d7e","status":200,`+
			`"wsc":{"token":"AQAAAGUxYjJjM2Q0ZTVmNi1hYmNkLTRlZmEtODkwMS0yMzQ1Njc4OWFiY2QAAAAAAAAAAgfz5oP_cmc","sequence":%d},`+
			`"headers":{"RCRequestId":"7d1e9a2b-%04x-4c3d-8e9f-0a1b2c3d4e5f"}},`+
			`{"uuid":"5c0d3e7a-%04x-4d2e-9c1b-2f3a4b5c6d7e","event":"/restapi/v1.0/account/37439510/extension/101/message-store/instant?type=SMS",`+
			`"timestamp":"2024-05-01T10:00:00.123Z","subscriptionId":"e1b2c3d4-e5f6-abcd-4efa-890123456789abcd","ownerId":"101",`+
			`"body":{"id":"10828001004","to":[{"phoneNumber":"+16505550100","name":"Ann","target":true}],"from":{"phoneNumber":"+16505550111","location":"Belmont, CA"},`+
			`"type":"SMS","creationTime":"2024-05-01T10:00:00.000Z","readStatus":"Unread","priority":"Normal","direction":"Inbound",`+
			`"availability":"Alive","subject":"Are we still on for 3pm?","messageStatus":"Received","conversationId":"123"}}]`, i, i+2, i, i)
		out[i] = benchFrame{b: []byte(s), s: s}
	}
	return out
}

func BenchmarkDecoderBaseline(b *testing.B) {
	frames := benchFrames(1024)
	b.ReportAllocs()
	b.SetBytes(int64(len(frames[0].b)))
	for i := 0; b.Loop(); i++ {
		var v any
		if err := json.Unmarshal(frames[i%len(frames)].b, &v); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecoderRatio interleaves batches of the decoder and of the
// baseline (json.Unmarshal of the same frames into a generic value), so
// that load on a shared machine falls on both alike, and reports the
// decoder's time as a fraction of the baseline's ("x-baseline") and its
// allocations per notification ("allocs/decode").
func BenchmarkDecoderRatio(b *testing.B) {
	frames := benchFrames(1024)
	var d *Decoder
	var dst []protocol.Update
	var dec, base time.Duration
	var ms0, ms1 runtime.MemStats
	var allocs uint64
	const batch = 256
	i := 0
	for b.Loop() {
		runtime.ReadMemStats(&ms0)
		t0 := time.Now()
		for range batch {
			if i%len(frames) == 0 {
				d = NewDecoder()
			}
			f := frames[i%len(frames)]
			u := protocol.Update{Kind: protocol.KindRecv, Conn: 1, Frame: &protocol.Frame{Op: protocol.OpText, Data: f.s}}
			dst, _ = d.Decode(dst[:0], &u, f.b)
			i++
		}
		t1 := time.Now()
		runtime.ReadMemStats(&ms1)
		dec += t1.Sub(t0)
		allocs += ms1.Mallocs - ms0.Mallocs
		t1 = time.Now()
		for k := range batch {
			var v any
			if err := json.Unmarshal(frames[(i+k)%len(frames)].b, &v); err != nil {
				b.Fatal(err)
			}
		}
		base += time.Since(t1)
	}
	n := float64(b.N) * batch
	b.ReportMetric(float64(dec)/float64(base), "x-baseline")
	b.ReportMetric(float64(dec.Nanoseconds())/n, "ns/decode")
	b.ReportMetric(float64(base.Nanoseconds())/n, "ns/baseline")
	b.ReportMetric(float64(allocs)/n, "allocs/decode")
}

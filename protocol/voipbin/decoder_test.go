package voipbin

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

// stream feeds a decoder Updates one second apart, as a session would,
// and keeps everything for a second decoder to replay.
type stream struct {
	t    *testing.T
	d    *Decoder
	now  time.Time
	conn int
	fed  []protocol.Update
}

func newStream(t *testing.T) *stream {
	return &stream{t: t, d: NewDecoder(), now: time.Date(2026, 8, 22, 10, 0, 0, 0, time.UTC), conn: 1}
}

func (s *stream) feed(u protocol.Update) []protocol.Update {
	s.now = s.now.Add(time.Second)
	u.Time, u.Conn = s.now, s.conn
	s.fed = append(s.fed, u)
	var raw []byte
	if u.Frame != nil {
		raw = []byte(u.Frame.Data)
	}
	out, msg := s.d.Decode(nil, &u, raw)
	if msg != nil {
		s.t.Fatalf("the decoder returned a typed message %v: nothing VoIPBin sends needs an answer", msg)
	}
	return out
}

func (s *stream) state(st protocol.State) []protocol.Update {
	return s.feed(protocol.Update{Kind: protocol.KindState, State: &st})
}
func (s *stream) sent(data []byte) []protocol.Update {
	return s.feed(protocol.Update{Kind: protocol.KindSent, Frame: &protocol.Frame{Op: protocol.OpText, Data: string(data), Size: len(data)}})
}
func (s *stream) recv(data string) []protocol.Update {
	return s.feed(protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpText, Data: data, Size: len(data)}})
}
func (s *stream) ping() []protocol.Update {
	return s.feed(protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpPing}})
}

// connect runs one connection up to live with topics.
func (s *stream) connect(topics ...string) {
	s.state(protocol.State{Phase: protocol.PhaseDialing})
	s.state(protocol.State{Phase: protocol.PhaseUpgraded})
	s.sent(Subscribe(topics))
	s.state(protocol.State{Phase: protocol.PhaseSubscribing})
	s.state(protocol.State{Phase: protocol.PhaseLive})
}

func events(ups []protocol.Update) []*protocol.Event {
	var out []*protocol.Event
	for _, u := range ups {
		if u.Kind == protocol.KindEvent {
			out = append(out, u.Event)
		}
	}
	return out
}

func one(t *testing.T, ups []protocol.Update) *protocol.Event {
	t.Helper()
	evs := events(ups)
	if len(evs) != 1 {
		t.Fatalf("want one event, got %d in %s", len(evs), dump(ups))
	}
	return evs[0]
}

func dump(ups []protocol.Update) string {
	var b strings.Builder
	for _, u := range ups {
		j, _ := json.Marshal(u)
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

const (
	cust     = "customer_id:" + customer
	callPfx  = cust + ":call"
	hangPfx  = cust + ":call:call_hangup"
	agentPfx = "agent_id:" + agentID
)

// A7 at HEAD: a 3-part prefix matches both topic strings, so each event
// arrives twice; the second copy is marked, both credit the prefix.
func TestA3PartPrefixReceivesEachEventTwiceAndTheSecondIsMarked(t *testing.T) {
	s := newStream(t)
	s.connect(callPfx)
	ringing := callPayload("ringing", "", "", "2026-08-22T10:00:01Z")
	first, second := one(t, s.recv(ringing)), one(t, s.recv(ringing))
	if first.Duplicate || !second.Duplicate {
		t.Fatalf("duplicate marks: first %v, second %v", first.Duplicate, second.Duplicate)
	}
	for _, e := range []*protocol.Event{first, second} {
		if e.Subscription != callPfx || e.Label != "call" || e.ID != callID || e.Provider != ProviderName {
			t.Fatalf("event %+v", e)
		}
	}
	// The name is a guess from the status: call_updated has it too.
	if first.Name != "call_ringing?" {
		t.Fatalf("name %q", first.Name)
	}
	// A third arrival is more than the two topic strings can explain:
	// a new event with the same content.
	if third := one(t, s.recv(ringing)); third.Duplicate {
		t.Fatal("a third copy under two topic strings was marked a duplicate")
	}
	// The next status is a different event.
	if e := one(t, s.recv(callPayload("progressing", "", "", "2026-08-22T10:00:02Z"))); e.Duplicate {
		t.Fatal("a new status was marked a duplicate")
	}
}

// A10: a 4-part event-type prefix matches only the new-format string:
// one copy, and the prefix names the type.
func TestAnEventTypePrefixReceivesEachEventOnceWithItsType(t *testing.T) {
	s := newStream(t)
	s.connect(hangPfx)
	hangup := callPayload("hangup", "remote", "normal", "2026-08-22T10:00:09Z")
	e := one(t, s.recv(hangup))
	if e.Duplicate || e.Name != "call_hangup" || e.Subscription != hangPfx {
		t.Fatalf("event %+v", e)
	}
	if !strings.Contains(e.Summary, "hangup by remote (normal)") || !strings.Contains(e.Summary, "via …:call:call_hangup") {
		t.Fatalf("summary %q", e.Summary)
	}
	if again := one(t, s.recv(hangup)); again.Duplicate {
		t.Fatal("one topic string, yet the next copy was marked a duplicate")
	}
}

// Overlapping prefixes: the server delivers once per topic string (A5),
// each credited to the most specific prefix that matched it.
func TestOverlappingPrefixesCreditTheMostSpecificPerTopicString(t *testing.T) {
	s := newStream(t)
	s.connect(callPfx, hangPfx, agentPfx)
	hangup := callPayload("hangup", "remote", "normal", "2026-08-22T10:00:09Z")
	var got []string
	var dups []bool
	for range 4 { // old customer, old agent, new customer, new agent
		e := one(t, s.recv(hangup))
		got, dups = append(got, e.Subscription), append(dups, e.Duplicate)
	}
	want := []string{callPfx, agentPfx, hangPfx, agentPfx}
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(dups, []bool{false, true, true, true}) {
		t.Fatalf("credited %q, duplicates %v", got, dups)
	}
}

// The legacy wrapped shape names its type; an array carries several
// payloads (voipbin-mcp accepts both, A10).
func TestWrappedFramesAndArrays(t *testing.T) {
	s := newStream(t)
	s.connect(cust + ":call:call_progressing")
	e := one(t, s.recv(`{"type":"call_progressing","data":`+callPayload("progressing", "", "", "2026-08-22T10:00:02Z")+`}`))
	if e.Name != "call_progressing" || e.Subscription != cust+":call:call_progressing" {
		t.Fatalf("wrapped event %+v", e)
	}
	ups := s.recv(`[` + transcriptPayload + `,` + speechPayload("s1", "hello") + `]`)
	evs := events(ups)
	if len(evs) != 2 || evs[0].Label != "transcript" || evs[1].Name != "transcribe_speech_interim" {
		t.Fatalf("array: %s", dump(ups))
	}
}

// Bad JSON and unknown shapes are errors; the next frame decodes.
func TestBadFramesAreDecodeErrorsAndTheStreamGoesOn(t *testing.T) {
	s := newStream(t)
	s.connect(callPfx)
	for _, bad := range []string{`{"id":`, `nope`, `"hello"`, `{"hello":"world"}`, `[1]`, `{"type":"call_hangup","data":{"id":}}`} {
		ups := s.recv(bad)
		if len(ups) != 1 || ups[0].Kind != protocol.KindError || ups[0].Error.Where != protocol.WhereDecode {
			t.Fatalf("%s: %s", bad, dump(ups))
		}
	}
	ups := s.feed(protocol.Update{Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpBinary, Enc: "base64", Data: "AAE="}})
	if len(ups) != 1 || !strings.Contains(ups[0].Error.Message, "binary") {
		t.Fatalf("binary: %s", dump(ups))
	}
	one(t, s.recv(callPayload("ringing", "", "", "2026-08-22T10:00:01Z")))
}

// Subscriptions follow the frames sent: Sent, Active once live, Removed
// on unsubscribe; a repeat is ignored, as the server ignores it.
func TestSubscriptionsFollowTheFramesSent(t *testing.T) {
	s := newStream(t)
	s.state(protocol.State{Phase: protocol.PhaseUpgraded})
	ups := s.sent(Subscribe([]string{callPfx, hangPfx, callPfx}))
	if len(ups) != 2 || ups[0].Subscription.Status != StatusSent || ups[0].Subscription.ID != callPfx ||
		!strings.Contains(ups[0].Subscription.Note, hangPfx) || ups[1].Subscription.Note != "" {
		t.Fatalf("subscribe: %s", dump(ups))
	}
	ups = s.state(protocol.State{Phase: protocol.PhaseLive})
	if len(ups) != 2 || ups[0].Subscription.Status != StatusActive {
		t.Fatalf("live: %s", dump(ups))
	}
	if ups := s.state(protocol.State{Phase: protocol.PhaseLive}); len(ups) != 0 {
		t.Fatalf("a repeated live state re-announced the topics: %s", dump(ups))
	}
	ups = s.sent(Unsubscribe([]string{callPfx, cust + ":nothing"}))
	if len(ups) != 1 || ups[0].Subscription.Status != StatusRemoved || ups[0].Subscription.ID != callPfx {
		t.Fatalf("unsubscribe: %s", dump(ups))
	}
	// An activeflow matches nothing left.
	e := one(t, s.recv(activeflowPayload))
	if e.Subscription != "" || !strings.Contains(e.Summary, "matches no subscribed prefix") {
		t.Fatalf("event %+v", e)
	}
}

// The server sent it, so its topic matched: when only an event-type
// prefix can explain a frame, the prefix names it, whatever the status
// suggested.
func TestTheTopicOutranksTheShape(t *testing.T) {
	s := newStream(t)
	s.connect(hangPfx)
	e := one(t, s.recv(callPayload("terminating", "local", "normal", "2026-08-22T10:00:09Z")))
	if e.Name != "call_hangup" || e.Subscription != hangPfx {
		t.Fatalf("event %+v", e)
	}
}

// VoIPBin has no resume token: a drop opens a window (protocol.Outages)
// that closes when a new connection subscribes, the moment the server
// delivers again; failed attempts in between extend it. Never "no gap".
func TestAnOutageIsAWindowFromTheDropToTheResubscribe(t *testing.T) {
	s := newStream(t)
	s.connect(callPfx)
	s.ping()
	if ups := s.state(protocol.State{Phase: protocol.PhaseDropped, Cause: "read error"}); len(ups) != 0 {
		t.Fatalf("a drop after going live derived %s", dump(ups))
	}
	dropped := s.now
	s.state(protocol.State{Phase: protocol.PhaseBackoff, Attempt: 1})
	s.conn++
	s.state(protocol.State{Phase: protocol.PhaseDialing})
	s.state(protocol.State{Phase: protocol.PhaseDropped, Cause: "dial: connection refused"}) // never opened
	s.conn++
	s.state(protocol.State{Phase: protocol.PhaseDialing})
	s.state(protocol.State{Phase: protocol.PhaseUpgraded})
	s.sent(Subscribe([]string{callPfx}))
	ups := s.state(protocol.State{Phase: protocol.PhaseSubscribing})
	var gap *protocol.Gap
	for _, u := range ups {
		if u.Kind == protocol.KindGap {
			gap = u.Gap
		}
	}
	if gap == nil || !gap.Start.Equal(dropped) || !gap.End.Equal(s.now) || gap.Missed != 0 ||
		!strings.Contains(gap.Reason, "no resume token") || !strings.Contains(gap.Reason, "may have been lost") {
		t.Fatalf("gap %+v (dropped at %v, now %v) in %s", gap, dropped, s.now, dump(ups))
	}
	if ups := s.state(protocol.State{Phase: protocol.PhaseLive}); len(ups) != 1 || ups[0].Subscription.Status != StatusActive {
		t.Fatalf("live after the resubscribe: %s", dump(ups))
	}
}

// A connection that never subscribed cannot have lost events.
func TestNoWindowBeforeAnythingWasSubscribed(t *testing.T) {
	s := newStream(t)
	s.state(protocol.State{Phase: protocol.PhaseUpgraded})
	s.state(protocol.State{Phase: protocol.PhaseDropped})
	s.conn++
	s.state(protocol.State{Phase: protocol.PhaseUpgraded})
	s.sent(Subscribe([]string{callPfx}))
	for _, u := range s.state(protocol.State{Phase: protocol.PhaseSubscribing}) {
		if u.Kind == protocol.KindGap {
			t.Fatal("a window before the first subscription")
		}
	}
}

// A topic the server refuses drops the connection without a close frame
// (A3). Topics sent since the connection last went live are marked; the
// previous set, subscribed again, goes live and the refused one is
// removed.
func TestADropRightAfterATopicChangeMarksTheNewTopics(t *testing.T) {
	s := newStream(t)
	s.connect(hangPfx)
	bad := "agent_id:" + otherID
	s.sent(Subscribe([]string{bad}))
	ups := s.state(protocol.State{Phase: protocol.PhaseDropped, Cause: "closed by the server: 1006 unexpected EOF", CloseCode: 1006})
	if len(ups) != 1 || ups[0].Subscription.ID != bad || ups[0].Subscription.Status != StatusLost || ups[0].Subscription.Error == nil {
		t.Fatalf("drop: %s", dump(ups))
	}
	s.conn++
	s.state(protocol.State{Phase: protocol.PhaseUpgraded})
	s.sent(Subscribe([]string{hangPfx}))
	ups = s.state(protocol.State{Phase: protocol.PhaseLive})
	var removed bool
	for _, u := range ups {
		if u.Kind == protocol.KindSubscription && u.Subscription.ID == bad && u.Subscription.Status == StatusRemoved {
			removed = true
		}
	}
	if !removed {
		t.Fatalf("the refused topic is still listed: %s", dump(ups))
	}
}

// A close frame is not how VoIPBin refuses a topic.
func TestACleanCloseDoesNotBlameTheTopics(t *testing.T) {
	s := newStream(t)
	s.state(protocol.State{Phase: protocol.PhaseUpgraded})
	s.sent(Subscribe([]string{callPfx}))
	if ups := s.state(protocol.State{Phase: protocol.PhaseDropped, CloseCode: 1001}); len(ups) != 0 {
		t.Fatalf("%s", dump(ups))
	}
}

// Agents changing status read as the change; speech without text is
// started, then ended.
func TestStatefulSummaries(t *testing.T) {
	s := newStream(t)
	s.connect(cust+":agent", cust+":transcribe:transcribe_speech_")
	one(t, s.recv(agentPayload("available", "2026-08-22T10:00:00Z")))
	one(t, s.recv(agentPayload("available", "2026-08-22T10:00:00Z"))) // the copy
	e := one(t, s.recv(agentPayload("busy", "2026-08-22T10:00:05Z")))
	if !strings.Contains(e.Summary, "available → busy") {
		t.Fatalf("agent summary %q", e.Summary)
	}
	if e := one(t, s.recv(speechPayload("a", ""))); e.Name != "transcribe_speech_started?" {
		t.Fatalf("first speech %q", e.Name)
	}
	one(t, s.recv(speechPayload("b", "hello")))
	if e := one(t, s.recv(speechPayload("c", ""))); e.Name != "transcribe_speech_ended?" {
		t.Fatalf("last speech %q", e.Name)
	}
}

// Replay derives again what the live session derived: same Updates in,
// same Updates out.
func TestTheDecoderIsDeterministic(t *testing.T) {
	s := newStream(t)
	s.connect(callPfx, agentPfx)
	s.recv(callPayload("ringing", "", "", "2026-08-22T10:00:01Z"))
	s.recv(callPayload("ringing", "", "", "2026-08-22T10:00:01Z"))
	s.ping()
	s.state(protocol.State{Phase: protocol.PhaseDropped})
	s.conn++
	s.state(protocol.State{Phase: protocol.PhaseUpgraded})
	s.sent(Subscribe([]string{callPfx}))
	s.recv(`{"bad"`)
	run := func() []protocol.Update {
		d := NewDecoder()
		var all []protocol.Update
		for _, u := range s.fed {
			u := u
			if u.Frame != nil {
				f := *u.Frame
				f.Type = ""
				u.Frame = &f
			}
			all, _ = d.Decode(all, &u, nil)
		}
		return all
	}
	a, b := run(), run()
	if len(a) < 8 || dump(a) != dump(b) {
		t.Fatalf("two replays differ or derived too little:\n%s\n%s", dump(a), dump(b))
	}
}

// <resource>:<resource>_ is a raw prefix of every new-format topic string
// of the resource and of no old-format one: every event, once.
func TestAResourceTopicReceivesEveryEventOnce(t *testing.T) {
	s := newStream(t)
	every := ResourceTopic(ScopeCustomer, customer, "call")
	s.connect(every)
	for i, st := range []string{"dialing", "ringing", "progressing"} {
		e := one(t, s.recv(callPayload(st, "", "", fmt.Sprintf("2026-08-22T10:00:0%dZ", i))))
		if e.Duplicate || e.Subscription != every || e.Name != "call_"+st+"?" {
			t.Fatalf("%s: %+v", st, e)
		}
	}
	if got := PublishedTopics("call_hangup", callID, customer, agentID, ""); Match(every, got[0]) || !Match(every, got[2]) {
		t.Fatalf("%s against %q", every, got)
	}
}

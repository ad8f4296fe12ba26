package dialpad

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
)

// serverSubs is what the server holds, as "type settings" lines sorted,
// for comparing with what the client was asked.
func serverSubs(srv *dpServer) []string {
	_, subs := srv.state()
	var out []string
	for _, s := range subs {
		keys := make([]string, 0, len(s.Fields))
		for k := range s.Fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		line := s.Type
		for _, k := range keys {
			line += fmt.Sprintf(" %s=%v", k, s.Fields[k])
		}
		out = append(out, line)
	}
	slices.Sort(out)
	return out
}

func subID(t *testing.T, srv *dpServer, typ string) string {
	t.Helper()
	_, subs := srv.state()
	for _, s := range subs {
		if s.Type == typ {
			return s.ID
		}
	}
	t.Fatalf("the server has no %s subscription", typ)
	return ""
}

// Rule: the session creates the websocket and the subscriptions asked
// for, attached to it, with the spec's fields; the pane shows the
// websocket and each subscription; at the end it deletes what it
// created.
func TestSetUpAndCleanUp(t *testing.T) {
	srv := newDPServer(t, time.Hour)
	r := start(t, srv, Config{Secret: "shh-its-a-secret", Subscribe: mustSpecs(t,
		"call states=ringing,connected,hangup target=user:123", "sms direction=inbound status", "agent_status")})
	ups := r.rec.waitFor(t, "live", 10*time.Second, liveOn(1))
	wss, _ := srv.state()
	if len(wss) != 1 {
		t.Fatalf("websockets %v", wss)
	}
	want := []string{
		"agent_status agent_type=callcenter enabled=true",
		"call call_states=[ringing connected hangup] enabled=true group_calls_only=false target_id=123 target_type=user",
		"sms direction=inbound enabled=true include_internal=false status=true",
	}
	if got := serverSubs(srv); !slices.Equal(got, want) {
		t.Errorf("server holds\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	pane, refused := subsPane(ups)
	if len(refused) != 0 || len(pane) != 4 {
		t.Errorf("pane %+v refusals %+v", pane, refused)
	}
	ws := pane["websocket "+wss[0]]
	if ws.Status != "signed: HS256 jwt" {
		t.Errorf("websocket in the pane: %+v", ws)
	}
	call := pane["call "+subID(t, srv, "call")]
	if call.Status != "enabled" || call.Requested[0] != "call id="+subID(t, srv, "call")+" states=ringing,connected,hangup target=user:123" {
		t.Errorf("call in the pane: %+v", call)
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	if wss, subs := srv.state(); len(wss)+len(subs) != 0 {
		t.Errorf("left on the server: %v %d subscriptions", wss, len(subs))
	}
}

// Rule: --keep leaves everything; a reused websocket keeps what it had,
// shown in the pane, and loses only what the session created.
func TestKeepAndReuse(t *testing.T) {
	srv := newDPServer(t, time.Hour)
	r := start(t, srv, Config{Keep: true, Subscribe: mustSpecs(t, "call")})
	r.rec.waitFor(t, "live", 10*time.Second, liveOn(1))
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	wss, subs := srv.state()
	if len(wss) != 1 || len(subs) != 1 {
		t.Fatalf("--keep: %v, %d subscriptions", wss, len(subs))
	}
	existing := subs[0].ID

	r = start(t, srv, Config{Websocket: wss[0], Subscribe: mustSpecs(t, "sms direction=all")})
	ups := r.rec.waitFor(t, "live", 10*time.Second, liveOn(1))
	pane, _ := subsPane(ups)
	if _, ok := pane["call "+existing]; !ok {
		t.Errorf("the reused websocket's subscription is not shown: %+v", pane)
	}
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	wss2, subs := srv.state()
	if len(wss2) != 1 || len(subs) != 1 || subs[0].ID != existing {
		t.Errorf("after reuse: %v, %+v; want the websocket and its own subscription kept, the sms one deleted", wss2, subs)
	}
}

// Rule: editing creates, updates, disables and deletes over REST; each
// exchange is published; refusals (400 naming the field, 401, 404, 429
// with its retry time) are shown, the rest of the edit is not sent, and
// the subscriptions in force stay shown as they were.
func TestEditsAndTheirRefusals(t *testing.T) {
	srv := newDPServer(t, time.Hour)
	r := start(t, srv, Config{Subscribe: mustSpecs(t, "call states=ringing")})
	r.rec.waitFor(t, "live", 10*time.Second, liveOn(1))
	call := subID(t, srv, "call")
	callLine := "call id=" + call + " states=ringing"
	edit := func(lines ...string) {
		t.Helper()
		if err := r.s.Do(protocol.Command{Kind: protocol.CmdSetFilters, Filters: lines}); err != nil {
			t.Fatal(err)
		}
	}
	refusals := func(n int) []protocol.Subscription {
		ups := r.rec.waitFor(t, fmt.Sprintf("%d refusal(s)", n), 10*time.Second, func(ups []protocol.Update) bool {
			_, ref := subsPane(ups)
			return len(ref) >= n
		})
		pane, ref := subsPane(ups)
		if _, ok := pane["call "+call]; !ok {
			t.Errorf("after a refusal the call subscription is no longer shown: %+v", pane)
		}
		return ref
	}
	applyError := func(n int) string {
		ups := r.rec.waitFor(t, "the edit's error", 10*time.Second, func(ups []protocol.Update) bool { return len(errorsWhere(ups, "subscriptions")) >= n })
		return errorsWhere(ups, "subscriptions")[n-1]
	}

	// 400 naming the field.
	srv.failNext("POST", "/api/v2/subscriptions/sms", 400, nil, `{"error":{"code":400,"message":"direction: outbound is not allowed for this target"}}`)
	edit(callLine, "sms direction=outbound target=office:5")
	ref := refusals(1)[0]
	if ref.Error.Status != 400 || !strings.Contains(ref.Error.Message, "direction: outbound is not allowed") || ref.Requested[0] != "sms direction=outbound target=office:5" {
		t.Errorf("400: %+v %+v", ref, ref.Error)
	}
	if e := applyError(1); !strings.Contains(e, "create sms direction=outbound target=office:5") || !strings.Contains(e, "0 of 1 change(s) applied") {
		t.Errorf("400 error %q", e)
	}

	// 429 with its retry time; the update behind it is not sent.
	srv.failNext("POST", "/api/v2/subscriptions/agent_status", 429, map[string]string{"Retry-After": "7"}, `{"error":{"message":"rate limit exceeded"}}`)
	edit("call id="+call+" states=ringing,hangup", "agent_status")
	ref = refusals(2)[1]
	if ref.Error.Status != 429 || !strings.Contains(ref.Error.Message, "retry after 7s") {
		t.Errorf("429: %+v", ref.Error)
	}
	if e := applyError(2); !strings.Contains(e, "the server asks to retry after 7s") || !strings.Contains(e, "1 not sent: update call id="+call) {
		t.Errorf("429 error %q", e)
	}

	// 404: a subscription that does not exist.
	edit(callLine, "sms id=999 direction=all")
	ref = refusals(3)[2]
	if ref.Error.Status != 404 || ref.ID != "sms 999" || !strings.Contains(ref.Error.Message, "sms subscription not found") {
		t.Errorf("404: %+v %+v", ref, ref.Error)
	}

	// 401 on a deletion: the subscription stays.
	srv.failNext("DELETE", "/api/v2/subscriptions/call", 401, nil, `{"error":{"code":401,"message":"invalid api key"}}`)
	edit("changelog")
	ref = refusals(4)[3]
	if ref.Error.Status != 401 || ref.ID != "call "+call {
		t.Errorf("401: %+v %+v", ref, ref.Error)
	}

	// Every exchange was published.
	ups := r.rec.snapshot()
	var answers []int
	for _, u := range ups {
		if u.Kind == protocol.KindRecv && u.Frame.Op == protocol.OpHTTP && strings.Contains(u.Frame.Data, "subscriptions") {
			answers = append(answers, 0)
		}
	}
	if len(answers) < 6 {
		t.Errorf("%d subscription exchanges published", len(answers))
	}

	// And an edit that goes through: update, disable (a subscription the
	// session did not create), create, delete.
	srv.mu.Lock()
	srv.subs["424242"] = &dpSub{Type: "contact", ID: "424242", WS: srv.subs[call].WS, Fields: map[string]any{"contact_type": "local"}}
	srv.mu.Unlock()
	edit("call id="+call+" states=hangup disabled", "contact id=424242 contact_type=local", "agent_status")
	r.rec.waitFor(t, "the edit applied", 10*time.Second, func([]protocol.Update) bool {
		// changelog, created by the edit before and on no line now, is
		// deleted.
		return slices.Equal(serverSubs(srv), []string{
			"agent_status agent_type=callcenter enabled=true",
			"call call_states=[hangup] enabled=false group_calls_only=false",
			"contact contact_type=local enabled=true",
		})
	})
	edit("agent_status")
	r.rec.waitFor(t, "deletions and disabling", 10*time.Second, func([]protocol.Update) bool {
		return slices.Equal(serverSubs(srv), []string{
			"agent_status agent_type=callcenter enabled=true",
			"contact contact_type=local enabled=false",
		})
	})
	ups = r.rec.waitFor(t, "the pane", 5*time.Second, func(ups []protocol.Update) bool {
		pane, _ := subsPane(ups)
		return pane["contact 424242"].Status == "disabled" && pane["call "+call].ID == ""
	})
	if err := r.stop(t); err != nil {
		t.Fatal(err)
	}
	// The contact subscription was not the session's: disabled, kept.
	if got := serverSubs(srv); !slices.Equal(got, []string{"contact contact_type=local enabled=false"}) {
		t.Errorf("after the end: %v", got)
	}
	_ = ups
}

// Rule: a line the syntax refuses is refused before anything is sent.
func TestEditRefusedLocally(t *testing.T) {
	p := NewProvider(Config{})
	err := p.SetFilters(nil, []string{"call", "sms"})
	if err == nil || !strings.Contains(err.Error(), "line 2: sms needs direction=") {
		t.Errorf("SetFilters = %v", err)
	}
}

// Rule: with a secret, every frame is verified; when the secret changes
// on the server, frames fail verification until the next fresh URL's
// answer names the new secret; frames still signed with the old one then
// fail.
func TestSignaturesAndARotatedSecret(t *testing.T) {
	srv := newDPServer(t, 2*time.Second)
	r := start(t, srv, Config{Secret: "one-secret", Subscribe: mustSpecs(t, "call")})
	r.rec.waitFor(t, "live", 10*time.Second, liveOn(1))
	seals := func(pred func(*protocol.Event) bool) func([]protocol.Update) bool {
		return func(ups []protocol.Update) bool {
			for _, e := range events(ups) {
				if pred(e) {
					return true
				}
			}
			return false
		}
	}
	srv.generate(1)
	r.rec.waitFor(t, "a verified event", 5*time.Second, seals(func(e *protocol.Event) bool { return e.Seal != nil && e.Seal.OK }))

	wss, _ := srv.state()
	srv.setSecret(wss[0], "two-secret")
	srv.generate(1)
	r.rec.waitFor(t, "a frame failing verification", 5*time.Second, seals(func(e *protocol.Event) bool {
		return e.Seal != nil && !e.Seal.OK && strings.HasPrefix(e.Seal.Problem, "bad signature")
	}))
	// The next rotation's GET names the new secret.
	before := srv.connsOpened()
	r.rec.waitFor(t, "a rotation", 10*time.Second, func([]protocol.Update) bool { return srv.connsOpened() > before })
	mark := len(r.rec.snapshot())
	srv.generate(1)
	r.rec.waitFor(t, "verified with the new secret", 5*time.Second, func(ups []protocol.Update) bool {
		return seals(func(e *protocol.Event) bool { return e.Seal != nil && e.Seal.OK })(ups[mark:])
	})
	pane, _ := subsPane(r.rec.snapshot())
	if n := pane["websocket "+wss[0]].Note; !strings.Contains(n, "the secret was changed") {
		t.Errorf("websocket note %q", n)
	}
	mark = len(r.rec.snapshot())
	srv.sendSigned(`{"call_id":1,"state":"hangup","event_timestamp":1}`, "one-secret")
	r.rec.waitFor(t, "the old secret refused", 5*time.Second, func(ups []protocol.Update) bool {
		return seals(func(e *protocol.Event) bool { return e.Seal != nil && !e.Seal.OK && e.ID == "1" })(ups[mark:])
	})
}

// Rule: a websocket the session created and that disappeared is created
// again with the session's subscriptions.
func TestGoneWebsocketIsCreatedAgain(t *testing.T) {
	srv := newDPServer(t, time.Hour)
	r := start(t, srv, Config{Subscribe: mustSpecs(t, "sms direction=all")})
	r.rec.waitFor(t, "live", 10*time.Second, liveOn(1))
	wss, _ := srv.state()
	srv.mu.Lock()
	delete(srv.wss, wss[0])
	srv.subs = map[string]*dpSub{}
	srv.mu.Unlock()
	srv.cutAll(t)
	ups := r.rec.waitFor(t, "a new websocket live", 10*time.Second, liveOn(2))
	if e := errorsWhere(ups, "prepare"); len(e) == 0 || !strings.Contains(strings.Join(e, "\n"), "is gone (404): creating a new one with the 1 subscription(s)") {
		t.Errorf("prepare errors %q", e)
	}
	if got := serverSubs(srv); !slices.Equal(got, []string{"sms direction=all enabled=true include_internal=false status=false"}) {
		t.Errorf("server holds %v", got)
	}
}

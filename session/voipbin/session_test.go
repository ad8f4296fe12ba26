package voipbin

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	vb "github.com/evtap/evtap/protocol/voipbin"
	"github.com/evtap/evtap/session"
)

var (
	callTopic  = "customer_id:" + tCustomer + ":call"
	hangTopic  = callTopic + ":call_hangup"
	otherTopic = "customer_id:" + tOther + ":call"
)

// The user's story: log in, subscribe a 3-part and a 4-part prefix, and
// see every event exactly once per topic string it was published under
// that a prefix matched, the copies marked and credited.
func TestLoginSubscribeAndEveryEventOncePerTopicStringItMatched(t *testing.T) {
	srv := newVBServer(t)
	r := start(t, Config{Server: srv.url(), Username: tUser, Password: tPassword, Topics: []string{callTopic, hangTopic}})
	r.c.waitFor(t, "live", livePhases(1))
	srv.waitFor("both topics subscribed", func() bool {
		live := srv.live()
		return len(live) == 1 && slices.Equal(live[0].subs, []string{callTopic, hangTopic})
	})
	srv.mu.Lock()
	logins, query := srv.logins, srv.queries[0]
	srv.mu.Unlock()
	if logins != 1 || !strings.HasPrefix(query, "token=ey") || strings.Contains(query, "accesskey") {
		t.Fatalf("logins %d, socket query %q", logins, query)
	}

	ring := srv.publish("call_ringing", tCall, tAgent, callJSON("ringing", "", "", "2026-08-22T10:00:01Z"))
	hang := srv.publish("call_hangup", tCall, tAgent, callJSON("hangup", "remote", "normal", "2026-08-22T10:00:09Z"))
	if ring != 2 || hang != 2 {
		t.Fatalf("the server sent %d and %d frames; the notes say 2 and 2", ring, hang)
	}
	// A last event, so that anything extra before it would have arrived.
	fence := srv.publish("call_progressing", tCall, tAgent, callJSON("progressing", "", "", "2026-08-22T10:00:05Z"))
	ups := r.c.waitFor(t, "the events", func(ups []protocol.Update) bool { return len(eventsOf(ups)) >= ring+hang+fence })
	evs := eventsOf(ups)
	if len(evs) != ring+hang+fence {
		t.Fatalf("%d events for %d frames", len(evs), ring+hang+fence)
	}
	want := []struct {
		sub  string
		dup  bool
		name string
	}{
		{callTopic, false, "call_ringing?"}, {callTopic, true, "call_ringing?"},
		{callTopic, false, "call_hangup?"}, {hangTopic, true, "call_hangup"},
	}
	for i, w := range want {
		e := evs[i]
		if e.Subscription != w.sub || e.Duplicate != w.dup || e.Name != w.name || e.Provider != ProviderName {
			t.Errorf("event %d: %s %q dup=%v via %q; want %q dup=%v via %q", i, e.Label, e.Name, e.Duplicate, e.Subscription, w.name, w.dup, w.sub)
		}
	}
	if !strings.Contains(evs[2].Summary, "hangup by remote (normal)") {
		t.Errorf("hangup summary %q", evs[2].Summary)
	}
	// The login is in the stream as http frames, the password masked.
	var req, answer string
	for _, u := range ups {
		if u.Frame != nil && u.Frame.Op == protocol.OpHTTP {
			if u.Kind == protocol.KindSent {
				req = u.Frame.Data
			} else {
				answer = u.Frame.Data
			}
		}
	}
	if !strings.Contains(req, "/auth/login") || strings.Contains(req, tPassword) || !strings.Contains(answer, `"status":200`) {
		t.Fatalf("login frames:\n%s\n%s", req, answer)
	}
	// The JWT is masked wherever the endpoint is shown.
	for _, u := range ups {
		if u.Kind == protocol.KindState && strings.Contains(u.State.URL, "ey") {
			t.Fatalf("the token reached a state: %q", u.State.URL)
		}
	}
	// The subscriptions pane: one row per topic, the 3-part one explained.
	var note string
	for _, u := range ups {
		if u.Kind == protocol.KindSubscription && u.Subscription.ID == callTopic && u.Subscription.Status == "Active" {
			note = u.Subscription.Note
		}
	}
	if !strings.Contains(note, "twice") || !strings.Contains(note, hangTopic) {
		t.Fatalf("3-part note %q", note)
	}
}

// An access key goes in ?accesskey=, never ?token= (A2).
func TestAnAccessKeyIsSentAsAccesskey(t *testing.T) {
	srv := newVBServer(t)
	r := start(t, Config{Server: srv.url() + "/v1.0", AccessKey: tAccessKey, Topics: []string{hangTopic}})
	ups := r.c.waitFor(t, "live", livePhases(1))
	srv.mu.Lock()
	q := srv.queries[0]
	srv.mu.Unlock()
	if q != "accesskey="+tAccessKey {
		t.Fatalf("socket query %q", q)
	}
	for _, u := range ups {
		if u.Kind == protocol.KindState && (strings.Contains(u.State.URL, tAccessKey) || strings.Contains(dump([]protocol.Update{u}), tAccessKey)) {
			t.Fatalf("the access key reached a state: %s", dump([]protocol.Update{u}))
		}
	}
}

// Bad credentials end the session as a refusal (exit code 3), with
// VoIPBin's own statuses: a bare 400 from login, 401 from the upgrade.
func TestBadCredentialsAreARejection(t *testing.T) {
	srv := newVBServer(t)
	cases := []struct {
		name  string
		cfg   Config
		where string
		code  int
	}{
		{"wrong password", Config{Username: tUser, Password: "nope"}, "login", 400},
		{"not a JWT", Config{Token: "vb_" + tAccessKey}, "", 0},
		{"forged JWT", Config{Token: forged()}, "upgrade", 401},
		{"expired JWT", Config{Token: mint(tAgent, tCustomer, 0x20, "2020-01-01T00:00:00.000000Z")}, "upgrade", 401},
		{"unknown access key", Config{AccessKey: "vb_unknown"}, "upgrade", 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.Server, c.cfg.Topics = srv.url(), []string{callTopic}
			if c.where == "" { // not a JWT at all: refused before anything is sent
				if _, err := New(c.cfg); err == nil {
					t.Fatal("New accepted a token that is not a JWT")
				}
				return
			}
			r := start(t, c.cfg)
			err := r.result(t)
			var rej *session.RejectedError
			if !errors.As(err, &rej) || rej.Where != c.where || rej.Status != c.code {
				t.Fatalf("Run = %v, want a refusal at %s with %d", err, c.where, c.code)
			}
			if c.where == "upgrade" && rej.Code != "INVALID_CREDENTIALS" {
				t.Errorf("the 401's reason is lost: %+v", rej)
			}
			if n := count(r.c.snapshot(), isPhase(protocol.PhaseRejected)); n != 1 {
				t.Errorf("%d rejected states", n)
			}
		})
	}
}

// The server keeps nothing: after a drop every topic is subscribed again,
// and the outage is a window in which events may have been lost.
func TestADropIsFollowedByAResubscribeAndAnOutageWindow(t *testing.T) {
	srv := newVBServer(t)
	r := start(t, Config{Server: srv.url(), AccessKey: tAccessKey, Topics: []string{callTopic, hangTopic}})
	r.c.waitFor(t, "live", livePhases(1))
	srv.dropAll()
	ups := r.c.waitFor(t, "live again", livePhases(2))
	srv.waitFor("the topics subscribed again", func() bool {
		live := srv.live()
		return len(live) == 1 && slices.Equal(live[0].subs, []string{callTopic, hangTopic})
	})
	var gaps []*protocol.Gap
	for _, u := range ups {
		if u.Kind == protocol.KindGap {
			gaps = append(gaps, u.Gap)
		}
	}
	if len(gaps) != 1 || gaps[0].Missed != 0 || gaps[0].Start.IsZero() || gaps[0].End.Before(gaps[0].Start) || !strings.Contains(gaps[0].Reason, "may have been lost") {
		var b strings.Builder
		for _, u := range ups {
			switch u.Kind {
			case protocol.KindGap:
				fmt.Fprintf(&b, "\n  conn %d gap %s–%s %s", u.Conn, u.Gap.Start.Format("15:04:05.000"), u.Gap.End.Format("15:04:05.000"), u.Gap.Reason)
			case protocol.KindState:
				fmt.Fprintf(&b, "\n  conn %d %s %s %s", u.Conn, u.Time.Format("15:04:05.000"), u.State.Phase, u.State.Cause)
			}
		}
		t.Fatalf("want one outage window, got %d:%s", len(gaps), b.String())
	}
	n := srv.publish("call_hangup", tCall, tAgent, callJSON("hangup", "local", "normal", "2026-08-22T10:01:00Z"))
	r.c.waitFor(t, "events on the new connection", func(ups []protocol.Update) bool {
		k := 0
		for _, u := range ups {
			if u.Kind == protocol.KindEvent && u.Conn > 1 {
				k++
			}
		}
		return k == n
	})
}

// A topic the server refuses drops the connection without a close frame;
// evtap names the set that did it and subscribes the previous one again.
func TestARefusedTopicChangeIsNamedAndThePreviousSetRestored(t *testing.T) {
	srv := newVBServer(t)
	// An access key does not name its customer, so another customer's
	// topic passes the local check; the server refuses it. The quiet
	// delay is long enough that a loaded machine cannot make the drop
	// come after it (it comes within milliseconds).
	r := start(t, Config{Server: srv.url(), AccessKey: tAccessKey, Topics: []string{hangTopic}, QuietDelay: 500 * time.Millisecond})
	r.c.waitFor(t, "live", livePhases(1))
	if err := r.s.Do(protocol.Command{Kind: protocol.CmdSetFilters, Filters: []string{hangTopic, otherTopic}}); err != nil {
		t.Fatal(err)
	}
	ups := r.c.waitFor(t, "the refusal named", func(ups []protocol.Update) bool {
		for _, u := range ups {
			if u.Kind == protocol.KindError && u.Error.Where == "subscribe" {
				return true
			}
		}
		return false
	})
	var msg string
	for _, u := range ups {
		if u.Kind == protocol.KindError && u.Error.Where == "subscribe" && msg == "" {
			msg = u.Error.Message
		}
	}
	if !strings.Contains(msg, otherTopic) || !strings.Contains(msg, "previous topics ["+hangTopic+"]") {
		t.Fatalf("message %q", msg)
	}
	r.c.waitFor(t, "live again", livePhases(2))
	srv.waitFor("the previous set subscribed on the new connection", func() bool {
		live := srv.live()
		return len(live) == 1 && slices.Equal(live[0].subs, []string{hangTopic})
	})
	ups = r.c.waitFor(t, "the refused topic removed from the pane", func(ups []protocol.Update) bool {
		for _, u := range ups {
			if u.Kind == protocol.KindSubscription && u.Subscription.ID == otherTopic && u.Subscription.Status == "Removed" {
				return true
			}
		}
		return false
	})
	if count(ups, func(u protocol.Update) bool {
		return u.Kind == protocol.KindSubscription && u.Subscription.ID == otherTopic && u.Subscription.Error != nil
	}) != 1 {
		t.Fatal("the refused topic was not marked in the pane")
	}
}

// Validation first: a topic the server would refuse is never sent.
func TestATopicRefusedLocallyIsNeverSent(t *testing.T) {
	srv := newVBServer(t)
	r := start(t, Config{Server: srv.url(), Token: mint(tAgent, tCustomer, 0x20, "2099-01-01T00:00:00.000000Z"), Topics: []string{callTopic}})
	r.c.waitFor(t, "live", livePhases(1))
	_ = r.s.Do(protocol.Command{Kind: protocol.CmdSetFilters, Filters: []string{callTopic, "agent_id:" + tOther}})
	_ = r.s.Do(protocol.Command{Kind: protocol.CmdSetFilters, Filters: []string{callTopic, hangTopic}})
	ups := r.c.waitFor(t, "the second edit applied", livePhases(2))
	srv.waitFor("the valid edit", func() bool { return len(srv.frames) == 2 })
	srv.mu.Lock()
	frames := slices.Clone(srv.frames)
	srv.mu.Unlock()
	if strings.Contains(strings.Join(frames, "\n"), tOther) {
		t.Fatalf("the refused topic was sent: %q", frames)
	}
	var refusal string
	for _, u := range ups {
		if u.Kind == protocol.KindError && u.Error.Where == "command" {
			refusal = u.Error.Message
		}
	}
	if !strings.Contains(refusal, "agent id") || !strings.Contains(refusal, "topics not changed") {
		t.Fatalf("refusal %q", refusal)
	}
}

// Removing a topic sends an unsubscribe for it alone; nothing is
// resubscribed and the connection stays live.
func TestRemovingATopicUnsubscribesIt(t *testing.T) {
	srv := newVBServer(t)
	r := start(t, Config{Server: srv.url(), AccessKey: tAccessKey, Topics: []string{callTopic, hangTopic}})
	r.c.waitFor(t, "live", livePhases(1))
	_ = r.s.Do(protocol.Command{Kind: protocol.CmdSetFilters, Filters: []string{hangTopic}})
	srv.waitFor("the unsubscribe", func() bool {
		live := srv.live()
		return len(live) == 1 && slices.Equal(live[0].subs, []string{hangTopic})
	})
	n := srv.publish("call_hangup", tCall, tAgent, callJSON("hangup", "remote", "busy", "2026-08-22T10:00:09Z"))
	ups := r.c.waitFor(t, "the event", func(ups []protocol.Update) bool { return len(eventsOf(ups)) == n })
	if n != 1 || eventsOf(ups)[0].Duplicate || eventsOf(ups)[0].Subscription != hangTopic {
		t.Fatalf("%d frames; events %+v", n, eventsOf(ups))
	}
	srv.mu.Lock()
	last := srv.frames[len(srv.frames)-1]
	srv.mu.Unlock()
	if last != `{"type":"unsubscribe","topics":["`+callTopic+`"]}` {
		t.Fatalf("last frame %s", last)
	}
	if countTransitions(ups, protocol.PhaseSubscribing) != 1 {
		t.Fatal("an unsubscribe made the connection wait for the quiet delay again")
	}
}

// The server's pings are answered and shown: their count, the last one
// and the pong deadline; evtap's own pings measure the round trip.
func TestKeepaliveIsAnsweredAndShown(t *testing.T) {
	srv := newVBServer(t)
	r := start(t, Config{Server: srv.url(), AccessKey: tAccessKey, Topics: []string{callTopic}})
	ups := r.c.waitFor(t, "pings in the context pane", func(ups []protocol.Update) bool {
		for _, u := range ups {
			if u.Kind != protocol.KindState {
				continue
			}
			for _, f := range u.State.Context {
				if f.Label == "Server pings" && !strings.HasPrefix(f.Value, "0 ") && !strings.HasPrefix(f.Value, "1 ") {
					return true
				}
			}
		}
		return false
	})
	var last, deadline protocol.Field
	for _, u := range ups {
		if u.Kind == protocol.KindState {
			for _, f := range u.State.Context {
				switch f.Label {
				case "No ping":
					last = f
				case "Pong deadline":
					deadline = f
				}
			}
		}
	}
	if last.At.IsZero() || deadline.At.Sub(last.At) != 2*time.Second {
		t.Fatalf("last ping %+v, deadline %+v", last, deadline)
	}
	r.c.waitFor(t, "a round trip", func(ups []protocol.Update) bool {
		return count(ups, func(u protocol.Update) bool { return u.Kind == protocol.KindHeartbeat }) > 0
	})
	srv.waitFor("pongs", func() bool {
		n := 0
		for _, c := range srv.conns {
			n += c.pongs
		}
		return n > 0
	})
}

// Configurations that cannot work are refused before anything is sent.
func TestConfigurationErrors(t *testing.T) {
	srv := newVBServer(t)
	tok := mint(tAgent, tCustomer, 0x20, "2099-01-01T00:00:00.000000Z")
	plain := mint(tAgent, tCustomer, 0x10, "2099-01-01T00:00:00.000000Z")
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no credential", Config{}, "no credential"},
		{"two credentials", Config{Token: tok, AccessKey: tAccessKey}, "one credential"},
		{"half a login", Config{Username: tUser}, "both --username and --password"},
		{"a JWT as access key", Config{AccessKey: tok}, "pass it as --token"},
		{"an access key as token", Config{Token: tAccessKey}, "--accesskey"},
		{"an access key without topics", Config{AccessKey: tAccessKey}, "no topics"},
		{"a bad topic", Config{Token: tok, Topics: []string{"customer_id:nope"}}, "not a UUID"},
		{"a plain agent's customer topic", Config{Token: plain, Topics: []string{callTopic}}, "permission"},
		{"a bad server", Config{Server: "ftp://x", Token: tok}, "server URL"},
	}
	for _, c := range cases {
		if c.cfg.Server == "" {
			c.cfg.Server = srv.url()
		}
		_, err := New(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.queries) != 0 || srv.logins != 0 {
		t.Fatal("something was sent")
	}
}

// After a login the claims are known: topics the agent may not subscribe
// are refused before the socket is opened.
func TestTopicsAreCheckedAgainstTheLoginsClaims(t *testing.T) {
	srv := newVBServer(t)
	r := start(t, Config{Server: srv.url(), Username: tUser, Password: tPassword, Topics: []string{otherTopic}})
	var rej *session.RejectedError
	if err := r.result(t); !errors.As(err, &rej) || rej.Where != "topics" || !strings.Contains(rej.Message, "customer") {
		t.Fatalf("Run = %v", err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.logins != 1 || len(srv.queries) != 0 {
		t.Fatalf("logins %d, upgrades %d", srv.logins, len(srv.queries))
	}
}

// Without topics, a login subscribes the defaults for its permission.
func TestDefaultTopicsFollowTheCredential(t *testing.T) {
	srv := newVBServer(t)
	r := start(t, Config{Server: srv.url(), Username: tUser, Password: tPassword})
	r.c.waitFor(t, "live", livePhases(1))
	srv.waitFor("the defaults", func() bool {
		live := srv.live()
		return len(live) == 1 && len(live[0].subs) > 0 && slices.Contains(live[0].subs, callTopic+":call_")
	})
	// Each default topic gets every event of its resource once.
	n := srv.publish("call_ringing", tCall, tAgent, callJSON("ringing", "", "", "2026-08-22T10:00:01Z"))
	ups := r.c.waitFor(t, "the event", func(ups []protocol.Update) bool { return len(eventsOf(ups)) == n })
	if n != 1 || eventsOf(ups)[0].Duplicate {
		t.Fatalf("%d frames for one event under the default topics", n)
	}
}

// forged is a well-formed JWT with a signature the server's key did not
// make.
func forged() string {
	tok := mint(tAgent, tCustomer, 0x20, "2099-01-01T00:00:00.000000Z")
	return tok[:strings.LastIndexByte(tok, '.')] + ".Zm9yZ2Vk"
}

// A login whose token has expired is done again before the next dial
// (the upgrade of an expired token is refused, A2).
func TestAnExpiredLoginTokenIsRenewedBeforeTheNextDial(t *testing.T) {
	srv := newVBServer(t)
	srv.expire = "2020-01-01T00:00:00.000000Z" // every token it mints is already stale
	r := start(t, Config{Server: srv.url(), Username: tUser, Password: tPassword, Topics: []string{callTopic}})
	var rej *session.RejectedError
	if err := r.result(t); !errors.As(err, &rej) || rej.Where != "upgrade" {
		t.Fatalf("Run = %v", err)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if srv.logins != 2 || len(srv.queries) != 2 {
		t.Fatalf("logins %d, upgrades %d: want a fresh login before the second dial", srv.logins, len(srv.queries))
	}
}

// A replay runs the decoder again over the recorded frames and states:
// it must derive exactly what the live session derived, round trips
// included (protocol.WithPings, as the engine and the registry wrap it).
func TestAReplayDerivesWhatTheLiveSessionDerived(t *testing.T) {
	srv := newVBServer(t)
	r := start(t, Config{Server: srv.url(), AccessKey: tAccessKey, Topics: []string{callTopic, hangTopic}})
	r.c.waitFor(t, "live", livePhases(1))
	n := srv.publish("call_hangup", tCall, tAgent, callJSON("hangup", "remote", "normal", "2026-08-22T10:00:09Z"))
	// Cut only once they arrived: a close with unread data is a reset,
	// and a reset may discard what the client has not read yet.
	r.c.waitFor(t, "the first events", func(ups []protocol.Update) bool { return len(eventsOf(ups)) == n })
	srv.dropAll()
	r.c.waitFor(t, "live again", livePhases(2))
	srv.publish("call_ringing", tCall, tAgent, callJSON("ringing", "", "", "2026-08-22T10:01:00Z"))
	ups := r.c.waitFor(t, "4 events", func(ups []protocol.Update) bool { return len(eventsOf(ups)) == 4 })

	var live, replayed []protocol.Update
	d := protocol.WithPings(vb.NewDecoder())
	for _, u := range ups {
		if protocol.Derived(&u) {
			live = append(live, u)
			continue
		}
		var raw []byte
		if u.Frame != nil && u.Frame.Enc == "" {
			raw = []byte(u.Frame.Data)
		}
		before := len(replayed)
		replayed, _ = d.Decode(replayed, &u, raw)
		for i := before; i < len(replayed); i++ {
			replayed[i].Time, replayed[i].Offset, replayed[i].Conn = u.Time, u.Offset, u.Conn
		}
	}
	if a, b := dump(live), dump(replayed); a != b {
		t.Fatalf("live derived:\n%s\nreplay derived:\n%s", a, b)
	}
}

package ringcentral_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/session"
	"github.com/evtap/evtap/session/ringcentral"
	sim "github.com/evtap/evtap/sim/ringcentral"
)

// clock is a settable clock for the emulator.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// expiringTokens makes every ws token (or only the first, once) expire
// before the client can use it, by moving the emulator's clock past its
// lifetime right after it is issued.
func expiringTokens(c *clock, onlyFirst bool) func(*ringcentral.Config) {
	return func(cfg *ringcentral.Config) {
		var once sync.Once
		g := &gate{next: http.DefaultTransport}
		g.afterWSToken = func() {
			if onlyFirst {
				once.Do(func() { c.advance(sim.DefaultWSTokenTTL + time.Second) })
				return
			}
			c.advance(sim.DefaultWSTokenTTL + time.Second)
		}
		cfg.HTTPClient = &http.Client{Transport: g, Timeout: 5 * time.Second}
	}
}

// Rule: a ws token that expired before the upgrade is refused with the
// server's words; the client shows the refusal, gets a fresh token and
// connects.
func TestExpiredWSTokenIsReplaced(t *testing.T) {
	c := &clock{t: time.Now()}
	r := start(t, sim.Config{Now: c.now}, expiringTokens(c, true))
	ups := r.out.waitFor("live", isLive)
	d := stateOf(ups, protocol.PhaseDropped)
	if d == nil || d.HTTPStatus != http.StatusUnauthorized || !strings.Contains(d.Cause, "expired") {
		t.Fatalf("want a dropped state with 401 and the server's message, got %+v", d)
	}
	if r.sim.Counters().Refused != 1 {
		t.Errorf("emulator refused %d upgrades, want 1", r.sim.Counters().Refused)
	}
}

// Rule: an upgrade refused again with a fresh token is final: Run
// returns a RejectedError with the status and message (exit code 3).
func TestUpgradeRefusedTwiceIsRejected(t *testing.T) {
	c := &clock{t: time.Now()}
	r := start(t, sim.Config{Now: c.now}, expiringTokens(c, false))
	err := r.result(t)
	var rej *session.RejectedError
	if !errors.As(err, &rej) || rej.Status != http.StatusUnauthorized || rej.Where != "upgrade" || !strings.Contains(rej.Message, "expired") {
		t.Fatalf("Run = %v, want a rejected upgrade with 401", err)
	}
	ups := r.out.snapshot()
	if p := phases(ups); p[len(p)-2] != protocol.PhaseRejected || p[len(p)-1] != protocol.PhaseClosed {
		t.Errorf("phases end %v, want rejected, closed", p)
	}
	if n := r.sim.Counters().Refused; n != 2 {
		t.Errorf("%d upgrades refused, want 2 (one retry with a fresh token)", n)
	}
}

// Rule: a credential the token endpoint refuses ends the run at once,
// with the server's message; it is never retried.
func TestBadCredentialIsFinal(t *testing.T) {
	r := start(t, sim.Config{}, func(c *ringcentral.Config) { c.JWT = "not-the-jwt" })
	err := r.result(t)
	var rej *session.RejectedError
	if !errors.As(err, &rej) || rej.Where != "token" || rej.Status != http.StatusBadRequest || !strings.Contains(rej.Message, "Invalid JWT") {
		t.Fatalf("Run = %v, want the token endpoint's refusal", err)
	}
	if hasPhase(protocol.PhaseBackoff)(r.out.snapshot()) {
		t.Error("a refused credential was retried")
	}
}

// Rule: with MaxRetries, Run gives up after that many consecutive failed
// attempts, publishing every backoff with its attempt and countdown.
func TestGivesUpAfterMaxRetries(t *testing.T) {
	r := start(t, sim.Config{}, func(c *ringcentral.Config) {
		c.Server = "http://127.0.0.1:1" // nothing listens there
		c.MaxRetries = 3
	})
	err := r.result(t)
	if !errors.Is(err, session.ErrGaveUp) || !strings.Contains(err.Error(), "connect") {
		t.Fatalf("Run = %v, want ErrGaveUp with the cause", err)
	}
	var attempts []int
	for _, u := range r.out.snapshot() {
		if s := u.State; s != nil && s.Phase == protocol.PhaseBackoff {
			attempts = append(attempts, s.Attempt)
			if s.Until.Before(u.Time) || s.Delay.Duration() > 40*time.Millisecond || s.Cause == "" {
				t.Errorf("backoff state %+v", s)
			}
		}
	}
	if len(attempts) != 2 || attempts[0] != 1 || attempts[1] != 2 {
		t.Errorf("backoff attempts %v, want [1 2]", attempts)
	}
}

// Rule: a transient refusal (HTTP 503 on the token call of a reconnect)
// is reported and retried, not final.
func TestTransientTokenFailureIsRetried(t *testing.T) {
	r := start(t, sim.Config{}, nil)
	r.out.waitFor("live", isLive)
	mark := len(r.out.snapshot())
	r.sim.RefuseNextToken()
	r.sim.Drop("")
	ups := r.out.waitFor("live again", after(mark, func(ups []protocol.Update) bool {
		return hasPhase(protocol.PhaseBackoff)(ups) && isLive(ups) && len(phases(ups)) > 3
	}))
	var sawRefusal bool
	for _, u := range ups[mark:] {
		if u.Error != nil && strings.Contains(u.Error.Message, "503") {
			sawRefusal = true
		}
	}
	if !sawRefusal {
		t.Errorf("the 503 was not reported:\n%s", dump(ups[mark:]))
	}
}

// Rule: the token and wstoken calls go through the engine's REST helper:
// each is published as a sent and a received http frame, in order before
// the dial, with the client's JWT and Basic credentials masked and the
// server's answer as it came.
func TestTokenCallsArePublishedWithCredentialsMasked(t *testing.T) {
	r := start(t, sim.Config{}, nil)
	ups := r.out.waitFor("live", isLive)
	var calls []string
	for _, u := range ups {
		if u.Frame == nil || u.Frame.Op != protocol.OpHTTP {
			continue
		}
		if strings.Contains(u.Frame.Data, sim.DemoJWT) || strings.Contains(u.Frame.Data, sim.DemoClientSecret) {
			t.Errorf("a credential in %s", u.Frame.Data)
		}
		switch u.Kind {
		case protocol.KindSent:
			var req protocol.HTTPRequest
			if err := json.Unmarshal([]byte(u.Frame.Data), &req); err != nil {
				t.Fatal(err)
			}
			calls = append(calls, req.Method+" "+req.URL[strings.Index(req.URL, "/restapi"):])
			if a := req.Header["Authorization"]; !strings.HasSuffix(a, " "+session.Mask) {
				t.Errorf("%s: Authorization %q, want it masked", req.URL, req.Header["Authorization"])
			}
		case protocol.KindRecv:
			var resp protocol.HTTPResponse
			if err := json.Unmarshal([]byte(u.Frame.Data), &resp); err != nil {
				t.Fatal(err)
			}
			if resp.Status != 200 || !strings.Contains(resp.Body, "token") {
				t.Errorf("answer %+v", resp)
			}
		}
	}
	if want := []string{"POST /restapi/oauth/token", "POST /restapi/oauth/wstoken"}; strings.Join(calls, ",") != strings.Join(want, ",") {
		t.Errorf("REST calls %q, want %q", calls, want)
	}
}

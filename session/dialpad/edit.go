package dialpad

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/protocol/dialpad"
	"github.com/evtap/evtap/session"
)

// SetFilters replaces the subscriptions with the ones the lines ask for
// (the --subscribe syntax, one per line). Every line is checked first;
// the changes then go to the server in the background, one REST exchange
// at a time: creations, then updates, then deletions (or, for a
// subscription the session did not create, disabling it). A refusal stops
// the rest; what the server already changed stays changed and is shown.
func (p *Provider) SetFilters(l session.Link, lines []string) error {
	var want []dialpad.Spec
	for i, line := range lines {
		if strings.TrimSpace(line) == "" {
			continue
		}
		s, err := dialpad.ParseSpec(line)
		if err != nil {
			return fmt.Errorf("subscriptions: line %d: %w", i+1, err)
		}
		want = append(want, s)
	}
	p.mu.Lock()
	if l == nil {
		l = p.last
	}
	if p.ws == "" || l == nil {
		// Nothing exists on the server yet: the set-up creates these.
		p.todo = want
		p.mu.Unlock()
		return nil
	}
	p.mu.Unlock()
	go p.apply(l, want)
	return nil
}

// step is one REST change of an edit.
type step struct {
	op   string // "create", "update", "delete", "disable"
	spec dialpad.Spec
}

func (s step) String() string {
	switch s.op {
	case "create":
		return "create " + s.spec.String()
	case "update":
		return "update " + s.spec.String()
	}
	return s.op + " " + dialpad.SubscriptionKey(s.spec.Type, s.spec.ID)
}

// apply carries out an edit.
func (p *Provider) apply(l session.Link, want []dialpad.Spec) {
	p.edit.Lock()
	defer p.edit.Unlock()
	p.mu.Lock()
	ws := p.ws
	steps := p.plan(want)
	p.mu.Unlock()
	if len(steps) == 0 {
		return
	}
	ctx := context.Background() // each exchange is bounded by the engine's REST timeout
	for i, st := range steps {
		if err := p.do(ctx, l, st, ws); err != nil {
			msg := fmt.Sprintf("%s: %v; %d of %d change(s) applied", st, err, i, len(steps))
			if rest := len(steps) - i - 1; rest > 0 {
				msg += ", " + strconv.Itoa(rest) + " not sent: " + describe(steps[i+1:])
			}
			l.Emit(protocol.Update{Kind: protocol.KindError, Error: &protocol.Error{Where: "subscriptions", Message: msg}})
			return
		}
	}
}

func describe(steps []step) string {
	var w []string
	for _, s := range steps {
		w = append(w, s.String())
	}
	return strings.Join(w, "; ")
}

// do carries out one step and records the server's answer.
func (p *Provider) do(ctx context.Context, l session.Link, st step, ws string) error {
	k := dialpad.SubscriptionKey(st.spec.Type, st.spec.ID)
	switch st.op {
	case "delete":
		if err := p.deleteSubscription(ctx, l, st.spec.Type, st.spec.ID); err != nil {
			return err
		}
		p.mu.Lock()
		p.drop(k)
		p.mu.Unlock()
		return nil
	case "disable":
		st.spec.Disabled = true
	}
	sp, err := p.saveSubscription(ctx, l, st.spec, ws)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.record(st.spec.Type, &sp, st.op == "create")
	p.mu.Unlock()
	return nil
}

// plan is the steps that turn the subscriptions on the websocket into
// want. A line with id= names an existing subscription (updated if it
// changed; created anew, and the old one removed, if a PATCH cannot say
// the change); a line without one is matched to an existing subscription
// asking for the same, else created. What no line claims is deleted if
// the session created it, else disabled. Caller holds mu.
func (p *Provider) plan(want []dialpad.Spec) []step {
	claimed := map[string]bool{}
	var creates, updates, removes []step
	var loose []dialpad.Spec
	for _, w := range want {
		if w.ID == "" {
			loose = append(loose, w)
			continue
		}
		k := dialpad.SubscriptionKey(w.Type, w.ID)
		cur, ok := p.subs[k]
		switch {
		case !ok:
			updates = append(updates, step{"update", w}) // attach an existing one
			claimed[k] = true
		case cur.spec.Same(w):
			claimed[k] = true
		case cur.spec.Patchable(w):
			updates = append(updates, step{"update", w})
			claimed[k] = true
		default:
			c := w
			c.ID = ""
			creates = append(creates, step{"create", c})
		}
	}
	for _, w := range loose {
		i := slices.IndexFunc(p.order, func(k string) bool { return !claimed[k] && p.subs[k].spec.Same(w) })
		if i >= 0 {
			claimed[p.order[i]] = true
			continue
		}
		creates = append(creates, step{"create", w})
	}
	for _, k := range p.order {
		s := p.subs[k]
		switch {
		case claimed[k]:
		case s.created:
			removes = append(removes, step{"delete", s.spec})
		case !s.spec.Disabled:
			removes = append(removes, step{"disable", s.spec})
		}
	}
	return slices.Concat(creates, updates, removes)
}

// End deletes what the session created, subscriptions first, unless
// Config.Keep; what could not be deleted is named in an error Update.
func (p *Provider) End(ctx context.Context, l session.Link) {
	if p.cfg.Keep {
		return
	}
	p.edit.Lock()
	defer p.edit.Unlock()
	p.mu.Lock()
	var mine []dialpad.Spec
	for _, k := range p.order {
		if s := p.subs[k]; s.created {
			mine = append(mine, s.spec)
		}
	}
	ws, createdWS := p.ws, p.createdWS
	p.mu.Unlock()

	var left []string
	for i := len(mine) - 1; i >= 0; i-- {
		s := mine[i]
		if err := p.deleteSubscription(ctx, l, s.Type, s.ID); err != nil && status(err) != 404 {
			left = append(left, dialpad.SubscriptionKey(s.Type, s.ID)+" ("+err.Error()+")")
		}
	}
	if createdWS {
		if err := p.call(ctx, l, "delete websocket", "DELETE", dialpad.WebsocketPath(ws), nil, nil); err != nil && status(err) != 404 {
			left = append(left, dialpad.WebsocketKey(ws)+" ("+err.Error()+")")
		}
	}
	if len(left) > 0 {
		l.Emit(protocol.Update{Kind: protocol.KindError, Error: &protocol.Error{Where: "end",
			Message: "left on the account (delete by hand, or run again with --websocket): " + strings.Join(left, "; ")}})
	}
}

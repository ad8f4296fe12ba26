package dialpad

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/evtap/evtap/protocol"
)

// Config is what a Decoder is told rather than reads from the stream.
type Config struct {
	// Secret verifies signed frames until the server names the
	// websocket's secret in an answer (which it echoes in signature.secret
	// on create, get and update). Given, it also means signed frames are
	// expected: a plain JSON frame is then marked unsigned.
	Secret string
}

// Delivered is the Decoder's message for an event frame: the connection
// it came on is delivering, which the session reports as Working.
type Delivered struct{}

// dupWindow is how many event identities the Decoder remembers for
// de-duplication: far more than a rotation's overlap can deliver twice.
const dupWindow = 4096

// maxPending bounds the requests kept while their answers are awaited.
const maxPending = 256

// Decoder is Dialpad's protocol.Decoder: one pass over every Update of a
// session, a replay or an import. It turns text frames into events (plain
// JSON or HS256-signed JWTs, verified), REST answers about the websocket
// and its subscriptions into subscription Updates, the second delivery of
// an event into a Duplicate, and the times no connection was delivering
// into outage Gaps. It reads no clock; it is not safe for concurrent
// use.
type Decoder struct {
	cfg Config

	websocket    string // the session's websocket id, from its answers
	serverSecret string // the secret the server last echoed; "" unknown
	secretNote   string // what changed about the secret, for the pane

	subs  map[string]*tracked // by SubscriptionKey
	order []string

	pending map[int]pendingRequest
	seen    seenSet
	outages protocol.Outages
}

// tracked is a subscription as the server last described it.
type tracked struct {
	spec      Spec
	websocket string // the websocket it is attached to; "" unknown or a webhook
}

// pendingRequest is a REST request whose answer has not come yet.
type pendingRequest struct {
	body string
}

// NewDecoder returns a Decoder for one session, replay or import.
func NewDecoder(cfg Config) *Decoder {
	return &Decoder{cfg: cfg, subs: map[string]*tracked{}, pending: map[int]pendingRequest{}}
}

// Decode implements protocol.Decoder.
func (d *Decoder) Decode(dst []protocol.Update, u *protocol.Update, raw []byte) ([]protocol.Update, any) {
	if g := d.outages.Observe(u); g != nil {
		dst = append(dst, protocol.Update{Kind: protocol.KindGap, Gap: g})
	}
	f := u.Frame
	if f == nil || (u.Kind != protocol.KindRecv && u.Kind != protocol.KindSent) {
		return dst, nil
	}
	if raw == nil && f.Enc == "" {
		raw = []byte(f.Data)
	}
	switch {
	case f.Op == protocol.OpHTTP && u.Kind == protocol.KindSent:
		d.request(raw)
	case f.Op == protocol.OpHTTP:
		dst = d.answer(dst, raw)
	case u.Kind == protocol.KindRecv && f.Op == protocol.OpText:
		return d.frame(dst, u, raw)
	case u.Kind == protocol.KindRecv && f.Op == protocol.OpBinary:
		dst = decodeError(dst, "a binary frame: Dialpad sends events as text")
	}
	return dst, nil
}

// secret is the one signed frames are verified with now: the server's,
// once it has named one, else the one evtap was given.
func (d *Decoder) secret() string {
	if d.serverSecret != "" {
		return d.serverSecret
	}
	return d.cfg.Secret
}

// expectSigned says whether a plain frame is a problem: a secret is
// known, from the server or from the user.
func (d *Decoder) expectSigned() bool {
	return d.cfg.Secret != "" || d.serverSecret != ""
}

// frame decodes one received text frame into an event.
func (d *Decoder) frame(dst []protocol.Update, u *protocol.Update, raw []byte) ([]protocol.Update, any) {
	text := bytes.TrimSpace(raw)
	var payload []byte
	var seal *protocol.Seal
	switch {
	case len(text) > 0 && text[0] == '{':
		payload = text
		u.Frame.Type = "event"
		if d.expectSigned() {
			seal = &protocol.Seal{Via: SealVia, Problem: "unsigned: a plain JSON frame where a signed one was expected"}
		}
	case LooksLikeJWS(text):
		j, err := ParseJWS(string(text))
		if err != nil {
			return decodeError(dst, "a signed frame that cannot be read: "+err.Error()), nil
		}
		payload = j.Payload
		u.Frame.Type = "signed event"
		problem := j.Verify(d.secret())
		seal = &protocol.Seal{Via: SealVia, OK: problem == "", Problem: problem}
	default:
		return decodeError(dst, fmt.Sprintf("not an event (neither JSON nor a signed JWT): %q", clip(string(text), 80))), nil
	}
	sum, err := Summarize(payload)
	if err != nil {
		return decodeError(dst, "the event is not a JSON object: "+err.Error()), nil
	}
	ev := &protocol.Event{
		Provider:     ProviderName,
		ID:           sum.ID,
		Name:         string(sum.Kind),
		Label:        sum.Label,
		Summary:      sum.Text,
		Duplicate:    d.seen.add(sum.Identity),
		Subscription: d.match(sum),
		Timestamp:    sum.Timestamp,
		Seal:         seal,
		Body:         json.RawMessage(bytes.Clone(payload)),
	}
	return append(dst, protocol.Update{Kind: protocol.KindEvent, Event: ev}), Delivered{}
}

func decodeError(dst []protocol.Update, msg string) []protocol.Update {
	return append(dst, protocol.Update{Kind: protocol.KindError, Error: &protocol.Error{Where: protocol.WhereDecode, Message: msg}})
}

// match names the subscription an event came through: among the
// subscriptions of its kind on the session's websocket, enabled, the
// first whose settings let it through (states, direction, target), else
// the only one of its kind. Dialpad does not say; this is for counting.
func (d *Decoder) match(s Summary) string {
	var only, first string
	n := 0
	for _, k := range d.order {
		t := d.subs[k]
		if t.spec.Disabled || (d.websocket != "" && t.websocket != d.websocket) {
			continue
		}
		want := t.spec.Type == s.Kind
		if s.Kind == "" {
			want = t.spec.Type == TypeContact || t.spec.Type == TypeChangelog
		}
		if !want {
			continue
		}
		n++
		only = k
		if first == "" && t.spec.passes(s) {
			first = k
		}
	}
	if first != "" {
		return first
	}
	if n == 1 {
		return only
	}
	return ""
}

// passes reports whether an event of the subscription's kind gets
// through its settings.
func (s Spec) passes(e Summary) bool {
	if s.TargetType != "" && (s.TargetType != e.TargetType || s.TargetID != e.TargetID) {
		return false
	}
	switch s.Type {
	case TypeCall:
		st := normStates(s.States)
		return st[0] == "all" || slices.Contains(st, e.State)
	case TypeSMS:
		if e.Internal && !s.IncludeInternal {
			return false
		}
		return s.Direction == "all" || s.Direction == "" || s.Direction == e.Direction
	}
	return true
}

// request remembers a REST request's body until its answer, to show what
// was asked for if the server refuses it.
func (d *Decoder) request(raw []byte) {
	var r protocol.HTTPRequest
	if json.Unmarshal(raw, &r) != nil {
		return
	}
	if len(d.pending) >= maxPending {
		clear(d.pending) // answers that never came
	}
	d.pending[r.ID] = pendingRequest{body: r.Body}
}

// answer turns a REST answer about the websocket or a subscription into
// subscription Updates.
func (d *Decoder) answer(dst []protocol.Update, raw []byte) []protocol.Update {
	var r protocol.HTTPResponse
	if json.Unmarshal(raw, &r) != nil {
		return dst
	}
	req := d.pending[r.ID]
	delete(d.pending, r.ID)
	res, ok := ParseResource(r.URL)
	if !ok || r.Status == 0 {
		return dst // not ours, or no answer came (the frame says why)
	}
	if r.Status/100 != 2 {
		return append(dst, d.refusal(r, res, req))
	}
	if r.Status == 204 || strings.TrimSpace(r.Body) == "" {
		return dst // an empty page of a list
	}
	switch {
	case res.Websocket && res.ID == "" && r.Method == "GET":
		var c WebsocketCollection
		if json.Unmarshal([]byte(r.Body), &c) == nil {
			for i := range c.Items {
				if d.websocket != "" && string(c.Items[i].ID) == d.websocket {
					dst = append(dst, d.websocketUpdate(&c.Items[i]))
				}
			}
		}
	case res.Websocket && r.Method == "DELETE":
		dst = append(dst, removed(WebsocketKey(res.ID)))
	case res.Websocket:
		var w WebsocketProto
		if json.Unmarshal([]byte(r.Body), &w) == nil && w.ID != "" {
			d.websocket = string(w.ID)
			dst = append(dst, d.websocketUpdate(&w))
		}
	case res.ID == "" && r.Method == "GET":
		var c SubscriptionCollection
		if json.Unmarshal([]byte(r.Body), &c) == nil {
			for i := range c.Items {
				p := &c.Items[i]
				ws, isWS := p.EndpointID()
				k := SubscriptionKey(res.Type, string(p.ID))
				_, known := d.subs[k]
				switch {
				case p.ID == "":
				case d.websocket != "" && isWS && ws == d.websocket:
					dst = append(dst, d.subscriptionUpdate(res.Type, p))
				case known:
					dst = append(dst, d.forget(k))
				}
			}
		}
	case r.Method == "DELETE":
		dst = append(dst, d.forget(SubscriptionKey(res.Type, res.ID)))
	default:
		var p SubscriptionProto
		if json.Unmarshal([]byte(r.Body), &p) == nil {
			if p.ID == "" {
				p.ID = ID(res.ID)
			}
			if p.ID != "" {
				dst = append(dst, d.subscriptionUpdate(res.Type, &p))
			}
		}
	}
	return dst
}

// websocketUpdate is the websocket entity as a subscription Update: its
// id, whether events are signed, and what changed about the secret.
func (d *Decoder) websocketUpdate(w *WebsocketProto) protocol.Update {
	status := "unsigned: events come as plain JSON"
	switch {
	case w.Signature == nil || w.Signature.Secret == "" && w.Signature.Algo == "":
		if d.cfg.Secret != "" {
			d.secretNote = "the websocket has no secret, but one was given: plain frames are marked unsigned"
		}
	default:
		algo := w.Signature.Algo
		if algo == "" {
			algo = "HS256"
		}
		status = "signed: " + clean(algo, 10) + " " + clean(w.Signature.Type, 10)
		if s := w.Signature.Secret; s != "" && !strings.HasPrefix(s, redactedPrefix) {
			switch {
			case d.serverSecret != "" && s != d.serverSecret:
				d.secretNote = "the secret was changed: frames signed with the old one fail verification"
			case d.serverSecret == "" && d.cfg.Secret != "" && s != d.cfg.Secret:
				d.secretNote = "the server's secret is not the one given: frames are verified with the server's"
			}
			d.serverSecret = s
		}
	}
	return protocol.Update{Kind: protocol.KindSubscription, Subscription: &protocol.Subscription{
		ID: WebsocketKey(string(w.ID)), Status: status, Transport: "websocket", Note: d.secretNote,
	}}
}

// redactedPrefix starts the placeholders a recording writes for secrets
// (record.PlaceholderPrefix): a replayed answer's secret is not one.
const redactedPrefix = "REDACTED-"

// subscriptionUpdate records a subscription the server described and
// makes its Update.
func (d *Decoder) subscriptionUpdate(t Type, p *SubscriptionProto) protocol.Update {
	spec := SpecOf(t, p)
	ws, isWS := p.EndpointID()
	k := SubscriptionKey(t, spec.ID)
	tr, ok := d.subs[k]
	if !ok {
		tr = &tracked{}
		d.subs[k] = tr
		d.order = append(d.order, k)
	}
	tr.spec = spec
	tr.websocket = ""
	if isWS {
		tr.websocket = ws
	}
	sub := &protocol.Subscription{ID: k, Status: "enabled", Requested: []string{spec.String()}, Transport: "websocket " + ws}
	if spec.Disabled {
		sub.Status = "disabled"
	}
	if set := spec.Settings(); set != "" {
		sub.Filters = []string{set}
	}
	switch {
	case !isWS && ws != "":
		sub.Transport, sub.Note = "webhook "+ws, "sends to a webhook, not to this websocket"
	case ws == "":
		sub.Transport = ""
	case d.websocket != "" && ws != d.websocket:
		sub.Note = "attached to websocket " + ws + ", not this session's " + d.websocket
	}
	return protocol.Update{Kind: protocol.KindSubscription, Subscription: sub}
}

// forget drops a subscription the server deleted (or moved away).
func (d *Decoder) forget(k string) protocol.Update {
	if _, ok := d.subs[k]; ok {
		delete(d.subs, k)
		for i, o := range d.order {
			if o == k {
				d.order = append(d.order[:i], d.order[i+1:]...)
				break
			}
		}
	}
	return removed(k)
}

func removed(k string) protocol.Update {
	return protocol.Update{Kind: protocol.KindSubscription, Subscription: &protocol.Subscription{ID: k, Status: "Removed"}}
}

// refusal is a refused REST call as a subscription Update with Error:
// the subscriptions in force stay as they were.
func (d *Decoder) refusal(r protocol.HTTPResponse, res Resource, req pendingRequest) protocol.Update {
	path := r.URL
	if u, err := url.Parse(r.URL); err == nil {
		path = u.Path
	}
	msg := r.Method + " " + clean(path, 80) + ": "
	switch text := ErrorText(r.Body); {
	case r.Status == 429:
		msg += "rate limited"
		if s := RetryAfter(r.Header); s > 0 {
			msg += ", retry after " + strconv.Itoa(s) + "s"
		}
		if text != "" {
			msg += " (" + text + ")"
		}
	case text != "":
		msg += text
	case r.Status == 401:
		msg += "the API key was refused"
	case r.Status == 404:
		msg += "no such " + resourceNoun(res)
	default:
		msg += "refused"
	}
	sub := &protocol.Subscription{ID: res.Key(), Error: &protocol.APIError{Status: r.Status, Message: msg}}
	if !res.Websocket && req.body != "" && (r.Method == "POST" || r.Method == "PATCH") {
		spec := SpecOfBody(res.Type, []byte(req.body))
		spec.ID = res.ID
		sub.Requested = []string{spec.String()}
	}
	return protocol.Update{Kind: protocol.KindSubscription, Subscription: sub}
}

func resourceNoun(r Resource) string {
	if r.Websocket {
		return "websocket"
	}
	return string(r.Type) + " subscription"
}

// seenSet remembers the last dupWindow identities, oldest evicted first.
type seenSet struct {
	ring []string
	next int
	set  map[string]struct{}
}

// add records id and reports whether it was already there.
func (s *seenSet) add(id string) bool {
	if s.set == nil {
		s.set = make(map[string]struct{}, dupWindow)
		s.ring = make([]string, dupWindow)
	}
	if _, ok := s.set[id]; ok {
		return true
	}
	if old := s.ring[s.next]; old != "" {
		delete(s.set, old)
	}
	s.ring[s.next] = id
	s.next = (s.next + 1) % dupWindow
	s.set[id] = struct{}{}
	return false
}

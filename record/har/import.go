package har

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

// Matcher recognises one provider's sockets in a HAR capture, and
// decodes them. The registry supplies one per provider.
type Matcher struct {
	Provider string
	// Match reports whether a socket is this provider's, from its URL
	// and the first text frame it received (nil when none).
	Match func(url string, firstReceived []byte) bool
	// Decoder makes the provider's decoder; nil imports frames only.
	Decoder func() protocol.Decoder
}

// ImportOptions say how to recognise providers.
type ImportOptions struct {
	// Matchers are tried in order on each socket; the first socket one
	// claims names the capture's provider.
	Matchers []Matcher
	// Default is used when no matcher claims any socket (evtap's raw
	// WebSocket provider); nil leaves the provider unnamed and the
	// frames undecoded.
	Default *Matcher
}

// Imported is a HAR capture turned into the Updates of a recording.
type Imported struct {
	Provider string // the matcher's provider, or "" when none claimed the capture
	Endpoint string // scheme and host of the first socket
	URL      string // the first socket's URL
	Start    time.Time
	// Updates are the recording's: each socket's URL as dialing and
	// upgraded states, every frame (sent and received, text, binary,
	// close, ping, pong), REST exchanges as http frames, and what the
	// provider's decoder derives from them, in time order.
	Updates []protocol.Update
	// Warnings are what was skipped (a message of an unknown kind).
	Warnings []string
}

// maxHARBytes bounds the capture read into memory.
const maxHARBytes = 1 << 30

// Import reads a HAR file (Chrome DevTools' export, or evtap's) and turns
// its WebSocket entries and REST exchanges into Updates, decoded by the
// provider's own decoder as a replay would.
func Import(in io.Reader, o ImportOptions) (*Imported, error) {
	var f File
	if err := json.NewDecoder(io.LimitReader(in, maxHARBytes)).Decode(&f); err != nil {
		return nil, fmt.Errorf("not a HAR file: %w", err)
	}
	var sockets, rest []Entry
	for _, e := range f.Log.Entries {
		switch {
		case e.ResourceType == "websocket" || len(e.Messages) > 0:
			sockets = append(sockets, e)
		case e.ResourceType == resourceREST || e.ResourceType == "xhr":
			rest = append(rest, e)
		}
	}
	named := named(f.Log.Provider, o)
	if len(sockets) == 0 && (named == nil || len(rest) == 0) {
		return nil, fmt.Errorf("the HAR file has no WebSocket entries (export it from DevTools' Network panel with the socket selected)")
	}
	first := rest
	if len(sockets) > 0 {
		first = sockets
	}
	im := &Imported{URL: first[0].Request.URL, Endpoint: origin(first[0].Request.URL)}
	m := named
	if m == nil {
		m = recognise(sockets, o)
	}
	if m != nil {
		im.Provider = m.Provider
	}

	var facts []protocol.Update
	for i, e := range sockets {
		conn := i + 1
		started := startOf(e)
		facts = append(facts,
			protocol.Update{Time: started, Kind: protocol.KindState, Conn: conn, State: &protocol.State{Phase: protocol.PhaseDialing, URL: e.Request.URL}},
			protocol.Update{Time: started, Kind: protocol.KindState, Conn: conn, State: &protocol.State{Phase: protocol.PhaseUpgraded, URL: e.Request.URL}})
		last := started
		for n, msg := range e.Messages {
			u, err := frameOf(msg, conn)
			if err != nil {
				im.Warnings = append(im.Warnings, fmt.Sprintf("entry %d, message %d: %v; skipped", i+1, n+1, err))
				continue
			}
			facts = append(facts, u)
			last = u.Time
		}
		facts = append(facts, protocol.Update{Time: last, Kind: protocol.KindState, Conn: conn,
			State: &protocol.State{Phase: protocol.PhaseClosed, Cause: "end of the HAR capture"}})
	}
	for i, e := range rest {
		facts = append(facts, restFrames(e, i+1)...)
	}
	slices.SortStableFunc(facts, func(a, b protocol.Update) int { return a.Time.Compare(b.Time) })
	im.Start = facts[0].Time

	var dec protocol.Decoder
	if m != nil && m.Decoder != nil {
		dec = m.Decoder()
	}
	var derived []protocol.Update
	for _, u := range facts {
		u.Offset = protocol.Offset(u.Time.Sub(im.Start))
		if dec != nil {
			derived, _ = dec.Decode(derived[:0], &u, record.Payload(u))
		}
		im.Updates = append(im.Updates, u)
		for _, d := range derived {
			d.Time, d.Offset, d.Conn = u.Time, u.Offset, u.Conn
			im.Updates = append(im.Updates, d)
		}
	}
	return im, nil
}

// named is the matcher of the provider an evtap export names, if any.
func named(provider string, o ImportOptions) *Matcher {
	for i := range o.Matchers {
		if provider != "" && o.Matchers[i].Provider == provider {
			return &o.Matchers[i]
		}
	}
	return nil
}

// recognise picks the matcher that claims the first socket any matcher
// claims, else the default.
func recognise(sockets []Entry, o ImportOptions) *Matcher {
	for _, e := range sockets {
		first := firstReceived(e)
		for i := range o.Matchers {
			if m := &o.Matchers[i]; m.Match != nil && m.Match(e.Request.URL, first) {
				return m
			}
		}
	}
	return o.Default
}

func firstReceived(e Entry) []byte {
	for _, m := range e.Messages {
		if m.Type == "receive" && m.Opcode == opText {
			return []byte(m.Data)
		}
	}
	return nil
}

func startOf(e Entry) time.Time {
	started, _ := time.Parse(time.RFC3339Nano, e.StartedDateTime)
	if started.IsZero() && len(e.Messages) > 0 {
		started = fromEpoch(e.Messages[0].Time)
	}
	return started.UTC()
}

// origin is scheme://host of a URL, the recording header's endpoint.
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// frameOf turns one HAR message into a frame Update.
func frameOf(m WebSocketFrame, conn int) (protocol.Update, error) {
	u := protocol.Update{Time: fromEpoch(m.Time), Kind: protocol.KindRecv, Conn: conn,
		Frame: &protocol.Frame{Op: protocol.OpText, Data: m.Data, Size: len(m.Data)}}
	switch m.Type {
	case "receive":
	case "send":
		u.Kind = protocol.KindSent
	default:
		return u, fmt.Errorf("message type %q is neither send nor receive", m.Type)
	}
	switch m.Opcode {
	case opText:
	case opBinary:
		b, err := base64.StdEncoding.DecodeString(m.Data)
		if err != nil {
			return u, fmt.Errorf("binary message is not base64: %v", err)
		}
		u.Frame.Op, u.Frame.Enc, u.Frame.Size = protocol.OpBinary, "base64", len(b)
	case opClose:
		u.Frame.Op, u.Frame.Size = protocol.OpClose, 2+len(m.Data)
	case opPing:
		u.Frame.Op = protocol.OpPing
	case opPong:
		u.Frame.Op = protocol.OpPong
	default:
		return u, fmt.Errorf("unknown opcode %d", m.Opcode)
	}
	if m.Size > 0 {
		// evtap's own field: the size on the wire, which masked or
		// redacted data no longer has
		u.Frame.Size = m.Size
	}
	return u, nil
}

// restFrames turns a REST entry into the http frames a session publishes
// for it: the request, sent, and the answer, received when it came.
func restFrames(e Entry, id int) []protocol.Update {
	started := startOf(e)
	req := protocol.HTTPRequest{ID: id, Method: e.Request.Method, URL: e.Request.URL, Header: headerMap(e.Request.Headers)}
	if e.Request.PostData != nil {
		req.Body = e.Request.PostData.Text
	}
	took := time.Duration(e.Time * float64(time.Millisecond))
	resp := protocol.HTTPResponse{ID: id, Method: req.Method, URL: req.URL, Status: e.Response.Status,
		Header: headerMap(e.Response.Headers), Body: e.Response.Content.Text, Error: e.Error, Duration: protocol.Millis(took)}
	if e.Response.Content.Encoding == "base64" {
		if b, err := base64.StdEncoding.DecodeString(resp.Body); err == nil {
			resp.Body = string(b)
		}
	}
	reqData, _ := json.Marshal(req)
	respData, _ := json.Marshal(resp)
	return []protocol.Update{
		{Time: started, Kind: protocol.KindSent, Frame: &protocol.Frame{Op: protocol.OpHTTP, Data: string(reqData), Size: len(req.Body)}},
		{Time: started.Add(took), Kind: protocol.KindRecv, Frame: &protocol.Frame{Op: protocol.OpHTTP, Data: string(respData), Size: len(resp.Body)}},
	}
}

func headerMap(hs []Header) map[string]string {
	if len(hs) == 0 {
		return nil
	}
	m := make(map[string]string, len(hs))
	for _, h := range hs {
		if old, ok := m[h.Name]; ok {
			m[h.Name] = old + ", " + h.Value
		} else {
			m[h.Name] = h.Value
		}
	}
	return m
}

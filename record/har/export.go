package har

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

// Export writes the recording r as a HAR file: one websocket entry per
// connection and one entry per REST exchange, in the order they started.
// The recording is already redacted, and its placeholders go into the
// HAR as they are.
//
// What HAR cannot carry is left out and said in the warnings the caller
// prints on stderr: state changes (but a socket's URL), markers, outage
// gaps and errors. Events, subscriptions, sequence gaps and heartbeats
// need not be carried: import derives them again from the frames.
func Export(r *record.Reader, creator string, out io.Writer) (warnings []string, err error) {
	x := exporter{h: r.Header(), byConn: map[int]int{}, requests: map[int]int{}, dropped: map[string]int{}}
	for {
		u, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if record.IsDamage(err) {
			warnings = append(warnings, err.Error()+"; skipped")
			continue
		}
		if err != nil {
			return warnings, err
		}
		x.add(u)
	}
	if len(x.entries) == 0 {
		return warnings, fmt.Errorf("the recording has no WebSocket frames or REST exchanges to export")
	}
	warnings = append(warnings, x.warnings()...)
	slices.SortStableFunc(x.entries, func(a, b Entry) int { return startOf(a).Compare(startOf(b)) })
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	err = enc.Encode(File{Log: Log{Version: "1.2", Creator: Creator{Name: "evtap", Version: creator}, Pages: []any{}, Entries: x.entries, Provider: x.h.Provider}})
	return warnings, err
}

type exporter struct {
	h        record.Header
	entries  []Entry
	byConn   map[int]int    // connection → its websocket entry
	requests map[int]int    // REST request id → its entry
	dropped  map[string]int // what HAR cannot carry, counted
}

// socket returns the websocket entry of u's connection, made on first
// use. A connection with no dialing state in the recording (one already
// open when recording started) gets the URL the header carries.
func (x *exporter) socket(u protocol.Update) *Entry {
	i, ok := x.byConn[u.Conn]
	if !ok {
		i = len(x.entries)
		x.byConn[u.Conn] = i
		e := newEntry(u.Time, "GET", x.h.URL)
		e.Response.Status, e.Response.StatusText = 101, "Switching Protocols"
		e.Response.Content.MimeType = "x-unknown"
		e.ResourceType = "websocket"
		e.Messages = []WebSocketFrame{}
		x.entries = append(x.entries, e)
	}
	return &x.entries[i]
}

func newEntry(at time.Time, method, rawURL string) Entry {
	return Entry{
		StartedDateTime: at.UTC().Format(time.RFC3339Nano),
		Request:         Request{Method: method, URL: rawURL, HTTPVersion: "HTTP/1.1", Headers: []Header{}, QueryString: queryOf(rawURL), Cookies: []any{}, HeadersSize: -1},
		Response:        Response{HTTPVersion: "HTTP/1.1", Headers: []Header{}, Cookies: []any{}, HeadersSize: -1, BodySize: -1},
		Timings:         Timings{Blocked: -1, DNS: -1, Connect: -1, SSL: -1},
	}
}

func (x *exporter) add(u protocol.Update) {
	switch u.Kind {
	case protocol.KindState:
		switch u.State.Phase {
		case protocol.PhaseDialing, protocol.PhaseRecovering, protocol.PhaseRotating:
			if u.State.URL != "" {
				e := x.socket(u)
				e.Request.URL, e.Request.QueryString = u.State.URL, queryOf(u.State.URL)
				return
			}
		}
		x.dropped["state change"]++
	case protocol.KindRecv, protocol.KindSent:
		if u.Frame == nil {
			return
		}
		if u.Frame.Op == protocol.OpHTTP {
			x.rest(u)
			return
		}
		m := WebSocketFrame{Type: "receive", Time: epoch(u.Time), Data: u.Frame.Data, Size: u.Frame.Size}
		if u.Kind == protocol.KindSent {
			m.Type = "send"
		}
		switch u.Frame.Op {
		case protocol.OpText:
			m.Opcode = opText
		case protocol.OpBinary:
			m.Opcode = opBinary // Data is base64 in a recording, as in a HAR
		case protocol.OpClose:
			m.Opcode = opClose
		case protocol.OpPing:
			m.Opcode = opPing
		case protocol.OpPong:
			m.Opcode = opPong
		default:
			x.dropped["frame of an unknown kind"]++
			return
		}
		e := x.socket(u)
		e.Messages = append(e.Messages, m)
	case protocol.KindMarker:
		x.dropped["marker"]++
	case protocol.KindError:
		if u.Error.Where != protocol.WhereDecode {
			x.dropped["error"]++
		}
	case protocol.KindGap:
		if u.Gap.From == 0 && u.Gap.To == 0 {
			x.dropped["outage gap"]++ // sequence gaps come back from the frames
		}
	}
}

// rest turns an http frame into (part of) a REST entry.
func (x *exporter) rest(u protocol.Update) {
	if u.Kind == protocol.KindSent {
		var req protocol.HTTPRequest
		if json.Unmarshal([]byte(u.Frame.Data), &req) != nil {
			x.dropped["unreadable REST request"]++
			return
		}
		e := newEntry(u.Time, req.Method, req.URL)
		e.ResourceType = resourceREST
		e.Request.Headers = headersOf(req.Header)
		if req.Body != "" {
			e.Request.PostData = &PostData{MimeType: req.Header["Content-Type"], Text: req.Body}
			e.Request.BodySize = len(req.Body)
		}
		e.Response.Content.MimeType = "x-unknown"
		e.Error = "no answer in the recording"
		x.requests[req.ID] = len(x.entries)
		x.entries = append(x.entries, e)
		return
	}
	var resp protocol.HTTPResponse
	if json.Unmarshal([]byte(u.Frame.Data), &resp) != nil {
		x.dropped["unreadable REST answer"]++
		return
	}
	i, ok := x.requests[resp.ID]
	if !ok { // the request was before the recording started
		e := newEntry(u.Time.Add(-resp.Duration.Duration()), resp.Method, resp.URL)
		e.ResourceType = resourceREST
		i = len(x.entries)
		x.entries = append(x.entries, e)
	}
	delete(x.requests, resp.ID)
	e := &x.entries[i]
	e.Time = float64(resp.Duration.Duration()) / float64(time.Millisecond)
	e.Timings.Wait = e.Time
	e.Error = resp.Error
	e.Response.Status = resp.Status
	e.Response.StatusText = http.StatusText(resp.Status)
	e.Response.Headers = headersOf(resp.Header)
	mime := resp.Header["Content-Type"]
	if mime == "" {
		mime = "x-unknown"
	}
	e.Response.Content = Content{Size: len(resp.Body), MimeType: mime, Text: resp.Body}
	e.Response.BodySize = len(resp.Body)
}

// warnings say what was left out.
func (x *exporter) warnings() []string {
	var w []string
	if len(x.h.Redacted) == 0 {
		w = append(w, "the recording was made with --no-redact: the HAR file holds its tokens and keys in clear")
	}
	var parts []string
	for _, what := range []string{"state change", "marker", "outage gap", "error", "frame of an unknown kind", "unreadable REST request", "unreadable REST answer"} {
		if n := x.dropped[what]; n > 0 {
			s := what
			if n > 1 {
				s += "s"
			}
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	if len(parts) > 0 {
		w = append(w, "HAR cannot carry "+strings.Join(parts, ", ")+": left out (events, subscriptions, sequence gaps and heartbeats are derived again from the frames on import)")
	}
	return w
}

func headersOf(m map[string]string) []Header {
	hs := []Header{}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		hs = append(hs, Header{Name: k, Value: m[k]})
	}
	return hs
}

func queryOf(rawURL string) []Header {
	q := []Header{}
	u, err := url.Parse(rawURL)
	if err != nil {
		return q
	}
	for _, kv := range strings.Split(u.RawQuery, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		q = append(q, Header{Name: k, Value: v})
	}
	return q
}

package har

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

// Export writes the recording r as a HAR file: one websocket entry per
// connection, in the order the connections were made. The recording is
// already redacted; URLs lose their query values as well, as Chrome's
// sanitized export drops credentials.
func Export(r *record.Reader, creator string, out io.Writer) error {
	var entries []Entry
	byConn := map[int]int{}
	entry := func(u protocol.Update) *Entry {
		i, ok := byConn[u.Conn]
		if !ok {
			i = len(entries)
			byConn[u.Conn] = i
			entries = append(entries, Entry{
				StartedDateTime: u.Time.UTC().Format(time.RFC3339Nano),
				Request:         Request{Method: "GET", HTTPVersion: "HTTP/1.1", Headers: []Header{}, QueryString: []Header{}, Cookies: []any{}, HeadersSize: -1},
				Response:        Response{Status: 101, StatusText: "Switching Protocols", HTTPVersion: "HTTP/1.1", Headers: []Header{}, Cookies: []any{}, Content: Content{MimeType: "x-unknown"}, HeadersSize: -1},
				Timings:         Timings{Blocked: -1, DNS: -1, Connect: -1, SSL: -1},
				ResourceType:    "websocket",
				Messages:        []WebSocketFrame{},
			})
		}
		return &entries[i]
	}
	for {
		u, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		switch u.Kind {
		case protocol.KindState:
			if u.State.URL != "" && (u.State.Phase == protocol.PhaseDialing || u.State.Phase == protocol.PhaseRecovering) {
				entry(u).Request.URL = withoutQueryValues(u.State.URL)
			}
		case protocol.KindRecv, protocol.KindSent:
			f := u.Frame
			if f.Op != protocol.OpText && f.Op != protocol.OpBinary {
				continue
			}
			m := WebSocketFrame{Type: "receive", Time: epoch(u.Time), Opcode: opText, Data: f.Data, Size: f.Size}
			if u.Kind == protocol.KindSent {
				m.Type = "send"
			}
			if f.Op == protocol.OpBinary {
				m.Opcode = opBinary // Data is already base64 in a recording, as in a HAR
			}
			e := entry(u)
			e.Messages = append(e.Messages, m)
		}
	}
	if len(entries) == 0 {
		return fmt.Errorf("the recording has no WebSocket frames to export")
	}
	enc := json.NewEncoder(out)
	enc.SetIndent("", "  ")
	return enc.Encode(File{Log: Log{Version: "1.2", Creator: Creator{Name: "evtap", Version: creator}, Pages: []any{}, Entries: entries}})
}

// withoutQueryValues keeps a URL's parameter names but not their values,
// which in these URLs are tokens.
func withoutQueryValues(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	q := u.Query()
	for k := range q {
		q.Set(k, "")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

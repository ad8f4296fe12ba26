package har

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/evtap/evtap/protocol"
	rc "github.com/evtap/evtap/protocol/ringcentral"
)

// Imported is a HAR capture turned into the Updates of a recording.
type Imported struct {
	Provider string // "ringcentral" when the frames are RingCentral's, else "raw"
	Endpoint string // the first socket's URL, query values dropped
	Start    time.Time
	Updates  []protocol.Update // in time order
}

// Import reads a HAR file (Chrome DevTools' export) and turns every
// WebSocket entry in it into Updates: the socket's URL as a state, each
// frame as recv or sent, and each notification as an event, decoded with
// the provider's own rules when the frames are RingCentral's, so that a
// replay shows the same rows a live session would.
func Import(in io.Reader) (*Imported, error) {
	var f File
	if err := json.NewDecoder(in).Decode(&f); err != nil {
		return nil, fmt.Errorf("not a HAR file: %w", err)
	}
	var sockets []Entry
	for _, e := range f.Log.Entries {
		if e.ResourceType == "websocket" || len(e.Messages) > 0 {
			sockets = append(sockets, e)
		}
	}
	if len(sockets) == 0 {
		return nil, fmt.Errorf("the HAR file has no WebSocket entries (export it from DevTools' Network panel with the socket selected)")
	}
	im := &Imported{Provider: "raw", Endpoint: withoutQueryValues(sockets[0].Request.URL)}
	if isRingCentral(sockets) {
		im.Provider = rc.ProviderName
	}
	for i, e := range sockets {
		conn := i + 1
		started, _ := time.Parse(time.RFC3339Nano, e.StartedDateTime)
		if started.IsZero() && len(e.Messages) > 0 {
			started = fromEpoch(e.Messages[0].Time)
		}
		url := withoutQueryValues(e.Request.URL)
		im.Updates = append(im.Updates,
			protocol.Update{Time: started, Kind: protocol.KindState, Conn: conn, State: &protocol.State{Phase: protocol.PhaseDialing, URL: url}},
			protocol.Update{Time: started, Kind: protocol.KindState, Conn: conn, State: &protocol.State{Phase: protocol.PhaseUpgraded, URL: url}})
		last := started
		for n, m := range e.Messages {
			u, ev, err := frameOf(m, conn, im.Provider)
			if err != nil {
				return nil, fmt.Errorf("entry %d, message %d: %w", i+1, n+1, err)
			}
			im.Updates = append(im.Updates, u)
			if ev != nil {
				im.Updates = append(im.Updates, *ev)
			}
			last = u.Time
		}
		im.Updates = append(im.Updates, protocol.Update{Time: last, Kind: protocol.KindState, Conn: conn,
			State: &protocol.State{Phase: protocol.PhaseClosed, Cause: "end of the HAR capture"}})
	}
	sort.SliceStable(im.Updates, func(a, b int) bool { return im.Updates[a].Time.Before(im.Updates[b].Time) })
	im.Start = im.Updates[0].Time
	for i := range im.Updates {
		im.Updates[i].Offset = protocol.Offset(im.Updates[i].Time.Sub(im.Start))
	}
	return im, nil
}

func isRingCentral(sockets []Entry) bool {
	for _, e := range sockets {
		for _, m := range e.Messages {
			if m.Type == "receive" && m.Opcode == opText {
				f, err := rc.Decode([]byte(m.Data))
				return err == nil && f.Meta.Type == rc.TypeConnectionDetails
			}
		}
	}
	return false
}

// frameOf turns one HAR message into a frame Update and, for a received
// notification, its event.
func frameOf(m WebSocketFrame, conn int, provider string) (protocol.Update, *protocol.Update, error) {
	u := protocol.Update{Time: fromEpoch(m.Time), Kind: protocol.KindRecv, Conn: conn,
		Frame: &protocol.Frame{Op: protocol.OpText, Data: m.Data, Size: len(m.Data)}}
	switch m.Type {
	case "receive":
	case "send":
		u.Kind = protocol.KindSent
	default:
		return u, nil, fmt.Errorf("message type %q is neither send nor receive", m.Type)
	}
	if m.Size > 0 {
		u.Frame.Size = m.Size // evtap's export says what went over the wire
	}
	switch m.Opcode {
	case opText:
	case opBinary:
		// A HAR spells a binary payload in base64: its size on the
		// wire is that of the bytes, not of their spelling.
		b, err := base64.StdEncoding.DecodeString(m.Data)
		if err != nil {
			return u, nil, fmt.Errorf("a binary message whose data is not base64: %w", err)
		}
		u.Frame.Op, u.Frame.Enc, u.Frame.Size = protocol.OpBinary, "base64", len(b)
		if m.Size > 0 {
			u.Frame.Size = m.Size
		}
		return u, nil, nil
	default:
		return u, nil, nil // control frames carry nothing to show
	}
	if u.Kind != protocol.KindRecv {
		if provider == rc.ProviderName {
			if f, err := rc.Decode([]byte(m.Data)); err == nil {
				u.Frame.Type = string(f.Meta.Type)
			}
		}
		return u, nil, nil
	}
	ev := protocol.Update{Time: u.Time, Kind: protocol.KindEvent, Conn: conn}
	if provider == rc.ProviderName {
		f, err := rc.Decode([]byte(m.Data))
		if err != nil {
			return u, nil, nil // kept as a frame; the replay's decoder will say what is wrong
		}
		u.Frame.Type = string(f.Meta.Type)
		if f.Meta.Type != rc.TypeServerNotification {
			return u, nil, nil
		}
		e, err := rc.EventOf(f)
		if err != nil {
			return u, nil, nil
		}
		ev.Event = e
		return u, &ev, nil
	}
	body := json.RawMessage(m.Data)
	if !json.Valid(body) {
		body, _ = json.Marshal(m.Data)
	}
	ev.Event = &protocol.Event{Provider: "raw", Label: "message", Summary: strings.Join(strings.Fields(firstRunes(m.Data, 200)), " "), Body: body}
	return u, &ev, nil
}

func firstRunes(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

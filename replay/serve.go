package replay

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
	rc "github.com/evtap/evtap/protocol/ringcentral"
	"github.com/evtap/evtap/record"
)

// ServeOptions shape a replay server.
type ServeOptions struct {
	Speed     float64       // 0 sends as fast as the client reads
	IdleLimit time.Duration // shorten silences longer than this
	Log       io.Writer     // one line per client; nil logs nothing
}

// Serve listens on addr and sends every WebSocket client, on any path,
// the frames the recorded client received, on the recorded clock. For a
// RingCentral recording it also answers the client: a ClientRequest gets
// the recorded answer to the recorded client's request (with the new
// messageId), a Heartbeat its echo, so a client that expects the
// handshake proceeds. ready is called with the ws:// URL once listening.
func Serve(ctx context.Context, addr, path string, o ServeOptions, ready func(url string)) error {
	r, err := record.Open(path) // fail early on a file that is not a recording
	if err != nil {
		return err
	}
	provider := r.Header().Provider
	r.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		c, err := up.Upgrade(w, req, nil)
		if err != nil {
			return // the upgrader has answered with the reason
		}
		logf(o.Log, "client %s connected", req.RemoteAddr)
		err = serveClient(req.Context(), c, path, provider, o)
		logf(o.Log, "client %s: %v", req.RemoteAddr, err)
	})}
	if ready != nil {
		ready("ws://" + ln.Addr().String() + "/")
	}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func logf(w io.Writer, format string, a ...any) {
	if w != nil {
		fmt.Fprintf(w, format+"\n", a...)
	}
}

// serveClient plays the recording to one client. One goroutine writes
// (this one); a second reads and queues answers for it.
func serveClient(ctx context.Context, c *websocket.Conn, path, provider string, o ServeOptions) error {
	defer c.Close()
	r, err := record.Open(path)
	if err != nil {
		return err
	}
	defer r.Close()
	answers := make(chan []byte, 64)
	readErr := make(chan error, 1)
	var answer json.RawMessage
	if provider == "ringcentral" {
		answer = recordedAnswer(path)
	}
	go func() { readErr <- readClient(c, provider, answer, answers) }()
	var prev time.Duration = -1
	for {
		l, err := r.NextLine()
		if errors.Is(err, io.EOF) {
			// the recording is over: keep answering until the client leaves
			return drain(ctx, c, answers, readErr)
		}
		if err != nil {
			return err
		}
		if l.Kind != protocol.KindRecv {
			continue
		}
		u, err := r.Decode(l)
		if err != nil {
			return err
		}
		if provider == "ringcentral" && u.Frame.Type == string(rc.TypeClientRequest) {
			continue // an answer to the recorded client; this client gets its own
		}
		if prev >= 0 && o.Speed > 0 {
			gap := l.Off - prev
			if o.IdleLimit > 0 && gap > o.IdleLimit {
				gap = o.IdleLimit
			}
			if err := pause(ctx, c, time.Duration(float64(gap)/o.Speed), answers, readErr); err != nil {
				return err
			}
		}
		prev = l.Off
		if err := writeFrame(c, u.Frame); err != nil {
			return err
		}
	}
}

// pause waits d while still sending answers to the client.
func pause(ctx context.Context, c *websocket.Conn, d time.Duration, answers <-chan []byte, readErr <-chan error) error {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-readErr:
			return err
		case a := <-answers:
			if err := c.WriteMessage(websocket.TextMessage, a); err != nil {
				return err
			}
		case <-t.C:
			return nil
		}
	}
}

func drain(ctx context.Context, c *websocket.Conn, answers <-chan []byte, readErr <-chan error) error {
	for {
		if err := pause(ctx, c, time.Hour, answers, readErr); err != nil {
			return err
		}
	}
}

func writeFrame(c *websocket.Conn, f *protocol.Frame) error {
	switch f.Op {
	case protocol.OpBinary:
		b, err := base64.StdEncoding.DecodeString(f.Data)
		if err != nil {
			return fmt.Errorf("recorded binary frame: %w", err)
		}
		return c.WriteMessage(websocket.BinaryMessage, b)
	case protocol.OpText:
		return c.WriteMessage(websocket.TextMessage, []byte(f.Data))
	}
	return nil // pings, pongs and closes are the connection's own business
}

// recordedAnswer is the body of the first successful ClientRequest
// answer in the recording: the subscription the recorded client got.
func recordedAnswer(path string) json.RawMessage {
	r, err := record.Open(path)
	if err != nil {
		return nil
	}
	defer r.Close()
	for {
		l, err := r.NextLine()
		if err != nil {
			return nil
		}
		if l.Kind != protocol.KindRecv {
			continue
		}
		u, err := r.Decode(l)
		if err != nil || u.Frame.Type != string(rc.TypeClientRequest) {
			continue
		}
		f, err := rc.Decode([]byte(u.Frame.Data))
		if err == nil && f.Meta.Status/100 == 2 && f.Body != nil {
			return f.Body
		}
	}
}

// readClient reads what the client sends and, for RingCentral, queues
// the answers a real gateway would give.
func readClient(c *websocket.Conn, provider string, answer json.RawMessage, answers chan<- []byte) error {
	for {
		_, data, err := c.ReadMessage()
		if err != nil {
			return err
		}
		if provider != "ringcentral" {
			continue
		}
		f, err := rc.Decode(data)
		if err != nil {
			continue // a replay is no place to police a client
		}
		var reply []byte
		switch f.Meta.Type {
		case rc.TypeClientRequest:
			meta := rc.Meta{Type: rc.TypeClientRequest, MessageID: f.Meta.MessageID, Status: 200,
				Headers: map[string]string{"RCRequestId": "evtap-replay"}}
			var body any
			if f.Meta.Method != http.MethodDelete && answer != nil {
				body = answer
			}
			reply, err = rc.Encode(meta, body)
		case rc.TypeHeartbeat:
			reply, err = rc.Encode(rc.Meta{Type: rc.TypeHeartbeat, MessageID: f.Meta.MessageID, Status: 200}, nil)
		default:
			continue
		}
		if err != nil {
			return err
		}
		select {
		case answers <- reply:
		default: // a client flooding requests loses answers, not the replay
		}
	}
}

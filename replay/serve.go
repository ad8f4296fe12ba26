package replay

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

// Responder is what a provider supplies so that a client gets through its
// handshake with `replay --serve`: the answers a real server would give
// to what the client sends, which recorded frames to leave out because
// they answered the recorded client instead, and, when the provider's
// SDKs call REST endpoints before they open the socket (a token, a socket
// URL), answers to those.
//
// Learn is called for every recorded frame before the first client
// connects; the other methods are called from every client's goroutines
// at once and must be safe for that. A Responder is pure: it never does
// I/O, so a provider's protocol package can hold it.
type Responder interface {
	// Learn sees every recorded frame (received and sent, http frames
	// included) in order, once.
	Learn(u protocol.Update)
	// Replay reports whether a recorded received frame is sent to the
	// client as it is; false for an answer to one of the recorded
	// client's own requests, which this client gets from Answer.
	Replay(f protocol.Frame) bool
	// Answer returns the text frames a server sends back for a frame the
	// client sent (its opcode and payload); none for most.
	Answer(op protocol.Opcode, data []byte) [][]byte
	// HTTP answers a request that is not a WebSocket upgrade, made to
	// the replay server (req.URL is absolute: the replay's own address).
	// ok false answers 404.
	HTTP(req protocol.HTTPRequest) (resp protocol.HTTPResponse, ok bool)
}

// AtEnd says what a replay server does after the last recorded frame.
type AtEnd int

const (
	// EndClose closes the client's socket cleanly with 1000 "end of
	// recording", as a server ending a session would.
	EndClose AtEnd = iota
	// EndLoop plays the recording again from its first frame.
	EndLoop
	// EndStay keeps the socket open, still answering, until the client
	// leaves.
	EndStay
)

// EndReason is the close reason sent after the last frame.
const EndReason = "end of recording"

// ServeOptions shape a replay server.
type ServeOptions struct {
	Speed     float64       // 0 sends as fast as the client reads
	IdleLimit time.Duration // shorten silences longer than this
	Log       io.Writer     // one line per client and per damaged line; nil logs nothing
	// Responder returns the provider's responder for the recording
	// (the registry picks it by h.Provider), or nil: the client then
	// gets the recorded frames and no answers.
	Responder func(h record.Header) Responder
	// AtEnd is what happens after the last frame; EndClose by default.
	AtEnd AtEnd
}

// maxHTTPBody bounds what a REST request to the replay may carry.
const maxHTTPBody = 1 << 20

// Serve listens on addr and sends every WebSocket client, on any path,
// the frames the recorded client received, on the recorded clock,
// through the provider's Responder when there is one. Other HTTP
// requests go to the Responder's REST endpoints. Damaged lines are
// logged and skipped. ready is called with the ws:// URL once listening;
// Serve returns when ctx ends.
func Serve(ctx context.Context, addr, path string, o ServeOptions, ready func(url string)) error {
	r, err := record.Open(path) // fail early on a file that is not a recording
	if err != nil {
		return err
	}
	var resp Responder
	if o.Responder != nil {
		resp = o.Responder(r.Header())
	}
	if resp != nil {
		learn(r, resp, o.Log)
	}
	r.Close()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	var clients sync.WaitGroup
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if !websocket.IsWebSocketUpgrade(req) {
			serveHTTP(w, req, resp)
			return
		}
		c, err := up.Upgrade(w, req, nil)
		if err != nil {
			return // the upgrader has answered with the reason
		}
		clients.Add(1)
		defer clients.Done()
		logf(o.Log, "client %s connected", req.RemoteAddr)
		err = serveClient(ctx, c, path, resp, o)
		logf(o.Log, "client %s: %v", req.RemoteAddr, err)
	})}
	if ready != nil {
		ready("ws://" + ln.Addr().String() + "/")
	}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	err = srv.Serve(ln)
	clients.Wait()
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// learn shows the responder every recorded frame.
func learn(r *record.Reader, resp Responder, log io.Writer) {
	for {
		l, err := r.NextLine()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			logf(log, "%v; skipped", err)
			if record.IsDamage(err) {
				continue
			}
			return
		}
		if l.Kind != protocol.KindRecv && l.Kind != protocol.KindSent {
			continue
		}
		if u, err := r.Decode(l); err == nil && u.Frame != nil {
			resp.Learn(u)
		}
	}
}

func logf(w io.Writer, format string, a ...any) {
	if w != nil {
		fmt.Fprintf(w, format+"\n", a...)
	}
}

// serveHTTP hands a plain HTTP request to the responder.
func serveHTTP(w http.ResponseWriter, req *http.Request, resp Responder) {
	if resp == nil {
		http.Error(w, "evtap replay: this recording's provider has no REST endpoints here", http.StatusNotFound)
		return
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, maxHTTPBody+1))
	if err != nil || len(body) > maxHTTPBody {
		http.Error(w, "evtap replay: request body unreadable or too large", http.StatusBadRequest)
		return
	}
	in := protocol.HTTPRequest{Method: req.Method, URL: "http://" + req.Host + req.URL.RequestURI(), Header: map[string]string{}, Body: string(body)}
	for k, v := range req.Header {
		in.Header[k] = strings.Join(v, ", ")
	}
	out, ok := resp.HTTP(in)
	if !ok {
		http.Error(w, "evtap replay: no such endpoint", http.StatusNotFound)
		return
	}
	for k, v := range out.Header {
		w.Header().Set(k, v)
	}
	if out.Status == 0 {
		out.Status = http.StatusOK
	}
	w.WriteHeader(out.Status)
	io.WriteString(w, out.Body)
}

// client is one WebSocket client of a replay: this goroutine writes, a
// second one reads and queues the responder's answers.
type client struct {
	c       *websocket.Conn
	answers chan [][]byte
	readErr chan error
}

// serveClient plays the recording to one client.
func serveClient(ctx context.Context, c *websocket.Conn, path string, resp Responder, o ServeOptions) error {
	defer c.Close()
	// The server's Close does not reach hijacked connections: a client
	// that stopped reading must not keep Serve from returning.
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	cl := &client{c: c, answers: make(chan [][]byte, 64), readErr: make(chan error, 1)}
	go cl.read(resp)
	for {
		sent, err := cl.play(ctx, path, resp, o)
		if err != nil {
			return err
		}
		switch {
		case o.AtEnd == EndLoop && sent > 0:
			continue
		case o.AtEnd == EndLoop || o.AtEnd == EndStay:
			return cl.drain(ctx)
		default:
			return cl.close(ctx)
		}
	}
}

// play sends the recorded received frames once, and says how many.
func (cl *client) play(ctx context.Context, path string, resp Responder, o ServeOptions) (sent int, err error) {
	r, err := record.Open(path)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	var prev time.Duration = -1
	for {
		l, err := r.NextLine()
		if errors.Is(err, io.EOF) {
			return sent, nil
		}
		if record.IsDamage(err) {
			logf(o.Log, "%v; skipped", err)
			continue
		}
		if err != nil {
			return sent, err
		}
		if l.Kind != protocol.KindRecv {
			continue
		}
		u, err := r.Decode(l)
		if err != nil {
			logf(o.Log, "%v; skipped", err)
			continue
		}
		if u.Frame == nil || u.Frame.Op != protocol.OpText && u.Frame.Op != protocol.OpBinary {
			continue // pings, pongs, closes and REST exchanges are not the socket's to send again
		}
		if resp != nil && !resp.Replay(*u.Frame) {
			continue
		}
		if prev >= 0 && o.Speed > 0 {
			gap := l.Off - prev
			if o.IdleLimit > 0 && gap > o.IdleLimit {
				gap = o.IdleLimit
			}
			if err := cl.pause(ctx, time.Duration(float64(gap)/o.Speed)); err != nil {
				return sent, err
			}
		}
		prev = l.Off
		if err := cl.writeFrame(u.Frame); err != nil {
			return sent, err
		}
		sent++
		if err := cl.flushAnswers(); err != nil {
			return sent, err
		}
	}
}

// read reads what the client sends and queues the responder's answers.
func (cl *client) read(resp Responder) {
	for {
		mt, data, err := cl.c.ReadMessage()
		if err != nil {
			cl.readErr <- err
			return
		}
		if resp == nil {
			continue
		}
		op := protocol.OpText
		if mt == websocket.BinaryMessage {
			op = protocol.OpBinary
		}
		if a := resp.Answer(op, data); len(a) > 0 {
			select {
			case cl.answers <- a:
			default: // a client flooding requests loses answers, not the replay
			}
		}
	}
}

// pause waits d while still sending answers to the client.
func (cl *client) pause(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-cl.readErr:
			return err
		case a := <-cl.answers:
			if err := cl.send(a); err != nil {
				return err
			}
		case <-t.C:
			return nil
		}
	}
}

// flushAnswers sends the answers already queued.
func (cl *client) flushAnswers() error {
	for {
		select {
		case a := <-cl.answers:
			if err := cl.send(a); err != nil {
				return err
			}
		case err := <-cl.readErr:
			return err
		default:
			return nil
		}
	}
}

func (cl *client) send(frames [][]byte) error {
	for _, f := range frames {
		if err := cl.c.WriteMessage(websocket.TextMessage, f); err != nil {
			return err
		}
	}
	return nil
}

// drain keeps answering until the client leaves.
func (cl *client) drain(ctx context.Context) error {
	for {
		if err := cl.pause(ctx, time.Hour); err != nil {
			return err
		}
	}
}

// closeWait is how long a client has to answer the closing handshake.
const closeWait = 2 * time.Second

// close ends the session cleanly: a close frame, then the client's
// answer (or closeWait), then the connection.
func (cl *client) close(ctx context.Context) error {
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, EndReason)
	if err := cl.c.WriteControl(websocket.CloseMessage, msg, time.Now().Add(closeWait)); err != nil {
		return err
	}
	t := time.NewTimer(closeWait)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return errors.New("the client did not answer the close")
		case <-cl.answers:
			// too late to answer: the session is closing
		case err := <-cl.readErr:
			if websocket.IsCloseError(err, websocket.CloseNormalClosure) {
				return errors.New(EndReason)
			}
			return err
		}
	}
}

func (cl *client) writeFrame(f *protocol.Frame) error {
	switch f.Op {
	case protocol.OpBinary:
		b, err := base64.StdEncoding.DecodeString(f.Data)
		if err != nil {
			return fmt.Errorf("recorded binary frame: %w", err)
		}
		return cl.c.WriteMessage(websocket.BinaryMessage, b)
	default:
		return cl.c.WriteMessage(websocket.TextMessage, []byte(f.Data))
	}
}

package providers

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/spf13/pflag"

	"github.com/evtap/evtap/internal/run"
	"github.com/evtap/evtap/protocol"
	rawproto "github.com/evtap/evtap/protocol/raw"
	"github.com/evtap/evtap/session"
	rawsession "github.com/evtap/evtap/session/raw"
	"github.com/evtap/evtap/ui"
)

func init() { builtin.Register(raw()) }

// TokenEnv is where `evtap connect ws://…` finds its bearer token when
// --token is not given: a token on the command line shows in ps.
const TokenEnv = "EVTAP_TOKEN"

// raw is any WebSocket: `evtap connect ws://host/path`. It is the
// smallest complete entry: connect flags and a URL it claims, its UI
// words, no emulator, no filters, no responder.
func raw() *Entry {
	return &Entry{
		Name:    rawproto.ProviderName,
		Title:   "WebSocket",
		Summary: "any ws:// or wss:// URL, every frame shown: evtap connect ws://host/path",
		Connect: &Connect{
			Args: "URL", NArgs: 1,
			Long:   rawLong,
			Claims: isWebSocketURL,
			Flags:  rawConnectFlags,
		},
		Decoder: func() protocol.Decoder { return rawproto.NewDecoder() },
		UI:      rawUI(),
		// The session masks its own secrets (the token, secret headers,
		// URL credentials) before anything is published, and hands them
		// to the recorder as literals too; the recorder's default rules
		// cover token-named fields in what the server sends.
		Redact: nil,
		// Nothing to answer: `replay --serve` sends the recorded frames.
		Responder: nil,
		HAR:       func(url string, _ []byte) bool { return isWebSocketURL(url) },
		CatchAll:  true,
	}
}

const rawLong = `Connect to any WebSocket, ws:// or wss://, as wscat and websocat do.
'evtap connect ws://host/path' is 'evtap connect raw ws://host/path'.

Every frame the server sends is an event: JSON shown as JSON, other text as
text, binary as hex and base64, the server's close frame with its code and
reason. The connection is live once upgraded. When it drops, evtap
reconnects with backoff and sends the --send and --send-file frames again,
in the order given. Nothing on a raw stream counts what was missed, so after
a drop evtap shows the outage window in which events may have been lost.

Sending: in the TUI, s opens a composer. Headless, each line of stdin is sent
as a text frame, so 'producer | evtap connect ws://… | jq' works. The end of
stdin does not end the session; --count, --duration, ctrl+c, a refused
upgrade or --max-retries does. What is sent while the connection is down
goes out once it is back.

Secrets: the bearer token (--token or $` + TokenEnv + `), the values of headers
named like credentials (Authorization, Cookie, or a name with token, key,
secret, password, auth, session or signature in it) and of --secret-header,
and a password or token in the URL go to the server as given and are shown as
*** everywhere: on screen, in headless output and in recordings, even with
--no-redact.`

// isWebSocketURL claims ws:// and wss:// URLs, whatever their case.
func isWebSocketURL(arg string) bool {
	a := strings.ToLower(arg)
	return strings.HasPrefix(a, "ws://") || strings.HasPrefix(a, "wss://")
}

// rawUI is what the TUI says of a raw stream.
func rawUI() ui.Provider {
	return ui.Provider{
		Name:               rawproto.ProviderName,
		ContextTitle:       "Handshake",
		ContextEmpty:       "what each upgrade offers is shown once upgraded",
		SubscriptionsTitle: "Stream",
		OneSubscription:    true,
		// The header's badge shows these in capitals: short words.
		Phases: map[protocol.Phase]string{
			protocol.PhaseLive:    "LIVE (upgraded)",
			protocol.PhaseDropped: "DROPPED, will reconnect",
			protocol.PhaseBackoff: "reconnecting with backoff",
		},
		Gaps: "gaps cannot be known on a raw stream",
		// No Filters: a raw stream has nothing to subscribe to.
	}
}

// rawFlags are `evtap connect raw`'s own flags.
type rawFlags struct {
	headers, secretHeaders, subprotocols []string
	origin, token, ca                    string
	insecure                             bool
	onConnect                            []sendArg // --send and --send-file, in command-line order
}

// sendArg is one --send TEXT or --send-file FILE.
type sendArg struct {
	value string
	file  bool
}

// sendFlag appends each --send or --send-file to one list, so the frames
// go out in the order the flags were given.
type sendFlag struct {
	list *[]sendArg
	file bool
}

func (f sendFlag) String() string { return "" }
func (f sendFlag) Set(v string) error {
	*f.list = append(*f.list, sendArg{value: v, file: f.file})
	return nil
}
func (f sendFlag) Type() string {
	if f.file {
		return "FILE"
	}
	return "TEXT"
}

// maxSendFile bounds a --send-file: one frame, held in memory for the
// whole session.
const maxSendFile = 16 << 20

func rawConnectFlags(fs *pflag.FlagSet) Dial {
	f := &rawFlags{}
	f.register(fs)
	return f.dial
}

func (f *rawFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVarP(&f.headers, "header", "H", nil, "send this upgrade `HEADER`, 'Name: value'; repeat for several")
	fs.StringArrayVar(&f.secretHeaders, "secret-header", nil, "send this `HEADER` like -H, and mask its value wherever it would be shown")
	fs.StringArrayVarP(&f.subprotocols, "subprotocol", "s", nil, "offer this subprotocol `NAME` (Sec-WebSocket-Protocol); repeat for several, in order of preference")
	fs.StringVarP(&f.origin, "origin", "o", "", "send this `ORIGIN` header, e.g. https://app.example")
	fs.StringVar(&f.token, "token", "", "bearer `TOKEN` sent as 'Authorization: Bearer …', never shown (default $"+TokenEnv+", which ps cannot see)")
	fs.BoolVarP(&f.insecure, "insecure", "k", false, "wss://: do not verify the server's certificate")
	fs.StringVar(&f.ca, "ca", "", "wss://: trust the CA certificates in this PEM `FILE` instead of the system's")
	fs.Var(sendFlag{list: &f.onConnect}, "send", "send this text frame after every connect and reconnect; repeat for several")
	fs.Var(sendFlag{list: &f.onConnect, file: true}, "send-file", "send this file's content, exactly, as one text frame after every connect and reconnect")
}

// dial builds the session the parsed flags describe.
func (f *rawFlags) dial(args []string, o Options) (run.Session, error) {
	c, err := f.config(args[0], o)
	if err != nil {
		return run.Session{}, err
	}
	s, err := rawsession.New(c)
	if err != nil {
		return run.Session{}, run.UsageError{Err: err}
	}
	return run.Session{
		Endpoint:  s.Endpoint(),
		Secrets:   s.Secrets(),
		SendStdin: true,
		Run:       s.Run,
		Do:        s.Do,
		Controls:  s.Controls(),
	}, nil
}

// config turns the flags into a session's Config; every mistake is a
// usage error naming its flag.
func (f *rawFlags) config(url string, o Options) (rawsession.Config, error) {
	c := rawsession.Config{
		URL: url, Header: http.Header{}, Subprotocols: f.subprotocols, Origin: f.origin, Token: f.token,
		Options: session.Options{MaxRetries: o.MaxRetries, Insecure: f.insecure, CAFile: f.ca},
	}
	if c.Token == "" {
		c.Token = os.Getenv(TokenEnv)
	}
	add := func(flag, h string) error {
		name, value, err := rawsession.ParseHeader(h)
		if err != nil {
			return run.Usagef("%s %v", flag, err)
		}
		if len(c.Header.Values(name)) > 0 && name != "Cookie" {
			return run.Usagef("%s %s: given twice", flag, name)
		}
		c.Header.Add(name, value)
		return nil
	}
	for _, h := range f.headers {
		if err := add("-H", h); err != nil {
			return c, err
		}
	}
	for _, h := range f.secretHeaders {
		if err := add("--secret-header", h); err != nil {
			return c, err
		}
		name, _, _ := rawsession.ParseHeader(h)
		c.SecretHeaders = append(c.SecretHeaders, name)
	}
	for _, s := range f.onConnect {
		if !s.file {
			c.OnConnect = append(c.OnConnect, s.value)
			continue
		}
		text, err := readSendFile(s.value)
		if err != nil {
			return c, run.UsageError{Err: err}
		}
		c.OnConnect = append(c.OnConnect, text)
	}
	return c, nil
}

// readSendFile reads a --send-file: text, since only text frames are
// sent.
func readSendFile(path string) (string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("--send-file: %w", err)
	}
	if st.Size() > maxSendFile {
		return "", fmt.Errorf("--send-file %s: %d bytes; one frame may be at most %d", path, st.Size(), maxSendFile)
	}
	// A device or a pipe says size 0 and may never end (/dev/zero):
	// read one byte past the limit at most.
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("--send-file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSendFile+1))
	if err != nil {
		return "", fmt.Errorf("--send-file: %w", err)
	}
	if len(b) > maxSendFile {
		return "", fmt.Errorf("--send-file %s: more than %d bytes; one frame may be at most that", path, maxSendFile)
	}
	if !utf8.Valid(b) {
		return "", fmt.Errorf("--send-file %s is not UTF-8 text: evtap sends text frames only", path)
	}
	return string(b), nil
}

package session

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"time"

	"github.com/gorilla/websocket"
)

// Defaults for Options.
const (
	DefaultPingInterval      = 30 * time.Second
	DefaultPongWait          = 10 * time.Second // the RingCentral docs want a pong within 10 s
	DefaultHeartbeatInterval = 60 * time.Second // @rc-ex/ws sends its Heartbeat after 60 s
	DefaultStableAfter       = 10 * time.Second
	DefaultHandshakeTimeout  = 15 * time.Second
	DefaultCloseWait         = 2 * time.Second
	DefaultReadLimit         = 4 << 20
	DefaultRESTTimeout       = 15 * time.Second  // PubNub's and the SDKs' timeout for non-subscribe calls
	DefaultPollTimeout       = 310 * time.Second // PubNub clients' subscribe timeout; the server holds a poll ~280 s
	DefaultEndTimeout        = 5 * time.Second
	// DefaultRotateLeadMax caps the default rotation lead (10% of a
	// target's lifetime).
	DefaultRotateLeadMax = time.Minute
	// MaxRetryAfter caps a server's Retry-After, so a hostile or broken
	// server cannot park the session for days.
	MaxRetryAfter = 5 * time.Minute
)

// Options are the engine's timings and limits. The zero value takes every
// default; a negative duration switches that mechanism off.
type Options struct {
	// MaxRetries ends Run with ErrGaveUp after this many consecutive
	// attempts that never reached a healthy connection; 0 retries forever.
	MaxRetries int
	// Backoff spaces the attempts.
	Backoff Backoff
	// PingInterval is how often a WebSocket ping is sent.
	PingInterval time.Duration
	// PongWait is how long past a ping interval the connection may stay
	// silent (no frame, no pong) before it counts as dead.
	PongWait time.Duration
	// HeartbeatInterval sends the provider's keepalive frame when nothing
	// was received, or nothing sent, for this long.
	HeartbeatInterval time.Duration
	// StableAfter is how long a healthy connection must last before the
	// backoff starts again from its first step, for connections whose
	// provider never calls Link.Working; shorter ones keep the backoff
	// growing, so a server that accepts and drops at once is not
	// hammered.
	StableAfter time.Duration
	// HandshakeTimeout bounds the dial and upgrade.
	HandshakeTimeout time.Duration
	// CloseWait is how long a clean close waits for the server's reply.
	CloseWait time.Duration
	// ReadLimit is the largest WebSocket message, and the largest REST
	// or long-poll answer body, accepted. A larger frame ends the
	// connection (the session reconnects); a larger body fails the
	// request.
	ReadLimit int64
	// RESTTimeout bounds one Link.REST exchange.
	RESTTimeout time.Duration
	// PollTimeout bounds one long-poll request. It must exceed the
	// server's hold time (PubNub holds ~280 s): a held poll is not a
	// dead connection.
	PollTimeout time.Duration
	// RotateLead is how long before a Target's ExpiresAt its rotation
	// starts, unless the Target says otherwise; zero means 10% of the
	// target's lifetime, at most DefaultRotateLeadMax.
	RotateLead time.Duration
	// EndTimeout bounds the Provider's End.
	EndTimeout time.Duration

	// Insecure skips TLS certificate verification (wss:// and https://
	// to a server with a self-signed certificate).
	Insecure bool
	// CAFile names a PEM file of CA certificates to trust instead of the
	// system's (as curl --cacert).
	CAFile string
	// RootCAs is a pool to trust instead of the system's; CAFile's
	// certificates are added to it.
	RootCAs *x509.CertPool

	// Dialer dials WebSockets; nil uses a copy of
	// websocket.DefaultDialer. The TLS options above replace its
	// TLSClientConfig when any is set.
	Dialer *websocket.Dialer
	// HTTPClient makes REST and long-poll requests; nil builds one from
	// the TLS options. Its own Timeout, if any, must exceed PollTimeout.
	HTTPClient *http.Client
	// Now is the session's wall clock; nil means time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&o.PingInterval, DefaultPingInterval)
	def(&o.PongWait, DefaultPongWait)
	def(&o.HeartbeatInterval, DefaultHeartbeatInterval)
	def(&o.StableAfter, DefaultStableAfter)
	def(&o.HandshakeTimeout, DefaultHandshakeTimeout)
	def(&o.CloseWait, DefaultCloseWait)
	def(&o.RESTTimeout, DefaultRESTTimeout)
	def(&o.PollTimeout, DefaultPollTimeout)
	def(&o.EndTimeout, DefaultEndTimeout)
	if o.ReadLimit <= 0 {
		o.ReadLimit = DefaultReadLimit
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Backoff.Rand == nil {
		// Drawn here, not lazily by Delay: Delay runs on Run's goroutine
		// while readers read the options.
		o.Backoff.Rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	return o
}

// TLSConfig builds the TLS settings the options ask for, reading CAFile;
// nil when they ask for none (the system's defaults apply). A command
// line can call it to report a bad CA file before connecting; Run
// reports it too.
func (o Options) TLSConfig() (*tls.Config, error) {
	if !o.Insecure && o.CAFile == "" && o.RootCAs == nil {
		return nil, nil
	}
	cfg := &tls.Config{RootCAs: o.RootCAs, InsecureSkipVerify: o.Insecure} //nolint:gosec // the operator asked for it
	if o.CAFile != "" {
		pem, err := readCAFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if o.RootCAs != nil {
			pool = o.RootCAs.Clone()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s holds no PEM certificate", o.CAFile)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// readBufferSize is the WebSocket read buffer unless the Dialer sets
// one: gorilla's 4 KiB default makes a read(2) for every nine frames
// of a fast notification stream; 64 KiB takes what the kernel has in
// one.
const readBufferSize = 64 << 10

// maxResponseHeader bounds the headers of a REST or long-poll answer.
const maxResponseHeader = 64 << 10

// clients builds the WebSocket dialer and the HTTP client from the
// options.
func (o Options) clients() (*websocket.Dialer, *http.Client, error) {
	tc, err := o.TLSConfig()
	if err != nil {
		return nil, nil, err
	}
	d := *websocket.DefaultDialer
	if o.Dialer != nil {
		d = *o.Dialer
	}
	if d.ReadBufferSize == 0 {
		d.ReadBufferSize = readBufferSize
	}
	if tc != nil {
		d.TLSClientConfig = tc
	}
	hc := o.HTTPClient
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = tc
		tr.MaxResponseHeaderBytes = maxResponseHeader
		hc = &http.Client{Transport: tr}
	}
	return &d, hc, nil
}

// readTimeout is how long a WebSocket reader waits for any frame or pong
// before declaring the connection dead; 0 when pings are off (a silent
// server is then only caught by the provider's own timeouts).
func (o Options) readTimeout() time.Duration {
	if o.PingInterval < 0 {
		return 0
	}
	w := o.PongWait
	if w < 0 {
		w = 0
	}
	return o.PingInterval + w
}

// rotateAt is when a connection to t, prepared at issued, starts its
// rotation; zero when t does not expire or expired already.
func (o Options) rotateAt(t Target, issued time.Time) time.Time {
	if t.ExpiresAt.IsZero() || !t.ExpiresAt.After(issued) {
		return time.Time{}
	}
	life := t.ExpiresAt.Sub(issued)
	lead := t.RotateLead
	if lead <= 0 {
		lead = o.RotateLead
	}
	if lead <= 0 {
		lead = min(life/10, DefaultRotateLeadMax)
	}
	at := t.ExpiresAt.Add(-lead)
	if earliest := issued.Add(life / 2); at.Before(earliest) {
		at = earliest
	}
	return at
}

// maxCAFile bounds a CA file: a bundle of every public root is a few
// hundred KiB; /dev/zero given by mistake must not be read for ever.
const maxCAFile = 8 << 20

func readCAFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	pem, err := io.ReadAll(io.LimitReader(f, maxCAFile+1))
	if err == nil && len(pem) > maxCAFile {
		err = fmt.Errorf("%s is over %d MiB: not a CA file", path, maxCAFile>>20)
	}
	return pem, err
}

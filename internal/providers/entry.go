package providers

import (
	"io"

	"github.com/spf13/pflag"

	"github.com/evtap/evtap/internal/run"
	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/replay"
	"github.com/evtap/evtap/sim/emu"
	"github.com/evtap/evtap/ui"
)

// Entry is one provider: everything evtap needs to connect to it, emulate
// it, decode, show, record and replay it. internal/providers/<name>.go
// builds one from the provider's own packages (protocol/<name>,
// session/<name>, sim/<name>) and registers it from init.
type Entry struct {
	// Name is the provider's name on the command line, in recording
	// headers and in Event.Provider: "ringcentral".
	Name string
	// Title names the provider in prose and in the TUI header:
	// "RingCentral".
	Title string
	// Summary is one line for `evtap connect --help` and `evtap sim
	// --help`.
	Summary string

	// Connect is `evtap connect NAME`: a real service. nil when evtap
	// cannot connect to one.
	Connect *Connect
	// Emulator is `evtap sim NAME` and `evtap demo NAME`. nil when there
	// is no emulator.
	Emulator *Emulator

	// Decoder makes a fresh decoder of the provider's frames, for a
	// replay or a HAR import. A live session's decoder comes from its
	// session.Provider. Callers use NewDecoder, which adds what every
	// session shares.
	Decoder func() protocol.Decoder
	// UI is what the TUI shows and offers for this provider: pane
	// titles, phase words, the filter editor.
	UI ui.Provider
	// Redact adds the provider's redaction rules to the options of a
	// recording or of headless output (secrets in URL paths, fields
	// only this provider uses). nil keeps the recorder's own rules.
	Redact func(*record.Options)
	// Responder makes what answers a client during `evtap replay
	// --serve` (a handshake, a subscription request, a heartbeat, the
	// REST calls an SDK makes first) so that the client gets through its
	// start-up; nil serves the recorded frames only.
	Responder func() replay.Responder
	// HAR reports whether a WebSocket entry of a HAR capture is this
	// provider's, from the socket's URL and the first text frame it
	// received (nil when none). nil never claims one; an entry nobody
	// claims is imported as a raw stream.
	HAR func(url string, firstReceived []byte) bool
	// CatchAll makes the entry claim only what no other entry claims
	// (Registry.Claim, Registry.HAR): the raw WebSocket takes any
	// ws:// URL and any HAR socket that no provider recognises as its
	// own, whatever the names' order.
	CatchAll bool
}

// Connect is how `evtap connect NAME` reaches a real service.
type Connect struct {
	// Args names the positional arguments after the provider's name in
	// the usage line ("" for none, "URL"); NArgs is how many there are.
	Args  string
	NArgs int
	// Long is the help text of `evtap connect NAME`.
	Long string
	// Claims reports whether a command-line argument selects this
	// provider without its name being given (`evtap connect ws://…`).
	// nil claims nothing.
	Claims func(arg string) bool
	// Flags registers the provider's own flags on fs and returns the
	// function that builds the session once they are parsed.
	Flags func(fs *pflag.FlagSet) Dial
}

// Dial builds a live session from the provider's parsed flags, its
// positional arguments and the options every live session shares. A
// mistake in them is a run.UsageError.
type Dial func(args []string, o Options) (run.Session, error)

// Options are what every live session takes from the shared flags.
type Options struct {
	// Filters are the subscription's filters (or topics), as the
	// provider spells them; empty means the provider's default.
	Filters []string
	// MaxRetries gives up after this many consecutive failed attempts;
	// 0 keeps retrying.
	MaxRetries int
}

// Emulator is the provider's emulator: `evtap sim NAME` and the demo.
type Emulator struct {
	// Long is the help text of `evtap sim NAME`.
	Long string
	// Flags registers `evtap sim NAME`'s flags on fs and returns the
	// function that builds the emulator they describe, not yet started;
	// log takes the operator log (never secrets). Bad values are a
	// run.UsageError.
	Flags func(fs *pflag.FlagSet) func(log io.Writer) (Sim, error)
	// Demo builds the emulator the demo starts: it accepts the demo
	// credentials and generates events.
	Demo func(o DemoOptions) Sim
	// Client builds a session connected to a running emulator at url,
	// with the credentials the emulator accepts.
	Client func(url string, o Options) (run.Session, error)
}

// DemoOptions tune the demo's emulator.
type DemoOptions struct {
	Rate float64 // events generated per second
	Seed int64   // makes generated events repeat; 0 picks one at random
}

// Sim is a running (or ready) emulator as the demo and `evtap sim`
// drive it.
type Sim interface {
	// Start listens on addr (port 0 picks a free one) and returns the
	// base URL a client is given.
	Start(addr string) (url string, err error)
	// Banner tells a person where everything is and which credentials
	// work.
	Banner() string
	// Faults lists what only the emulator can do (close from the server
	// side, forget a session, expire a subscription), each described by
	// the emulator itself. The demo offers them in the fault menu beside
	// the session's own controls and routes them here.
	Faults() []emu.Fault
	// Do carries out one of Faults.
	Do(cmd protocol.Command) error
	// Close stops the emulator and cuts every connection.
	Close() error
}

// NewDecoder is the decoder a replay or an import runs over this
// provider's recorded Updates: the provider's own, with the layer the
// live engine adds too (protocol.WithPings), so both derive the same.
func (e *Entry) NewDecoder() protocol.Decoder {
	var d protocol.Decoder
	if e.Decoder != nil {
		d = e.Decoder()
	}
	return protocol.WithPings(d)
}

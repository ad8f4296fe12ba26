package run

import (
	"context"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/ui"
)

// Session is a live session as the commands run it: how to run it, how
// to steer it, what the UI says about its provider and what a recording
// header says about it. The provider registry builds one; nothing here
// knows which provider it is.
type Session struct {
	Provider string   // the provider's name, for the recording header
	Endpoint string   // for the recording header; redacted there
	Title    string   // shown in the TUI header
	Secrets  []string // literal credentials to keep out of every output
	// Redact adds the provider's redaction rules to the options of
	// every recording and of headless output; nil keeps the recorder's
	// defaults.
	Redact func(*record.Options)
	// UI is what the TUI shows and offers for this provider.
	UI ui.Provider

	// SendStdin asks a headless run to send each line of stdin as a
	// text frame (CmdSend), so `producer | evtap connect … | jq` works.
	SendStdin bool

	Run      func(ctx context.Context, emit func(protocol.Update)) error
	Do       func(protocol.Command) error
	Controls protocol.Controls
	// Faults are fault-menu entries beyond the generic ones Controls
	// imply (an emulator's own, described by it); Do routes them.
	Faults []ui.Fault
	// Close releases what the session needs besides itself (an
	// in-process emulator); nil when nothing. Called once the run ends.
	Close func() error
}

// recordOptions are the recorder's options for s: the provider's rules,
// the session's literal secrets, the user's --no-redact and --force, and
// one memory of issued secrets that headless output and every recording
// of the session share (so they name every secret alike, and a
// recording started late knows what headless output has seen).
func (s Session) recordOptions(keepSecrets, force bool) record.Options {
	o := record.Options{KeepSecrets: keepSecrets, Secrets: s.Secrets, Force: force, Issued: record.NewIssued()}
	if s.Redact != nil {
		s.Redact(&o)
	}
	return o
}

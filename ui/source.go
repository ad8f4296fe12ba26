package ui

import (
	"context"

	"github.com/evtap/evtap/protocol"
)

// Source is everything the UI watches and steers: a live session and a
// replay both satisfy it, and the UI cannot tell them apart except by the
// Controls they offer. The UI knows nothing of sockets or files.
type Source interface {
	// Next blocks until at least one Update is pending or ctx ends, then
	// returns every pending Update at once (one burst, so that the UI
	// renders once per burst, not once per event) and how many Updates
	// were skipped since the last call because the UI fell behind.
	// ok is false once the source has ended and everything was returned.
	Next(ctx context.Context) (batch []protocol.Update, skipped int, ok bool)
	// Controls says which commands this source accepts.
	Controls() protocol.Controls
	// Do asks the source to act. It returns quickly: the outcome arrives
	// later as Updates. An error means the command was not accepted.
	Do(cmd protocol.Command) error
}

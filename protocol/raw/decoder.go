package raw

import (
	"encoding/base64"

	"github.com/evtap/evtap/protocol"
)

// StreamID is the ID of the one subscription a raw stream reports: the
// stream itself, to which every event is credited.
const StreamID = "stream"

// Decoder is the raw provider's protocol.Decoder: one per session, replay
// or import, fed every Update in order. Each received text or binary
// frame becomes one event; the server's close frame becomes one when the
// state that ends its connection says the close code; the dropped and
// live states bound outage windows. It never returns a typed message:
// nothing a raw server sends needs an answer.
type Decoder struct {
	outages   protocol.Outages
	announced bool // the stream's subscription was reported

	// A received close frame waits for the dropped or closed state of
	// its connection, which carries the code (the frame holds only the
	// reason). Connections follow one another, so one slot is enough.
	closing     bool
	closingConn int
	closeReason string
}

// NewDecoder returns a decoder for one session.
func NewDecoder() *Decoder { return &Decoder{} }

var _ protocol.Decoder = (*Decoder)(nil)

// Decode implements protocol.Decoder.
func (d *Decoder) Decode(dst []protocol.Update, u *protocol.Update, raw []byte) ([]protocol.Update, any) {
	if g := d.outages.Observe(u); g != nil {
		dst = append(dst, derived(u, protocol.Update{Kind: protocol.KindGap, Gap: g}))
	}
	switch u.Kind {
	case protocol.KindRecv:
		if u.Frame != nil {
			dst = d.received(dst, u, raw)
		}
	case protocol.KindState:
		if u.State != nil {
			dst = d.state(dst, u)
		}
	}
	return dst, nil
}

// derived stamps d with the time and connection of the Update it
// follows from.
func derived(u *protocol.Update, d protocol.Update) protocol.Update {
	d.Time, d.Offset, d.Conn = u.Time, u.Offset, u.Conn
	return d
}

func (d *Decoder) received(dst []protocol.Update, u *protocol.Update, raw []byte) []protocol.Update {
	f := u.Frame
	switch f.Op {
	case protocol.OpText:
		if raw == nil {
			raw = []byte(f.Data)
		}
		return append(dst, derived(u, protocol.Update{Kind: protocol.KindEvent, Event: TextEvent(raw)}))
	case protocol.OpBinary:
		if raw == nil {
			b, err := base64.StdEncoding.DecodeString(f.Data)
			if err != nil {
				return append(dst, derived(u, protocol.Update{Kind: protocol.KindError,
					Error: &protocol.Error{Where: protocol.WhereDecode, Message: "a binary frame whose data is not base64: " + err.Error()}}))
			}
			raw = b
		}
		return append(dst, derived(u, protocol.Update{Kind: protocol.KindEvent, Event: BinaryEvent(raw)}))
	case protocol.OpClose:
		d.closing, d.closingConn, d.closeReason = true, u.Conn, f.Data
	}
	return dst
}

func (d *Decoder) state(dst []protocol.Update, u *protocol.Update) []protocol.Update {
	switch u.State.Phase {
	case protocol.PhaseLive:
		if !d.announced {
			d.announced = true
			dst = append(dst, derived(u, protocol.Update{Kind: protocol.KindSubscription, Subscription: &protocol.Subscription{
				ID: StreamID, Status: "every frame",
				Note: "a raw WebSocket has no subscriptions: every frame the server sends is an event",
			}}))
		}
	case protocol.PhaseDropped, protocol.PhaseClosed, protocol.PhaseRotating:
		if d.closing && d.closingConn == u.Conn {
			d.closing = false
			dst = append(dst, derived(u, protocol.Update{Kind: protocol.KindEvent, Event: CloseEvent(u.State.CloseCode, d.closeReason)}))
			d.closeReason = ""
		}
	}
	return dst
}

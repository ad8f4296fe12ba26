package protocol

import "time"

// Outages derives outage windows for a Decoder whose protocol cannot
// count what it missed (no sequence numbers, no resume token): Dialpad's
// socket, a raw stream. Feed it every Update, in order; it returns a Gap
// (Start, End, Missed 0) when a window closes.
//
// A window opens when the connection that was delivering ends and closes
// when a connection delivers again. A connection delivers from the state
// Up (PhaseLive unless set) that it reports, and stops with a dropped
// state or a close frame, either way, on its Conn; the newest connection
// to report Up is the one that counts, so the end of an older one it
// replaced is no outage. The session engine's rules then read as they
// should:
//
//   - a drop (dropped, backoff, a new connection, live) is a window from
//     the close frame or dropped state to the new live;
//   - a rotation that closes before it opens (break before make, or a
//     server close the provider answers by preparing again) is a window
//     from the close to the new live;
//   - a make-before-break rotation is no window: the new connection is
//     live (the engine publishes its live state when the handover
//     completes) before the old one's close frames;
//   - an old connection lost during a handover, before the new one is
//     live, is a window from its drop to the new live;
//   - the first connection of a session opens no window, and a closed
//     session discards an open one.
//
// The zero value is ready to use. An Outages is as deterministic as the
// Decoder using it: it reads times from the Updates only.
type Outages struct {
	// Up is the phase from which a connection counts as delivering;
	// "" means PhaseLive.
	Up Phase

	up     int  // the connection delivering now; 0: none
	served bool // some connection has delivered
	open   bool
	start  time.Time
	cause  string
}

// Observe reads u and returns the Gap of a window it closes, or nil.
func (o *Outages) Observe(u *Update) *Gap {
	switch {
	case u.Kind == KindState && u.State != nil:
		return o.state(u)
	case (u.Kind == KindRecv || u.Kind == KindSent) && u.Frame != nil && u.Frame.Op == OpClose:
		o.down(u.Conn, u.Time, "the connection was closed")
	}
	return nil
}

func (o *Outages) state(u *Update) *Gap {
	up := o.Up
	if up == "" {
		up = PhaseLive
	}
	switch u.State.Phase {
	case up:
		if u.Conn < o.up {
			return nil // a connection already replaced
		}
		o.up, o.served = u.Conn, true
		if !o.open {
			return nil
		}
		o.open = false
		return &Gap{Start: o.start, End: u.Time, Reason: "no connection was delivering (" + o.cause + "): events sent meanwhile may have been lost"}
	case PhaseDropped:
		cause := u.State.Cause
		if cause == "" {
			cause = "the connection dropped"
		}
		o.down(u.Conn, u.Time, cause)
	case PhaseClosed:
		o.open, o.up = false, 0
	}
	return nil
}

// down ends connection n's delivery at t.
func (o *Outages) down(n int, t time.Time, cause string) {
	if n != o.up || n == 0 {
		return
	}
	o.up = 0
	if o.served && !o.open {
		o.open, o.start, o.cause = true, t, cause
	}
}

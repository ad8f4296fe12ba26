package raw

import (
	"slices"
	"strings"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/session"
)

// maskingDecoder keeps the session's secrets (the token, secret header
// values, a password or token in the URL) out of every Update the
// session publishes: a server that echoes the upgrade's headers, or a
// --send frame that carries the token, shows the mask on screen, in
// headless output and in recordings alike. The frames go out and come in
// as they are; only what is published is masked.
//
// It masks each Update before protocol/raw's Decoder reads it, so what
// is derived (an event's summary and body, a close reason) comes from the
// masked frame, exactly as a replay of the recording derives it. A
// binary frame's bytes are not searched.
type maskingDecoder struct {
	secrets secrets
	inner   protocol.Decoder
}

// Decode masks u, then decodes it.
func (d *maskingDecoder) Decode(dst []protocol.Update, u *protocol.Update, raw []byte) ([]protocol.Update, any) {
	if len(d.secrets) > 0 && d.mask(u) && u.Frame != nil {
		raw = []byte(u.Frame.Data)
	}
	return d.inner.Decode(dst, u, raw)
}

// secrets are the literal credentials of a session, longest first, so
// that a secret inside another is masked as part of it.
type secrets []string

// add adds s, unless it is too short to be told from ordinary words.
func (ss *secrets) add(s string) {
	if len(s) < minSecret || slices.Contains(*ss, s) {
		return
	}
	*ss = append(*ss, s)
	slices.SortStableFunc(*ss, func(a, b string) int { return len(b) - len(a) })
}

// mask replaces every secret in s with session.Mask; s itself when it
// holds none.
func (ss secrets) mask(s string) string {
	for _, sec := range ss {
		if strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, session.Mask)
		}
	}
	return s
}

func (d *maskingDecoder) text(s string) string { return d.secrets.mask(s) }

// mask masks every secret in u and reports whether a frame's text
// changed. u's payload is copied before it is changed, never written
// through: someone else may hold it.
func (d *maskingDecoder) mask(u *protocol.Update) (frameChanged bool) {
	switch {
	case u.Frame != nil:
		if u.Frame.Enc == "" {
			if s := d.text(u.Frame.Data); s != u.Frame.Data {
				f := *u.Frame
				f.Data = s // Size stays what went over the wire
				u.Frame = &f
				return true
			}
		}
	case u.State != nil:
		st := *u.State
		st.URL, st.Cause = d.text(st.URL), d.text(st.Cause)
		if len(st.Info) > 0 {
			info := make(map[string]string, len(st.Info))
			for k, v := range st.Info {
				info[k] = d.text(v)
			}
			st.Info = info
		}
		u.State = &st
	case u.Error != nil:
		e := *u.Error
		e.Message = d.text(e.Message)
		u.Error = &e
	case u.Marker != nil:
		m := *u.Marker
		m.Label = d.text(m.Label)
		u.Marker = &m
	}
	return false
}

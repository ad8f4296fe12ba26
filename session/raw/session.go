package raw

import (
	"context"
	"fmt"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/session"
)

// Session is a raw WebSocket session: the provider driven by the engine.
// Create it with New, start it with Run, steer it with Do.
type Session struct {
	p *provider
	s *session.Session
}

// New validates c and builds its session. An error is a mistake in c (a
// URL that is not ws://, a header that cannot be sent, a CA file that
// cannot be read), said in the user's terms.
func New(c Config) (*Session, error) {
	pl, err := newPlan(c)
	if err != nil {
		return nil, err
	}
	p := &provider{plan: pl}
	for _, f := range c.OnConnect {
		p.onConnect = append(p.onConnect, []byte(f))
	}
	return &Session{p: p, s: session.New(p, c.Options)}, nil
}

// Endpoint is the URL dialled, its secrets masked.
func (s *Session) Endpoint() string { return s.p.plan.target.Masked }

// Secrets are the literal credentials of the session (the token, secret
// header values, a password or token in the URL), for the recorder to
// keep out of every file too.
func (s *Session) Secrets() []string { return append([]string(nil), s.p.plan.secrets...) }

// Run runs the session until ctx ends, a close command, a final refusal
// or ErrGaveUp, as session.Run does. Every Update reaches emit with the
// session's secrets masked (see maskingDecoder).
func (s *Session) Run(ctx context.Context, emit func(protocol.Update)) error {
	return s.s.Run(ctx, emit)
}

// Controls lists the commands the session accepts: the engine's, less
// set_filters (a raw stream has none).
func (s *Session) Controls() protocol.Controls {
	c := s.s.Controls()
	delete(c, protocol.CmdSetFilters)
	return c
}

// Do queues a command; it never blocks on the network. A send while no
// connection is open waits for the next one (see provider.send).
func (s *Session) Do(cmd protocol.Command) error {
	switch cmd.Kind {
	case protocol.CmdSend:
		return s.p.send(cmd.Text)
	case protocol.CmdSetFilters:
		return errNoFilters
	}
	if !s.Controls().Has(cmd.Kind) {
		return fmt.Errorf("a raw WebSocket session does not accept %q", cmd.Kind)
	}
	return s.s.Do(cmd)
}

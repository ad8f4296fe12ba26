package main

import (
	"context"
	"io"

	"github.com/evtap/evtap/protocol"
	rcsession "github.com/evtap/evtap/session/ringcentral"
	rcsim "github.com/evtap/evtap/sim/ringcentral"
)

func runConnectRingCentral(ctx context.Context, lf liveFlags, c ringCentralCreds, stdout, stderr io.Writer) error {
	if err := lf.validate(); err != nil {
		return err
	}
	s := rcsession.New(rcsession.Config{
		Server:       c.server,
		ClientID:     c.clientID,
		ClientSecret: c.clientSecret,
		JWT:          c.jwt,
		Filters:      lf.filters,
		MaxRetries:   lf.maxRetries,
	})
	return runLive(ctx, lf, live{
		provider: rcsession.ProviderName,
		endpoint: c.server,
		secrets:  []string{c.clientSecret, c.jwt},
		run:      s.Run,
		do:       s.Do,
		controls: s.Controls(),
		title:    "RingCentral " + c.server,
	}, stdout, stderr)
}

// runDemo starts the emulator in-process on loopback and a session
// against it. Faults only the emulator can cause (forget the session,
// refuse a token, delay or reorder frames) are routed to it; the rest go
// to the session, exactly as with a real server.
func runDemo(ctx context.Context, lf liveFlags, df demoFlags, stdout, stderr io.Writer) error {
	if err := lf.validate(); err != nil {
		return err
	}
	srv := rcsim.New(rcsim.Config{Rate: df.rate, Seed: df.seed})
	base, err := srv.Start("127.0.0.1:0")
	if err != nil {
		return err
	}
	defer srv.Close()
	s := rcsession.New(rcsession.Config{
		Server:       base,
		ClientID:     rcsim.DemoClientID,
		ClientSecret: rcsim.DemoClientSecret,
		JWT:          rcsim.DemoJWT,
		Filters:      lf.filters,
		MaxRetries:   lf.maxRetries,
	})
	controls := protocol.Controls{}
	for k, v := range s.Controls() {
		controls[k] = v
	}
	for _, k := range []protocol.CommandKind{protocol.CmdForget, protocol.CmdRefuseToken, protocol.CmdDelayFrames, protocol.CmdReorderFrames} {
		controls[k] = true
	}
	do := func(cmd protocol.Command) error {
		switch cmd.Kind {
		case protocol.CmdForget:
			srv.Forget("") // also cuts the connection, with no close handshake
			return nil
		case protocol.CmdRefuseToken:
			srv.RefuseNextToken()
			return nil
		case protocol.CmdDelayFrames:
			srv.SetFrameDelay(cmd.Duration)
			return nil
		case protocol.CmdReorderFrames:
			srv.SetReorder(cmd.On)
			return nil
		}
		return s.Do(cmd)
	}
	return runLive(ctx, lf, live{
		provider: rcsession.ProviderName,
		endpoint: base,
		secrets:  []string{rcsim.DemoClientSecret, rcsim.DemoJWT},
		run:      s.Run,
		do:       do,
		controls: controls,
		title:    "RingCentral emulator " + base,
	}, stdout, stderr)
}

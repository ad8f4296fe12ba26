package main

import (
	"context"
	"io"

	"github.com/evtap/evtap/protocol"
	rcsession "github.com/evtap/evtap/session/ringcentral"
	"github.com/evtap/evtap/sim/emu"
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
// against it. The faults the emulator offers (close from the server
// side, forget the session, refuse a token, delay or reorder frames) are
// routed to it; the rest go to the session, exactly as with a real
// server.
func runDemo(ctx context.Context, lf liveFlags, df demoFlags, stdout, stderr io.Writer) error {
	if err := lf.validate(); err != nil {
		return err
	}
	if err := df.validate(); err != nil {
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
	controls, do := withEmulatorFaults(s.Controls(), s.Do, srv)
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

// withEmulatorFaults adds the faults an emulator offers to a session's
// controls and routes commands of those kinds to the emulator.
func withEmulatorFaults(c protocol.Controls, do func(protocol.Command) error, f emu.Faulter) (protocol.Controls, func(protocol.Command) error) {
	controls := protocol.Controls{}
	for k, v := range c {
		controls[k] = v
	}
	mine := map[protocol.CommandKind]bool{}
	for _, fault := range f.Faults() {
		controls[fault.Kind] = true
		mine[fault.Kind] = true
	}
	return controls, func(cmd protocol.Command) error {
		if mine[cmd.Kind] {
			return f.Fault(cmd)
		}
		return do(cmd)
	}
}

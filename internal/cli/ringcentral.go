package cli

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/evtap/evtap/internal/run"
	"github.com/evtap/evtap/protocol"
	rcsession "github.com/evtap/evtap/session/ringcentral"
	rcsim "github.com/evtap/evtap/sim/ringcentral"
)

// The production platform, used when neither --server nor
// RINGCENTRAL_SERVER_URL says otherwise.
const ringCentralProduction = "https://platform.ringcentral.com"

// ringCentralCreds are the credentials of `evtap connect ringcentral`.
// Flags override the environment.
type ringCentralCreds struct {
	server       string
	clientID     string
	clientSecret string
	jwt          string
}

func (c *ringCentralCreds) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&c.server, "server", "", "platform `URL` (default $RINGCENTRAL_SERVER_URL, else "+ringCentralProduction+")")
	fs.StringVar(&c.clientID, "client-id", "", "app client id (default $RINGCENTRAL_CLIENT_ID)")
	fs.StringVar(&c.clientSecret, "client-secret", "", "app client secret (default $RINGCENTRAL_CLIENT_SECRET)")
	fs.StringVar(&c.jwt, "jwt", "", "JWT credential (default $RINGCENTRAL_JWT)")
}

// resolve fills what the flags left empty from the environment and
// checks that a connection is possible at all.
func (c *ringCentralCreds) resolve() error {
	fill := func(v *string, env, def string) {
		if *v == "" {
			*v = os.Getenv(env)
		}
		if *v == "" {
			*v = def
		}
	}
	fill(&c.server, "RINGCENTRAL_SERVER_URL", ringCentralProduction)
	fill(&c.clientID, "RINGCENTRAL_CLIENT_ID", "")
	fill(&c.clientSecret, "RINGCENTRAL_CLIENT_SECRET", "")
	fill(&c.jwt, "RINGCENTRAL_JWT", "")
	switch {
	case c.clientID == "":
		return usagef("no client id: set RINGCENTRAL_CLIENT_ID or pass --client-id")
	case c.jwt == "":
		return usagef("no JWT credential: set RINGCENTRAL_JWT or pass --jwt")
	}
	return nil
}

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
	return run.Live(ctx, lf.LiveOptions, run.Session{
		Provider: rcsession.ProviderName,
		Endpoint: c.server,
		Secrets:  []string{c.clientSecret, c.jwt},
		Run:      s.Run,
		Do:       s.Do,
		Controls: s.Controls(),
		Title:    "RingCentral " + c.server,
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
	return run.Live(ctx, lf.LiveOptions, run.Session{
		Provider: rcsession.ProviderName,
		Endpoint: base,
		Secrets:  []string{rcsim.DemoClientSecret, rcsim.DemoJWT},
		Run:      s.Run,
		Do:       do,
		Controls: controls,
		Title:    "RingCentral emulator " + base,
		Close:    srv.Close,
	}, stdout, stderr)
}

// simConfig turns the sim flags into the emulator's configuration. On the
// command line 0 switches a limit off; in Config that is a negative value
// (0 there means "the default").
func (f simFlags) simConfig() (rcsim.Config, error) {
	off := func(d time.Duration) time.Duration {
		if d == 0 {
			return -1
		}
		return d
	}
	buffer := f.bufferSize
	if buffer == 0 {
		buffer = -1
	}
	cfg := rcsim.Config{
		ClientID:        f.clientID,
		ClientSecret:    f.clientSecret,
		JWT:             f.jwt,
		Rate:            f.rate,
		Seed:            f.seed,
		RecoveryTimeout: off(f.recoveryTimeout),
		BufferSize:      buffer,
		IdleTimeout:     off(f.idleTimeout),
		AbsoluteTimeout: off(f.absoluteTimeout),
		PingInterval:    off(f.pingInterval),
		WSTokenTTL:      f.wsTokenTTL,
		StrictTokens:    f.strictTokens,
	}
	if f.scenario != "" {
		sc, err := rcsim.LoadScenario(f.scenario)
		if err != nil {
			return cfg, run.UsageError{Err: err}
		}
		cfg.Scenario = sc
	}
	return cfg, nil
}

func runSimRingCentral(ctx context.Context, f simFlags, stdout, stderr io.Writer) error {
	cfg, err := f.simConfig()
	if err != nil {
		return err
	}
	cfg.Log = stderr // the operator log: connections, recoveries, faults; never tokens
	return rcsim.Serve(ctx, cfg, f.listen, stdout)
}

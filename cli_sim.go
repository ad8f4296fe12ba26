package main

import (
	"io"
	"time"

	"github.com/spf13/cobra"
)

// simFlags configure `evtap sim ringcentral`. Defaults follow the
// provider documents (recovery window 180 s, buffer 100, idle 30 min,
// absolute 24 h).
type simFlags struct {
	listen          string
	rate            float64
	seed            int64
	recoveryTimeout time.Duration
	bufferSize      int
	idleTimeout     time.Duration
	absoluteTimeout time.Duration
	pingInterval    time.Duration
	wsTokenTTL      time.Duration
	strictTokens    bool
	scenario        string
	clientID        string
	clientSecret    string
	jwt             string
}

func (f *simFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.listen, "listen", "127.0.0.1:0", "`ADDR` to listen on (port 0 picks a free one)")
	fs.Float64Var(&f.rate, "rate", 2, "notifications generated per second for each live subscription")
	fs.Int64Var(&f.seed, "seed", 0, "seed for generated events, so runs repeat exactly (0: random)")
	fs.DurationVar(&f.recoveryTimeout, "recovery-timeout", 180*time.Second, "how long a lost session can be recovered with its wsc token (0: never)")
	fs.IntVar(&f.bufferSize, "buffer-size", 100, "notifications kept for a lost session and replayed on recovery (0: none)")
	fs.DurationVar(&f.idleTimeout, "idle-timeout", 30*time.Minute, "close a connection silent this long with Error WSG-902 (0: never)")
	fs.DurationVar(&f.absoluteTimeout, "absolute-timeout", 24*time.Hour, "close every connection this old with Error WSG-903 (0: never)")
	fs.DurationVar(&f.pingInterval, "ping-interval", 30*time.Second, "how often to send WebSocket pings (0: never)")
	fs.DurationVar(&f.wsTokenTTL, "ws-token-ttl", 10*time.Minute, "lifetime of a ws_access_token")
	fs.BoolVar(&f.strictTokens, "strict-tokens", false, "accept each ws_access_token once, as the documents say (the official JS SDK reuses it)")
	fs.StringVar(&f.scenario, "scenario", "", "YAML `FILE` of scripted steps (send, drop, forget at given times)")
	fs.StringVar(&f.clientID, "client-id", "", "client id to accept (default: the demo one, printed at start)")
	fs.StringVar(&f.clientSecret, "client-secret", "", "client secret to accept (default: the demo one)")
	fs.StringVar(&f.jwt, "jwt", "", "JWT credential to accept (default: the demo one)")
}

func (f *simFlags) validate() error {
	switch {
	case checkRate(f.rate) != nil:
		return checkRate(f.rate)
	case f.bufferSize < 0:
		return usagef("--buffer-size must be 0 or more, got %d", f.bufferSize)
	case f.recoveryTimeout < 0, f.idleTimeout < 0, f.absoluteTimeout < 0, f.pingInterval < 0, f.wsTokenTTL <= 0:
		return usagef("durations must be positive")
	}
	return nil
}

func newSimCmd(stdout, stderr io.Writer) *cobra.Command {
	var f simFlags
	cmd := &cobra.Command{
		Use:   "sim PROVIDER",
		Short: "Run a provider emulator on loopback, for evtap or for your own client's tests",
		Long: `Run a faithful emulator of a provider's event API on loopback.

Providers: ringcentral (OAuth token and wstoken REST endpoints, the WebSocket
gateway with wsc session recovery, generated notifications, and a control
API for faults and counters; the banner says where everything is).`,
		Args: exactArgs(1, "a provider (ringcentral)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] != "ringcentral" {
				return usagef("unknown provider %q (known: ringcentral)", args[0])
			}
			if err := f.validate(); err != nil {
				return err
			}
			return runSimRingCentral(cmd.Context(), f, stdout, stderr)
		},
	}
	f.register(cmd)
	return cmd
}

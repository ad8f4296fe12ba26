package main

import (
	"context"
	"io"
	"time"

	rcsim "github.com/evtap/evtap/sim/ringcentral"
)

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
			return cfg, usageError{err}
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

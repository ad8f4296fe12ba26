package main

import (
	"context"
	"io"

	rcsim "github.com/evtap/evtap/sim/ringcentral"
)

// simConfig turns the sim flags into the emulator's configuration.
func (f simFlags) simConfig() (rcsim.Config, error) {
	cfg := rcsim.Config{
		ClientID:        f.clientID,
		ClientSecret:    f.clientSecret,
		JWT:             f.jwt,
		Rate:            f.rate,
		Seed:            f.seed,
		RecoveryTimeout: f.recoveryTimeout,
		BufferSize:      f.bufferSize,
		IdleTimeout:     f.idleTimeout,
		AbsoluteTimeout: f.absoluteTimeout,
		PingInterval:    f.pingInterval,
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

func runSimRingCentral(ctx context.Context, f simFlags, stdout, _ io.Writer) error {
	cfg, err := f.simConfig()
	if err != nil {
		return err
	}
	return rcsim.Serve(ctx, cfg, f.listen, stdout)
}

// Command soak is evtap's chaos soak (issue 13): the RingCentral
// emulator, in-process on loopback, makes notifications at 1k a second;
// evtap runs as a separate process (`evtap connect ringcentral
// --headless --record FILE`) and the soak reads its stdout slowly. Every
// 10 s the soak cuts the connection, every 60 s it makes the emulator
// forget the session. At the end it compares evtap's output with the
// emulator's ledger, notification by notification: nothing inside the
// recovery window lost or duplicated, every gap counting exactly what was
// missed. It samples evtap's RSS and goroutines to show they stay flat,
// checks that the backoff restarts after each recovery, and prints a
// report. It exits 1 when a check fails, 2 when it cannot run.
//
//	go run ./soak -duration 30m
//
// `go test ./soak` runs a 15-second version. docs/soak.md says more.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	cfg := DefaultConfig()
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.DurationVar(&cfg.Duration, "duration", cfg.Duration, "how long the chaos lasts (catching up and checking come after)")
	fs.Float64Var(&cfg.Rate, "rate", cfg.Rate, "notifications per second the emulator makes")
	fs.Int64Var(&cfg.Seed, "seed", cfg.Seed, "the emulator's seed")
	fs.IntVar(&cfg.Buffer, "buffer", cfg.Buffer, "the emulator's recovery buffer, in notifications")
	fs.DurationVar(&cfg.DropEvery, "drop-every", cfg.DropEvery, "cut evtap's connection this often")
	fs.DurationVar(&cfg.ForgetEvery, "forget-every", cfg.ForgetEvery, "make the emulator forget the session this often")
	fs.DurationVar(&cfg.SampleEvery, "sample-every", cfg.SampleEvery, "read evtap's RSS and goroutines this often")
	fs.IntVar(&cfg.PauseEvery, "pause-every", cfg.PauseEvery, "stdout lines between two pauses of the slow reader")
	fs.DurationVar(&cfg.Pause, "pause", cfg.Pause, "how long the slow reader pauses")
	fs.Float64Var(&cfg.MaxRSSSlope, "max-rss-slope", cfg.MaxRSSSlope, "largest RSS slope after the warm-up, MB per minute")
	fs.Float64Var(&cfg.MaxHeapSlope, "max-heap-slope", cfg.MaxHeapSlope, "largest slope of the live heap after a GC, after the warm-up, MB per minute")
	fs.Float64Var(&cfg.MaxGoroutineSlope, "max-goroutine-slope", cfg.MaxGoroutineSlope, "largest goroutine slope after the warm-up, per minute")
	fs.DurationVar(&cfg.WarmUp, "warm-up", cfg.WarmUp, "samples before this are shown but not judged")
	fs.StringVar(&cfg.Evtap, "evtap", "", "run this evtap binary instead of building one")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the temporary directory (the recording)")
	short := fs.Bool("short", false, "the 15-second soak CI runs (other flags then adjust it)")
	if err := fs.Parse(os.Args[1:]); err != nil {
		os.Exit(2)
	}
	if *short {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		s := ShortConfig()
		// The short mode's own values, unless a flag said otherwise.
		if !set["duration"] {
			cfg.Duration = s.Duration
		}
		if !set["drop-every"] {
			cfg.DropEvery = s.DropEvery
		}
		if !set["forget-every"] {
			cfg.ForgetEvery = s.ForgetEvery
		}
		if !set["sample-every"] {
			cfg.SampleEvery = s.SampleEvery
		}
		if !set["warm-up"] {
			cfg.WarmUp = s.WarmUp
		}
		if !set["max-rss-slope"] {
			cfg.MaxRSSSlope = s.MaxRSSSlope
		}
		if !set["max-heap-slope"] {
			cfg.MaxHeapSlope = s.MaxHeapSlope
		}
		if !set["max-goroutine-slope"] {
			cfg.MaxGoroutineSlope = s.MaxGoroutineSlope
		}
		cfg.CatchUp = s.CatchUp
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := Run(ctx, cfg, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(2)
	}
	rep.Print(os.Stdout)
	if !rep.OK() {
		os.Exit(1)
	}
}

package main

import (
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"
)

// replayFlags configure `evtap replay`.
type replayFlags struct {
	headless  bool
	speed     string
	idleLimit time.Duration
	serve     string
	jq        string
	paused    bool
	ui        uiFlags
}

func (f *replayFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.BoolVar(&f.headless, "headless", false, "no TUI: print the recorded Updates as JSON lines (also when stdin or stdout is not a terminal)")
	fs.StringVar(&f.speed, "speed", "1", "playback speed, 0.25 to 64, or max for as fast as possible")
	fs.DurationVar(&f.idleLimit, "idle-limit", 0, "shorten any silence longer than this, e.g. 2s (0: keep recorded timing)")
	fs.StringVar(&f.serve, "serve", "", "serve the recorded frames to WebSocket clients on `ADDR` (e.g. 127.0.0.1:9000) instead of showing them")
	fs.StringVar(&f.jq, "filter", "", "headless: print only Updates for which this jq `EXPR` is true")
	fs.StringVar(&f.jq, "jq", "", "same as --filter")
	fs.BoolVar(&f.paused, "paused", false, "TUI: start paused")
	f.ui.register(cmd)
}

// speedValue parses --speed; 0 means as fast as possible.
func (f *replayFlags) speedValue() (float64, error) {
	if f.speed == "max" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(f.speed, 64)
	if err != nil || v < 0.25 || v > 64 {
		return 0, usagef("--speed must be a number from 0.25 to 64, or max; got %q", f.speed)
	}
	return v, nil
}

func newReplayCmd(stdout, stderr io.Writer) *cobra.Command {
	var f replayFlags
	cmd := &cobra.Command{
		Use:   "replay FILE",
		Short: "Replay a recording: in the TUI, headless into a pipe, or served to WebSocket clients",
		Args:  exactArgs(1, "one recording file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			speed, err := f.speedValue()
			if err != nil {
				return err
			}
			if f.idleLimit < 0 {
				return usagef("--idle-limit must be 0 or more")
			}
			if err := f.ui.validate(); err != nil {
				return err
			}
			return runReplay(cmd.Context(), args[0], f, speed, stdout, stderr)
		},
	}
	f.register(cmd)
	return cmd
}

package cli

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/evtap/evtap/internal/run"
	"github.com/evtap/evtap/replay"
)

// replayFlags configure `evtap replay`.
type replayFlags struct {
	run.ReplayOptions
	speed string
	atEnd string
	ui    uiFlags
}

func (f *replayFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.BoolVar(&f.Headless, "headless", false, "no TUI: print the recorded Updates as JSON lines (also when stdin or stdout is not a terminal)")
	fs.StringVar(&f.speed, "speed", "1", "playback speed, 0.25 to 64, or max for as fast as possible")
	fs.DurationVar(&f.IdleLimit, "idle-limit", 0, "shorten any silence longer than this, e.g. 2s (0: keep recorded timing)")
	fs.StringVar(&f.Serve, "serve", "", "serve the recorded frames to WebSocket clients on `ADDR` (e.g. 127.0.0.1:9000) instead of showing them")
	fs.StringVar(&f.atEnd, "at-end", "close", "--serve: after the last frame, close the socket (1000 \"end of recording\"), loop the recording, or stay open")
	fs.StringVar(&f.JQ, "filter", "", "headless: run this jq `EXPR` on each line and print what it yields, e.g. 'select(.kind==\"gap\")'")
	fs.StringVar(&f.JQ, "jq", "", "same as --filter")
	fs.BoolVar(&f.Paused, "paused", false, "TUI: start paused")
	f.ui.register(fs)
}

// validate checks the flags and fills in what they mean.
func (f *replayFlags) validate() error {
	switch v, err := strconv.ParseFloat(f.speed, 64); {
	case f.speed == "max":
		f.Speed = 0
	case err != nil || v < 0.25 || v > 64:
		return usagef("--speed must be a number from 0.25 to 64, or max; got %q", f.speed)
	default:
		f.Speed = v
	}
	if f.IdleLimit < 0 {
		return usagef("--idle-limit must be 0 or more")
	}
	switch f.atEnd {
	case "close":
		f.AtEnd = replay.EndClose
	case "loop":
		f.AtEnd = replay.EndLoop
	case "stay":
		f.AtEnd = replay.EndStay
	default:
		return usagef("--at-end must be close, loop or stay, got %q", f.atEnd)
	}
	if err := f.ui.validate(); err != nil {
		return err
	}
	f.TUI = f.ui.TUIOptions
	return nil
}

func (a app) replayCmd() *cobra.Command {
	var f replayFlags
	cmd := &cobra.Command{
		Use:   "replay FILE",
		Short: "Replay a recording: in the TUI, headless into a pipe, or served to WebSocket clients",
		Args:  exactArgs(1, "one recording file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("jq") && cmd.Flags().Changed("filter") {
				return usagef("--jq and --filter are the same expression; give one")
			}
			if err := f.validate(); err != nil {
				return err
			}
			f.Describe, f.Decoder, f.Responder = a.reg.Describe, a.reg.Decoder, a.reg.Responder
			if a.dry {
				return nil
			}
			return run.Replay(cmd.Context(), args[0], f.ReplayOptions, a.stdout, a.stderr)
		},
	}
	f.register(cmd)
	return cmd
}

// Command bench measures evtap against baselines run in the same
// invocation, on this machine, each as a child process whose CPU time
// is read from the kernel (rusage):
//
//	go run ./bench              # from the repository root
//	go run ./bench -n 50000 -runs 1 -only headless
//
// It starts a fast RingCentral-shaped source (source.go) in a process of
// its own, then runs, round after round, interleaved so that a noisy
// neighbour hurts all alike:
//
//   - bare: a gorilla/websocket ReadMessage loop (bare.go), the baseline
//     of every receive measurement;
//   - headless: evtap connect ringcentral --headless > /dev/null, full
//     JSON lines for every frame and event;
//   - record: the same with --record;
//   - tui: the TUI's model fed from the socket without a terminal
//     (tui.go): the feed's batches through Update, View on the frame
//     tick, keys sent throughout and their answer time measured;
//   - replay: evtap replay --headless --speed max --filter
//     'select(.kind=="event")' of the recording, against jq -c with the
//     same program on the same file (skipped, said so, without jq);
//   - wscat: wscat (npx, installed under a temporary directory) printing
//     the payloads, when npx can fetch it; optional.
//
// Each line says the wall time as a ratio to its baseline (baseline
// wall / wall: 1.0 is as fast, 0.5 twice as slow), the CPU µs per event,
// the peak RSS, and for the TUI the heap its store retains per event.
// Ratios are medians over the rounds. Everything listens on and dials
// 127.0.0.1 only, and every child is bounded in time.
package main

import (
	"fmt"
	"os"
)

func main() {
	role, args := "", os.Args[1:]
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		role, args = args[0], args[1:]
	}
	var err error
	switch role {
	case "":
		err = orchestrate(args)
	case "source":
		err = runSource(args)
	case "bare":
		err = runBare(args)
	case "tui":
		err = runTUI(args)
	default:
		err = fmt.Errorf("unknown role %q (source, bare, tui, or none)", role)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// Command evtap is a terminal debugger for live event streams: RingCentral
// WebSocket subscriptions with wsc session recovery first, and any raw
// WebSocket endpoint. With no arguments it starts the bundled RingCentral
// emulator on loopback and opens the TUI connected to it.
//
// This package only parses the command line and wires the other packages
// together; it holds no logic of its own.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

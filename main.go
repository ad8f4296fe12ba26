// Command evtap is a terminal debugger for live event streams. With no
// arguments it starts a provider emulator on loopback and opens the TUI
// connected to it.
//
// This file only hands the command line to the command layer
// (internal/cli), so that `go run .` works and everything else is
// testable without the binary.
package main

import (
	"os"

	"github.com/evtap/evtap/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:]))
}

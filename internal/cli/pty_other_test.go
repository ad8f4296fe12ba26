//go:build !linux

package cli

import "github.com/rogpeppe/go-internal/testscript"

// cmdPty needs Linux's pseudo-terminals; elsewhere the script is skipped.
func cmdPty(ts *testscript.TestScript, neg bool, args []string) {
	ts.Skip("pty: only on Linux")
}

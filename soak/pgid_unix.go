//go:build unix

package main

import (
	"os/exec"
	"syscall"
)

// ownGroup puts evtap in its own process group, so a Ctrl-C at the
// terminal reaches only the soak, which then ends evtap itself (and
// checks that it exits 0) instead of evtap dying under it mid-chaos.
func ownGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

package eventlist

import "github.com/charmbracelet/x/ansi"

// ansiTruncate cuts a styled line to w cells, keeping its escape codes.
func ansiTruncate(s string, w int) string { return ansi.Truncate(s, w, "…") }

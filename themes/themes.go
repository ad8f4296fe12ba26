// Package themes is the only place evtap knows a colour. A theme maps
// semantic roles (incoming, state, gap, error, selection…) onto a palette
// of named colours; the UI builds its styles from the roles and never
// names a colour itself. The mono theme has no colours at all and relies
// on text attributes, which is also what NO_COLOR asks for.
package themes

import (
	"fmt"
	"image/color"
	"strings"
)

// Role is what a piece of text means on screen.
type Role int

// The roles the UI draws with.
const (
	Plain    Role = iota // ordinary text
	Title                // pane titles, the program name
	Muted                // secondary text: state rows, hints, counters
	Live                 // a healthy, live connection
	Warning              // backoff, recovering, stalls
	Alert                // gaps, errors, refusals, drops
	Incoming             // received events
	Marker               // the operator's markers
	Key                  // key names in help
	Badge                // the LIVE / REPLAY badge
)

// Theme maps roles to foreground colours; a role it leaves out keeps the
// terminal's own colour.
type Theme struct {
	Name   string
	Colors map[Role]color.Color
}

// Color returns the role's colour, or nil for the terminal's default.
func (t Theme) Color(r Role) color.Color { return t.Colors[r] }

// Names lists the themes ByName accepts.
var Names = []string{"dark", "light", "high-contrast", "mono"}

func rgb(hex uint32) color.Color {
	return color.RGBA{R: uint8(hex >> 16), G: uint8(hex >> 8), B: uint8(hex), A: 0xff}
}

// The palettes: a few named colours, chosen to read on their background.
var (
	darkPalette = map[string]color.Color{
		"fg": rgb(0xd8dee9), "dim": rgb(0x7b8496), "blue": rgb(0x81a1c1), "cyan": rgb(0x88c0d0),
		"green": rgb(0xa3be8c), "yellow": rgb(0xebcb8b), "red": rgb(0xbf616a), "purple": rgb(0xb48ead),
	}
	lightPalette = map[string]color.Color{
		"fg": rgb(0x2e3440), "dim": rgb(0x6b7280), "blue": rgb(0x1d4ed8), "cyan": rgb(0x0e7490),
		"green": rgb(0x15803d), "yellow": rgb(0xa16207), "red": rgb(0xb91c1c), "purple": rgb(0x7e22ce),
	}
	contrastPalette = map[string]color.Color{
		"fg": rgb(0xffffff), "dim": rgb(0xc0c0c0), "blue": rgb(0x5fd7ff), "cyan": rgb(0x00ffff),
		"green": rgb(0x00ff5f), "yellow": rgb(0xffff00), "red": rgb(0xff5f5f), "purple": rgb(0xff87ff),
	}
)

// roles maps every role onto a palette entry; the same mapping serves
// every palette, so themes differ only in their colours.
var roles = map[Role]string{
	Plain: "fg", Title: "blue", Muted: "dim", Live: "green", Warning: "yellow",
	Alert: "red", Incoming: "cyan", Marker: "purple", Key: "blue", Badge: "green",
}

func fromPalette(name string, p map[string]color.Color) Theme {
	t := Theme{Name: name, Colors: map[Role]color.Color{}}
	for r, c := range roles {
		t.Colors[r] = p[c]
	}
	return t
}

// ByName returns a theme by name.
func ByName(name string) (Theme, error) {
	switch name {
	case "dark":
		return fromPalette(name, darkPalette), nil
	case "light":
		return fromPalette(name, lightPalette), nil
	case "high-contrast":
		return fromPalette(name, contrastPalette), nil
	case "mono":
		return Theme{Name: "mono"}, nil
	}
	return Theme{}, fmt.Errorf("unknown theme %q (known: %s)", name, strings.Join(Names, ", "))
}

// Choose picks the theme: the one named, else mono when NO_COLOR is set
// (any non-empty value, as no-color.org says), else dark or light after
// the terminal's background.
func Choose(name, noColor string, darkBackground bool) (Theme, error) {
	switch {
	case name != "":
		return ByName(name)
	case noColor != "":
		return ByName("mono")
	case darkBackground:
		return ByName("dark")
	}
	return ByName("light")
}

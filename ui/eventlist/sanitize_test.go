package eventlist

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

func TestSanitizeShowsHostileTextEscaped(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"escape sequence", "a\x1b[2Jb", `a\x1b[2Jb`},
		{"osc title", "\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
		{"c1 csi", "x\u009b31m", `x\x9b31m`},
		{"bidi override", "abc\u202edcba", `abc\u202edcba`},
		{"isolate", "\u2066x\u2069", `\u2066x\u2069`},
		{"invalid utf8", "ok\xff\xfeok", "ok\uFFFD\uFFFDok"},
		{"newline and tab", "a\nb\tc", "a b c"},
		{"plain unicode kept", "héllo 世界", "héllo 世界"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Sanitize(c.in); got != c.want {
				t.Errorf("Sanitize(%q) = %q, want %q", c.in, got, c.want)
			}
			if strings.ContainsAny(Sanitize(c.in), "\x1b\x07\u202e\u009b") {
				t.Errorf("raw control survived in %q", Sanitize(c.in))
			}
		})
	}
}

func TestCutFitsWidthWithEllipsis(t *testing.T) {
	if got := Cut("abcdef", 4); got != "abc…" {
		t.Errorf("Cut = %q, want abc…", got)
	}
	if got := Cut("abcd", 4); got != "abcd" {
		t.Errorf("exact fit cut: %q", got)
	}
	// Wide characters count two cells.
	if got := Cut("世界世界", 5); lipgloss.Width(got) > 5 || !strings.HasSuffix(got, "…") {
		t.Errorf("wide cut %q is %d cells", got, lipgloss.Width(got))
	}
	// An escape never gets split into half an escape.
	if got := Cut("ab\x1bcdef", 5); strings.Contains(got, "\x1b") || lipgloss.Width(got) > 5 {
		t.Errorf("escape cut %q", got)
	}
}

func TestCutHugeValueIsCheap(t *testing.T) {
	huge := strings.Repeat("\x1b[31mred", 1<<20) // ~8 MB of hostile text
	allocs := testing.AllocsPerRun(5, func() { Cut(huge, 80) })
	got := Cut(huge, 80)
	if w := lipgloss.Width(got); w > 80 {
		t.Fatalf("width %d > 80", w)
	}
	// Only the 80 cells drawn are scanned: a handful of small pieces,
	// not one per rune of 8 MB.
	if allocs > 400 {
		t.Errorf("Cut of a huge value allocated %v times; it scans more than it draws", allocs)
	}
}

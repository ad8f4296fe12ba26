package eventlist

import (
	"math/rand"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/evtap/evtap/themes"
)

// Width counts exactly what ansi.StringWidth counts, on what evtap draws
// and on anything else.
func TestWidthIsAnsiStringWidth(t *testing.T) {
	th, err := themes.ByName("dark")
	if err != nil {
		t.Fatal(err)
	}
	st := StylesFrom(th)
	samples := []string{"", "plain", "+15551230001 → +15551230002 \"hi\" … │ ─ ● ✓ ✗ ⏸ ▶ ■",
		st.Label.Render("SMS in") + " " + st.Selected.Render("x"), "\x1b]8;;http://x\x07link\x1b]8;;\x07", "\x1b[31mred\x1b[0m",
		"e\u0301", "👍🏽", "❤️", "日本語", "\u00ad", "tab\there", "\x1b", "\x1b[", "a\u200db", "🇫🇷", "ｗｉｄｅ"}
	rng := rand.New(rand.NewSource(1))
	pieces := []string{"a", " ", "→", "…", "│", "é", "\u0301", "\ufe0f", "\u200d", "😀", "日", "\x1b[1m", "\x1b[0m", "\t", "\x00", "\u2028", "●", "─"}
	for i := 0; i < 3000; i++ {
		var b strings.Builder
		for j := rng.Intn(12); j >= 0; j-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		samples = append(samples, b.String())
	}
	for r := rune(0xa0); r < 0x2c00; r++ {
		samples = append(samples, "x"+string(r)+"y", string(r)+string(r)+"\u0301")
	}
	for _, s := range samples {
		if got, want := Width(s), ansi.StringWidth(s); got != want {
			t.Fatalf("Width(%q) = %d, ansi.StringWidth says %d", s, got, want)
		}
		if got, want := Width(s), lipgloss.Width(s); got != want && !strings.Contains(s, "\n") {
			t.Fatalf("Width(%q) = %d, lipgloss.Width says %d", s, got, want)
		}
	}
}

// BenchmarkWidth is a styled 200-column row: ansi.StringWidth (the
// baseline) against Width.
func BenchmarkWidth(b *testing.B) {
	th, _ := themes.ByName("dark")
	st := StylesFrom(th)
	row := st.Time.Render("12:00:01.000") + " " + st.Label.Render("SMS in      ") + " " + st.Seq.Render("   42") + "    " +
		st.Summary.Render("+15551230001 → +15551230002 \"message 42\" "+strings.Repeat("x", 120)) + " │ "
	b.Run("baseline=ansi.StringWidth", func(b *testing.B) {
		for b.Loop() {
			ansi.StringWidth(row)
		}
	})
	b.Run("Width", func(b *testing.B) {
		for b.Loop() {
			Width(row)
		}
	})
}

// A painter draws exactly what its style's Render draws, in every theme.
func TestPainterDrawsWhatRenderDraws(t *testing.T) {
	for _, name := range []string{"dark", "light", "high-contrast", "mono"} {
		th, err := themes.ByName(name)
		if err != nil {
			t.Fatal(err)
		}
		st := StylesFrom(th)
		for _, style := range []lipgloss.Style{st.Time, st.Label, st.Seq, st.Summary, st.Selected, st.Match, st.Replayed,
			st.Duplicate, st.State, st.Recovery, st.Gap, st.Error, st.Marker, st.Muted, st.Notice, lipgloss.NewStyle().Padding(0, 1)} {
			p := newPainter(style)
			for _, s := range []string{"", " ", "SMS in", "+1555 → +1556 \"hi\" …", "tab\there", "two\nlines", "\x1b[31mred", "日本語"} {
				if got, want := p.Render(s), style.Render(s); got != want {
					t.Fatalf("%s: painter %q, Render %q", name, got, want)
				}
			}
		}
	}
}

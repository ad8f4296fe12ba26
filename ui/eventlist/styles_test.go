package eventlist

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/evtap/evtap/themes"
)

// Every theme must keep the selected row and matches visible and must
// not change the text or width of a row.
func TestStylesFromEveryTheme(t *testing.T) {
	for _, name := range themes.Names {
		th, err := themes.ByName(name)
		if err != nil {
			t.Fatal(err)
		}
		_, l := filled(5, 90, 4)
		l.SetStyles(StylesFrom(th))
		l.SetSearch("msg")
		v := l.View()
		if !strings.Contains(v, "\x1b[") {
			t.Errorf("%s: selection and matches carry no attributes", name)
		}
		for _, line := range strings.Split(v, "\n") {
			if w := ansi.StringWidth(line); w != 90 {
				t.Errorf("%s: styled line is %d cells: %q", name, w, ansi.Strip(line))
			}
		}
	}
}

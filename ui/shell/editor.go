package shell

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"

	rc "github.com/evtap/evtap/protocol/ringcentral"
)

// editor edits the subscription's event filters, one per line. Apply
// validates every line first and refuses with the reason; cancel leaves
// everything as it was.
type editor struct {
	ta    textarea.Model
	err   string
	apply key.Binding
}

func newEditor() editor {
	ta := textarea.New()
	ta.ShowLineNumbers = true
	ta.Prompt = ""
	return editor{ta: ta, apply: key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "apply"))}
}

func (e *editor) open(filters []string) tea.Cmd {
	e.ta.SetValue(strings.Join(filters, "\n"))
	e.err = ""
	return e.ta.Focus()
}

func (e *editor) setSize(w, h int) {
	e.ta.SetWidth(w)
	e.ta.SetHeight(max(h-4-len(rc.CommonFilters), 3))
}

// filters returns the edited filters, or why they cannot be applied.
func (e *editor) filters() ([]string, string) {
	var out []string
	for i, line := range strings.Split(e.ta.Value(), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if err := rc.ValidateFilter(line); err != nil {
			return nil, "line " + itoa(i+1) + ": " + err.Error()
		}
		out = append(out, line)
	}
	if len(out) == 0 {
		return nil, "at least one filter is needed"
	}
	return out, ""
}

// addPreset appends common filter n (1-based) on a line of its own.
func (e *editor) addPreset(n int) {
	if n < 1 || n > len(rc.CommonFilters) {
		return
	}
	v := strings.TrimRight(e.ta.Value(), "\n")
	if v != "" {
		v += "\n"
	}
	e.ta.SetValue(v + rc.CommonFilters[n-1].Filter)
}

func (e editor) update(msg tea.Msg) (editor, tea.Cmd) {
	var cmd tea.Cmd
	e.ta, cmd = e.ta.Update(msg)
	return e, cmd
}

func (e editor) view(st styles) string {
	var b strings.Builder
	b.WriteString(st.title.Render("Event filters") + st.muted.Render("  one per line · ctrl+s apply · esc cancel · alt+1…"+itoa(len(rc.CommonFilters))+" add a common filter") + "\n")
	b.WriteString(e.ta.View() + "\n")
	if e.err != "" {
		b.WriteString(st.alert.Render(sanitize(e.err, 300)) + "\n")
	}
	for i, p := range rc.CommonFilters {
		b.WriteString(st.muted.Render("alt+"+itoa(i+1)+" "+p.Name+": "+p.Description) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

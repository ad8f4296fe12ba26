package shell

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"

	"github.com/evtap/evtap/ui"
)

// editor edits the subscription's filters (or topics), one per line, as
// the provider's FilterSpec describes them. Apply validates every line
// first and refuses with the reason; cancel leaves everything as it was.
type editor struct {
	spec  *ui.FilterSpec // nil: there is nothing to edit
	ta    textarea.Model
	err   string
	apply key.Binding
}

func newEditor(spec *ui.FilterSpec) editor {
	ta := textarea.New()
	ta.ShowLineNumbers = true
	ta.Prompt = ""
	return editor{spec: spec, ta: ta, apply: key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "apply"))}
}

func (e *editor) open(filters []string) tea.Cmd {
	e.ta.SetValue(strings.Join(filters, "\n"))
	e.err = ""
	return e.ta.Focus()
}

// presets are the common filters offered with alt+1…9.
func (e *editor) presets() []ui.Preset {
	if e.spec == nil {
		return nil
	}
	return e.spec.Presets[:min(len(e.spec.Presets), 9)]
}

func (e *editor) setSize(w, h int) {
	e.ta.SetWidth(w)
	around := 4 + len(e.presets()) // title, error, cancel hints and the presets
	if e.spec != nil && e.spec.Help != "" {
		around++
	}
	e.ta.SetHeight(max(h-around, 3))
}

// filters returns the edited filters, or why they cannot be applied.
func (e *editor) filters() ([]string, string) {
	var out []string
	for i, line := range strings.Split(e.ta.Value(), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if e.spec.Validate != nil {
			if err := e.spec.Validate(line); err != nil {
				return nil, "line " + itoa(i+1) + ": " + err.Error()
			}
		}
		out = append(out, line)
	}
	if len(out) == 0 {
		return nil, "at least one line is needed"
	}
	return out, ""
}

// addPreset appends common filter n (1-based) on a line of its own.
func (e *editor) addPreset(n int) {
	ps := e.presets()
	if n < 1 || n > len(ps) {
		return
	}
	v := strings.TrimRight(e.ta.Value(), "\n")
	if v != "" {
		v += "\n"
	}
	e.ta.SetValue(v + ps[n-1].Value)
}

func (e editor) update(msg tea.Msg) (editor, tea.Cmd) {
	var cmd tea.Cmd
	e.ta, cmd = e.ta.Update(msg)
	return e, cmd
}

func (e editor) view(st styles) string {
	var b strings.Builder
	title := e.spec.Title
	if title == "" {
		title = "Filters"
	}
	keys := "  one per line · ctrl+s apply · esc cancel"
	if n := len(e.presets()); n > 0 {
		keys += " · alt+1…" + itoa(n) + " add a common one"
	}
	b.WriteString(st.title.Render(sanitize(title, 40)) + st.muted.Render(keys) + "\n")
	if e.spec.Help != "" {
		b.WriteString(st.muted.Render(sanitize(e.spec.Help, 200)) + "\n")
	}
	b.WriteString(e.ta.View() + "\n")
	if e.err != "" {
		b.WriteString(st.alert.Render(sanitize(e.err, 300)) + "\n")
	}
	for i, p := range e.presets() {
		b.WriteString(st.muted.Render("alt+"+itoa(i+1)+" "+sanitize(p.Name, 30)+": "+sanitize(p.Description, 200)) + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

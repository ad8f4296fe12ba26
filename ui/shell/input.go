package shell

// How the root routes a key press: to the mode in front (prompt,
// editor, composer, help, faults, detail) or to the list and the
// session's own keys.

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/evtap/evtap/protocol"
)

func (m Model) key(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if k.String() == "ctrl+c" {
		return m.quit()
	}
	switch m.mode {
	case modeEditor:
		return m.editorKey(k)
	case modePrompt:
		return m.promptKey(k)
	case modeCompose:
		return m.composeKey(k)
	case modeFaults:
		if key.Matches(k, m.keys.Back) {
			m.mode = modeList
			return m, nil
		}
		switch k.String() {
		case "up":
			m.faults.scroll(-1)
			return m, nil
		case "down":
			m.faults.scroll(1)
			return m, nil
		}
		if i := m.faults.index(k.Text); i >= 0 {
			cmd, _ := m.faults.pick(k.Text)
			m.mode = modeList
			m.fault(m.faults.items[i], cmd)
		}
		return m, nil
	case modeHelp:
		if m.scrollHelp(k) {
			return m, nil
		}
		m.mode, m.helpOff = modeList, 0
		return m, nil
	case modeDetail:
		if key.Matches(k, m.keys.Back) || key.Matches(k, m.keys.Detail) {
			m.mode = modeList
			return m, nil
		}
		if key.Matches(k, m.keys.Quit) && k.String() == "q" {
			return m.quit()
		}
		return m, m.detail.Update(k)
	}
	if m.list.Editing() { // the list's / or : prompt takes every key
		return m, m.list.Update(k)
	}
	return m.listKey(k)
}

func (m Model) listKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	km := m.keys
	c := m.src.Controls()
	switch {
	case key.Matches(k, km.Quit):
		return m.quit()
	case key.Matches(k, km.Help):
		m.mode, m.helpOff = modeHelp, 0
	case key.Matches(k, km.Detail):
		if u := m.list.Selected(); u != nil {
			m.detail.SetSearch(m.list.Search())
			m.detail.Show(u)
			m.mode = modeDetail
		}
	case key.Matches(k, km.Step) && c.Has(protocol.CmdPause) && m.paused():
		m.do(protocol.Command{Kind: protocol.CmdStep})
	case key.Matches(k, km.Reveal):
		m.reveal = !m.reveal
		switch n := m.status.secrets(); {
		case n == 0 && m.status.recovery == nil:
			m.say("nothing to reveal: this session's secrets reach the screen only as placeholders")
		case m.reveal:
			m.say("tokens shown")
		default:
			m.say("tokens masked")
		}
	case key.Matches(k, km.Drop):
		m.do(protocol.Command{Kind: protocol.CmdDrop})
	case key.Matches(k, km.Forget):
		m.do(protocol.Command{Kind: protocol.CmdForget})
	case key.Matches(k, km.Filters):
		if !m.canEditFilters() {
			m.say("this source has no filters to edit")
			break
		}
		m.mode = modeEditor
		m.resize()
		return m, m.editor.open(m.currentFilters())
	case key.Matches(k, km.Send):
		if !c.Has(protocol.CmdSend) {
			m.say("this source sends nothing by hand")
			break
		}
		m.mode = modeCompose
		m.resize()
		return m, m.composer.open()
	case key.Matches(k, km.Faults):
		if len(m.faults.items) == 0 {
			m.say("this source accepts no faults")
			break
		}
		m.mode = modeFaults
	case key.Matches(k, km.Marker):
		if !c.Has(protocol.CmdMarker) {
			m.say("this source takes no markers")
			break
		}
		return m.openPrompt(promptMarker, "")
	case key.Matches(k, km.Record):
		if !c.Has(protocol.CmdRecord) {
			m.say("this source cannot be recorded from here")
			break
		}
		if m.recording.Path != "" {
			return m, m.doOffUI(protocol.Command{Kind: protocol.CmdRecord}, "recording to "+sanitize(m.recording.Path, 80)+" stopped")
		}
		return m.openPrompt(promptRecord, "evtap-"+m.opts.Now().Format("20060102-150405")+".jsonl")
	case key.Matches(k, km.Pause) && c.Has(protocol.CmdPause):
		m.do(protocol.Command{Kind: protocol.CmdPause, On: !m.paused()})
	case key.Matches(k, km.Faster) && c.Has(protocol.CmdSpeed):
		m.do(protocol.Command{Kind: protocol.CmdSpeed, Value: m.speedStep(2)})
	case key.Matches(k, km.Slower) && c.Has(protocol.CmdSpeed):
		m.do(protocol.Command{Kind: protocol.CmdSpeed, Value: m.speedStep(0.5)})
	case key.Matches(k, km.SeekStart) && c.Has(protocol.CmdSeek):
		m.do(protocol.Command{Kind: protocol.CmdSeek, Value: 0})
	case key.Matches(k, km.SeekEnd) && c.Has(protocol.CmdSeek):
		m.do(protocol.Command{Kind: protocol.CmdSeek, Value: 1})
	case key.Matches(k, km.SeekTenth) && c.Has(protocol.CmdSeek):
		m.do(protocol.Command{Kind: protocol.CmdSeek, Value: float64(k.Code-'0') / 10})
	case key.Matches(k, km.SeekNext) && c.Has(protocol.CmdSeekTo):
		m.do(protocol.Command{Kind: protocol.CmdSeekTo}) // any mark: state change, gap, marker
	default:
		return m, m.list.Update(k) // moving, search, jq filter, toggles
	}
	if c.Has(protocol.CmdPause) {
		return m, pollSoon() // a replay control: show its effect when the player has taken it
	}
	return m, nil
}

// pollMsg asks for the source's position again (poll).
type pollMsg struct{}

// pollSoon polls once the player has had a moment to act on a command.
func pollSoon() tea.Cmd {
	return tea.Tick(30*time.Millisecond, func(time.Time) tea.Msg { return pollMsg{} })
}

func (m Model) editorKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Back):
		m.mode = modeList
		return m, nil
	case key.Matches(k, m.editor.apply):
		filters, why := m.editor.filters()
		if why != "" {
			m.editor.err = why
			return m, nil
		}
		m.mode = modeList
		m.do(protocol.Command{Kind: protocol.CmdSetFilters, Filters: filters})
		return m, nil
	case k.Mod.Contains(tea.ModAlt) && k.Code >= '1' && k.Code <= '9':
		m.editor.addPreset(int(k.Code - '0'))
		return m, nil
	}
	var cmd tea.Cmd
	m.editor, cmd = m.editor.update(k)
	return m, cmd
}

// composeKey handles a key while the composer is open: send, walk the
// history, close, or edit.
func (m Model) composeKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Back):
		m.composer.close()
		m.mode = modeList
		m.resize()
		return m, nil
	case key.Matches(k, m.composer.send):
		text, ok := m.composer.take()
		if !ok {
			return m, nil
		}
		if err := m.src.Do(protocol.Command{Kind: protocol.CmdSend, Text: text}); err != nil {
			m.composer.ta.SetValue(text) // not sent: keep it to try again
			m.composer.err = "not sent: " + err.Error()
			return m, nil
		}
		m.say(fmt.Sprintf("sent %d bytes", len(text)))
		return m, nil
	case m.composer.walk(k):
		return m, nil
	}
	var cmd tea.Cmd
	m.composer, cmd = m.composer.update(k)
	return m, cmd
}

func (m Model) openPrompt(kind, value string) (tea.Model, tea.Cmd) {
	m.prompt, m.mode = kind, modePrompt
	m.input.Prompt = kind + ": "
	m.input.SetValue(value)
	m.input.CursorEnd()
	m.input.SetWidth(max(m.width-len(kind)-4, 10))
	return m, m.input.Focus()
}

func (m Model) promptKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Back):
		m.mode = modeList
		m.input.Blur()
		return m, nil
	case k.String() == "enter":
		v := strings.TrimSpace(m.input.Value())
		m.mode = modeList
		m.input.Blur()
		switch m.prompt {
		case promptMarker:
			if v != "" {
				m.do(protocol.Command{Kind: protocol.CmdMarker, Text: v})
			}
		case promptRecord:
			if v != "" {
				return m, m.doOffUI(protocol.Command{Kind: protocol.CmdRecord, Text: v}, "recording to "+v)
			}
		}
		return m, nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(k)
	return m, cmd
}

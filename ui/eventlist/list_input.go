package eventlist

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Update handles keys and the mouse while the list has focus.
func (l *List) Update(msg tea.Msg) tea.Cmd {
	l.Sync()
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		if l.prompt != 0 {
			return l.editKey(msg)
		}
		return l.key(msg)
	case filterDone:
		l.finishFilter(msg)
	case tea.PasteMsg:
		if l.prompt != 0 {
			l.input = append(l.input, []rune(msg.Content)...)
		}
	case tea.MouseWheelMsg:
		switch msg.Mouse().Button {
		case tea.MouseWheelUp:
			l.move(-3)
		case tea.MouseWheelDown:
			l.move(3)
		}
	case tea.MouseClickMsg:
		m := msg.Mouse()
		row := m.Y - l.oy
		if m.Button == tea.MouseLeft && row >= 0 && row < l.bodyHeight() && len(l.idx) > 0 {
			l.moveTo(l.pos(l.top) + row)
		}
	}
	return nil
}

func (l *List) key(k tea.KeyPressMsg) tea.Cmd {
	km := l.keys
	switch {
	case key.Matches(k, km.Up):
		l.move(-1)
	case key.Matches(k, km.Down):
		l.move(1)
	case key.Matches(k, km.PageUp):
		l.move(-l.bodyHeight())
	case key.Matches(k, km.PageDown):
		l.move(l.bodyHeight())
	case key.Matches(k, km.Top):
		l.moveTo(0)
	case key.Matches(k, km.Bottom):
		l.moveTo(len(l.idx) - 1)
	case key.Matches(k, km.Search), key.Matches(k, km.Filter):
		l.prompt = rune(k.String()[0])
		l.input = l.input[:0]
		if l.prompt == ':' && l.filter != nil {
			l.input = []rune(l.filter.expr)
		}
	case key.Matches(k, km.Next):
		l.find(1, false)
	case key.Matches(k, km.Prev):
		l.find(-1, false)
	case key.Matches(k, km.ClearFilter):
		l.query, l.notice = "", ""
		if l.filter != nil {
			l.SetFilter("")
		}
	case key.Matches(k, km.Heartbeats):
		l.toggle(&l.hide[ClassHeartbeat])
	case key.Matches(k, km.Control):
		l.toggle(&l.hide[ClassControl])
	case key.Matches(k, km.Wire):
		l.toggle(&l.hide[ClassWire])
	case key.Matches(k, km.States):
		l.hide[ClassRecovery] = !l.hide[ClassState]
		l.toggle(&l.hide[ClassState])
	case key.Matches(k, km.OnlyGaps):
		l.toggle(&l.onlyGaps)
	}
	return nil
}

func (l *List) toggle(b *bool) {
	*b = !*b
	if err := l.rebuild(); err != nil {
		l.notice = err.Error()
	}
}

// editKey types into the open prompt; enter applies it, esc closes it.
func (l *List) editKey(k tea.KeyPressMsg) tea.Cmd {
	switch k.String() {
	case "esc":
		l.prompt = 0
	case "enter":
		p, text := l.prompt, string(l.input)
		l.prompt = 0
		if p == '/' {
			l.SetSearch(text)
			return nil
		}
		cmd, err := l.startFilter(text)
		if err != nil {
			l.prompt = ':' // keep the expression open for fixing
		}
		return cmd
	case "backspace":
		if len(l.input) > 0 {
			l.input = l.input[:len(l.input)-1]
		}
	case "space":
		l.input = append(l.input, ' ')
	default:
		if k.Text != "" {
			l.input = append(l.input, []rune(k.Text)...)
		}
	}
	return nil
}

package shell

import (
	"context"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/themes"
	"github.com/evtap/evtap/ui"
	events "github.com/evtap/evtap/ui/eventlist"
)

// Options shape the TUI.
type Options struct {
	Title string       // what is being watched, shown in the header
	Keep  int          // rows kept in the list; the oldest are evicted
	Theme themes.Theme // colours by role; the zero Theme is mono
	// Now is the clock for countdowns; nil means time.Now.
	Now func() time.Time
	// Provider is what the panes say about the source's provider and
	// what its filter editor checks; the zero value shows generic words
	// and offers no editor.
	Provider ui.Provider
	// Faults are the fault-menu entries the source offers beyond the
	// generic ones its Controls imply (an emulator's own).
	Faults []ui.Fault
	// Ended says why the source ended on its own terms ("--count 20
	// reached"), for the footer once it has; nil, or "", says only that
	// it ended.
	Ended func() string
}

type mode int

const (
	modeList mode = iota
	modeDetail
	modeHelp
	modeEditor
	modeFaults
	modePrompt
	modeCompose
)

// prompt kinds: what the one-line input is for.
const (
	promptMarker = "marker"
	promptRecord = "record to file"
)

// Model is the root model. It owns the session status and routes keys and
// sizes to the component in front.
type Model struct {
	src           ui.Source
	opts          Options
	ctx           context.Context
	cancel        context.CancelFunc
	keys          keyMap
	st            styles
	status        status
	store         *events.Store
	list          *events.List
	detail        *events.Detail
	stats         *events.Stats
	editor        editor
	composer      composer
	faults        faultMenu
	input         textinput.Model
	prompt        string
	mode          mode
	reveal        bool
	ended         bool
	skipped       int
	notice        string
	noticeAt      time.Time
	width, height int
	helpOff       int       // first line of the help screen shown
	damaged       int       // damaged lines a replay skipped
	lastDamage    string    // what the last one was
	recErr        string    // the recording failure already announced
	lastAt        time.Time // time of the newest Update: a replay's clock
	gen           int       // bumped by every message that may change more than the list's prompt
	frame         *frame    // the last screen drawn (frame.go)
	// What View shows of the source's recording and replay position,
	// read in Update (poll) so that View takes no lock.
	recording ui.RecordingStatus
	played    ui.Progress
}

// New builds the root model for src.
func New(src ui.Source, opts Options) Model {
	if opts.Keep <= 0 {
		opts.Keep = 100000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	ctx, cancel := context.WithCancel(context.Background())
	est := events.StylesFrom(opts.Theme)
	store := events.NewStore(opts.Keep)
	list := events.NewList(store, est)
	lk := events.DefaultKeyMap()
	// ! is the fault menu here; "only gaps and recoveries" moves to O.
	lk.OnlyGaps = key.NewBinding(key.WithKeys("O"), key.WithHelp("O", "only gaps+recoveries"))
	list.SetKeyMap(lk)
	list.SetRedact(opts.Provider.Redact)
	detail := events.NewDetail(est)
	detail.SetRedact(opts.Provider.Redact)
	stats := events.NewStats()
	stats.GapNote = sanitize(opts.Provider.Gaps, 80)
	return Model{
		src: src, opts: opts, ctx: ctx, cancel: cancel,
		keys: newKeyMap(), st: newStyles(opts.Theme), status: newStatus(opts.Provider),
		store: store, list: list, detail: detail, stats: stats,
		editor: newEditor(opts.Provider.Filters), composer: newComposer(), faults: newFaultMenu(src.Controls(), opts.Faults),
		input: textinput.New(), width: 80, height: 24, frame: &frame{},
	}
}

// batchMsg is one burst of Updates from the source.
type batchMsg struct {
	updates []protocol.Update
	skipped int
	ok      bool
}

type tickMsg time.Time

func (m Model) next() tea.Cmd {
	return func() tea.Msg {
		b, skipped, ok := m.src.Next(m.ctx)
		return batchMsg{b, skipped, ok}
	}
}

func tick() tea.Cmd {
	return tea.Tick(250*time.Millisecond, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// Init starts the Updates pump and the clock for countdowns.
func (m Model) Init() tea.Cmd { return tea.Batch(m.next(), tick()) }

// Update routes one message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if !m.promptOnly(msg) {
		m.gen++
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
		return m, nil
	case batchMsg:
		// One burst a frame at most (Feed): View runs once for all of it.
		for _, u := range msg.updates {
			if u.Kind == kindReset {
				m.reset()
				continue
			}
			m.apply(u)
		}
		m.list.Sync() // the list takes the new rows in here, not in View
		m.poll()
		m.skipped += msg.skipped
		if !msg.ok {
			// our own quit cancels ctx too; only a source that ran out has ended
			m.ended = m.ctx.Err() == nil
			return m, nil
		}
		return m, m.next()
	case tickMsg:
		m.poll()
		m.watchRecording()
		return m, tick()
	case pollMsg:
		m.poll()
		return m, nil
	case doneMsg:
		m.poll()
		if msg.err != nil {
			m.say(commandName(msg.cmd) + ": " + sanitize(msg.err.Error(), 120))
		} else if msg.said != "" {
			m.say(msg.said)
		}
		return m, nil
	case tea.MouseWheelMsg, tea.MouseClickMsg:
		if m.mode == modeList {
			return m, m.list.Update(msg)
		}
		return m, nil
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return m.forward(msg)
}

// apply takes in one Update: the panes, the list, the counters, and a
// notice for what needs the user's eye at once (a damaged line of a
// replayed file).
func (m *Model) apply(u protocol.Update) {
	m.status.apply(u)
	m.store.Add(u)
	m.stats.Add(u)
	if !u.Time.IsZero() {
		m.lastAt = u.Time
	}
	if u.Kind == protocol.KindError && u.Error != nil && u.Error.Where == whereReplay {
		m.damaged++
		m.lastDamage = u.Error.Message
		if i := strings.Index(m.lastDamage, ": line "); i >= 0 {
			m.lastDamage = m.lastDamage[i+2:] // the file is named in the title
		}
		m.say("damaged recording: " + sanitize(m.lastDamage, 160))
	}
}

// whereReplay is Error.Where for what a replay says of its own file (a
// damaged line), as package replay reports it.
const whereReplay = "replay"

// reset forgets everything shown: the source starts over (a replay seeking
// back) and will send it all again, so nothing is doubled. The view's
// settings (toggles, jq filter, search, token reveal) stay.
func (m *Model) reset() {
	m.store.Reset()
	m.list.Reset()
	stats := events.NewStats()
	stats.GapNote = m.stats.GapNote
	m.stats = stats
	m.status = newStatus(m.opts.Provider)
	m.skipped, m.damaged, m.lastDamage = 0, 0, ""
	m.lastAt = time.Time{}
	m.detail.Show(nil)
	if m.mode == modeDetail {
		m.mode = modeList
	}
}

// watchRecording announces at once a recording that failed (a full
// disk); the header keeps saying so.
func (m *Model) watchRecording() {
	if st := m.recording; st.Err != "" && st.Err != m.recErr {
		m.recErr = st.Err
		m.say("RECORDING FAILED: " + sanitize(st.Err, 160) + " — the session goes on")
	}
}

// forward hands other messages to the components: the list always (its
// jq filter's results arrive as messages), and the one in front.
func (m Model) forward(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmds := []tea.Cmd{m.list.Update(msg)}
	var cmd tea.Cmd
	switch m.mode {
	case modeEditor:
		m.editor, cmd = m.editor.update(msg)
	case modePrompt:
		m.input, cmd = m.input.Update(msg)
	case modeCompose:
		m.composer, cmd = m.composer.update(msg)
	case modeDetail:
		cmd = m.detail.Update(msg)
	}
	return m, tea.Batch(append(cmds, cmd)...)
}

func (m Model) quit() (tea.Model, tea.Cmd) {
	m.cancel()
	return m, tea.Quit
}

// do sends cmd to the source and says in words what was asked; a
// refusal shows in the status line. It reports whether the source took
// the command.
func (m *Model) do(cmd protocol.Command) bool {
	if !m.src.Controls().Has(cmd.Kind) {
		m.say(commandName(cmd) + ": not available here")
		return false
	}
	if err := m.src.Do(cmd); err != nil {
		m.say(commandName(cmd) + ": " + sanitize(err.Error(), 120))
		return false
	}
	m.say(asked(cmd))
	return true
}

// fault carries out a fault picked from the menu and writes what was
// done into the list as a marker, where the source takes markers, so a
// fault whose effect cannot be seen (heartbeats stopped, reading
// stalled) still leaves its trace in the story, and in the recording.
func (m *Model) fault(f ui.Fault, cmd protocol.Command) {
	if !m.do(cmd) {
		return
	}
	what := f.Name
	if f.Toggle {
		what += map[bool]string{true: " (on)", false: " (off)"}[cmd.On]
	}
	m.say(what + ": done")
	if m.src.Controls().Has(protocol.CmdMarker) {
		if err := m.src.Do(protocol.Command{Kind: protocol.CmdMarker, Text: "fault: " + what}); err == nil {
			m.say(what + ": done, written into the list")
		}
	}
}

// doneMsg is the outcome of a command carried out off the UI goroutine.
type doneMsg struct {
	cmd  protocol.Command
	err  error
	said string // what to say when it worked
}

// doOffUI carries cmd out in a Bubble Tea command, for commands that do
// file I/O (starting or stopping a recording creates, syncs and closes
// a file): the UI goroutine never waits on a disk. The outcome arrives
// as a doneMsg.
func (m Model) doOffUI(cmd protocol.Command, said string) tea.Cmd {
	if !m.src.Controls().Has(cmd.Kind) {
		m.say(commandName(cmd) + ": not available here")
		return nil
	}
	src := m.src
	return func() tea.Msg { return doneMsg{cmd: cmd, err: src.Do(cmd), said: said} }
}

// poll reads what View shows of the source's recording and replay
// position: both take the source's locks, which View must not.
func (m *Model) poll() {
	if r, ok := m.src.(ui.Recorder); ok {
		m.recording = r.Recording()
	}
	if p, ok := m.src.(ui.Progresser); ok {
		m.played = p.Progress()
	}
}

func (m *Model) say(s string) { m.notice, m.noticeAt = s, m.opts.Now() }

func (m Model) currentFilters() []string { return m.status.subs.filters() }

// canEditFilters says whether f opens the editor: the provider describes
// its filters and the source accepts new ones.
func (m Model) canEditFilters() bool {
	return m.editor.spec != nil && m.src.Controls().Has(protocol.CmdSetFilters)
}

func (m Model) paused() bool {
	p, ok := m.src.(ui.Progresser)
	return ok && p.Progress().Paused
}

// speedStep doubles or halves the replay speed within 0.25x..64x; one
// step past 64x is as fast as possible (0), and one step down from there
// is 64x again.
func (m Model) speedStep(f float64) float64 {
	p, ok := m.src.(ui.Progresser)
	if !ok {
		return 1
	}
	cur := p.Progress().Speed
	switch {
	case cur == 0 && f > 1:
		return 0
	case cur == 0:
		return 64
	case cur >= 64 && f > 1:
		return 0
	}
	return min(max(cur*f, 0.25), 64)
}

func (m *Model) resize() {
	m.detail.SetSize(m.width, m.height)
	m.editor.setSize(m.width, m.height-2)
	m.composer.setWidth(m.width)
	m.list.SetSize(m.listWidth(), m.listHeight())
	m.list.SetOrigin(0, m.listTop())
}

package dialpad

import "strings"

// SubscribeHelp explains the --subscribe syntax, for `evtap connect
// dialpad --help`.
func SubscribeHelp() string {
	return `Event subscriptions (--subscribe, repeatable; also the lines of the editor, f):
  TYPE [id=ID] [key=value | flag]...

  call          states=STATE[,STATE...]  target=TYPE:ID  group_calls_only
  sms           direction=all|inbound|outbound (required)  target=TYPE:ID
                status  include_internal
  agent_status  agent_type=callcenter (the only value, and the default)
  contact       contact_type=local|shared (required)
  changelog

  every type    id=ID (update that subscription instead of creating one)
                disabled (enabled=false)

  call states:  ` + wrapList(CallStates, 16, 76) + `
  target types: ` + wrapList(TargetTypes, 16, 76) + `

  e.g. --subscribe 'call states=ringing,connected,hangup target=user:123'
       --subscribe 'sms direction=inbound status' --subscribe agent_status`
}

// wrapList joins items with ", ", wrapping lines at width and indenting
// the next ones by indent.
func wrapList(items []string, indent, width int) string {
	var b strings.Builder
	col := indent
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
			col++
			if col+1+len(it)+1 > width {
				b.WriteString("\n" + strings.Repeat(" ", indent))
				col = indent
			} else {
				b.WriteByte(' ')
				col++
			}
		}
		b.WriteString(it)
		col += len(it)
	}
	return b.String()
}

// EditorHelp is the subscription editor's one-line help.
const EditorHelp = "e.g. call states=ringing,hangup target=user:1 · sms direction=inbound status · agent_status · a line removed is deleted"

// Preset is a common subscription offered in the editor.
type Preset struct{ Name, Description, Spec string }

// Presets are the common subscriptions the editor offers.
var Presets = []Preset{
	{"call legs", "every call leg's ringing, connected and hangup", "call states=ringing,connected,hangup"},
	{"missed and voicemail", "calls missed and voicemails left", "call states=missed,voicemail,voicemail_uploaded"},
	{"every call state", "all call events", "call states=all"},
	{"SMS with status", "SMS both ways, with delivery-status events", "sms direction=all status"},
	{"inbound SMS", "SMS received", "sms direction=inbound"},
	{"agent status", "call-centre agents' on-duty status (company admin key)", "agent_status"},
	{"shared contacts", "changes to shared contacts (company admin key)", "contact contact_type=shared"},
	{"change log", "the company change log (change_log scope)", "changelog"},
}

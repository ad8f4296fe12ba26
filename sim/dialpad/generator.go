package dialpad

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"

	"github.com/evtap/evtap/sim/emu"
)

// genEvent is one generated event: its subscription type, the key that
// names it uniquely in the ledger, and its JSON.
type genEvent struct {
	kind string
	key  string
	body []byte
}

// step makes one event of a story; ts is its event_timestamp (Unix ms,
// unique and rising across the emulator).
type step func(ts int64) genEvent

// story is a sequence of related events: the legs of one call, one
// SMS with its delivery status, an agent's status changes.
type story struct {
	kind  string
	steps []step
	next  int
}

// Story kinds, for Send and the control API's send. "call" picks one of
// the call kinds.
const (
	StoryCall      = "call"
	StoryInbound   = "inbound"   // via the IVR and a call-centre queue, answered
	StoryOutbound  = "outbound"  // calling → ringing → connected → hangup
	StoryMissed    = "missed"    // to a user, or to a department's ring group
	StoryVoicemail = "voicemail" // unanswered, a voicemail left
)

// StoryKinds lists what Send accepts.
var StoryKinds = []string{StoryCall, StoryInbound, StoryOutbound, StoryMissed, StoryVoicemail,
	KindSMS, KindAgentStatus, KindContact, KindChangelog}

// mix weighs the stories the pump starts: mostly calls and SMS.
var mix = []emu.Weighted[string]{
	{Value: StoryInbound, Weight: 20}, {Value: StoryOutbound, Weight: 15},
	{Value: StoryMissed, Weight: 8}, {Value: StoryVoicemail, Weight: 7},
	{Value: KindSMS, Weight: 25}, {Value: KindAgentStatus, Weight: 15},
	{Value: KindContact, Weight: 5}, {Value: KindChangelog, Weight: 5},
}

// maxActive is how many stories the pump interleaves at once, so calls
// overlap as they do in a company.
const maxActive = 4

// generator makes events from a seed: the same seed and the same calls
// give the same events (timestamps aside).
type generator struct {
	rng    *rand.Rand
	co     company
	active []*story
	duty   map[int64]string // agent → on_duty_status
	onCall map[int64]bool   // agents a story has on a call
}

func newGenerator(seed int64) *generator {
	rng := rand.New(rand.NewSource(seed))
	g := &generator{rng: rng, co: newCompany(rng), duty: map[int64]string{}, onCall: map[int64]bool{}}
	for _, u := range g.co.users {
		if g.co.isAgent(u.ID) {
			g.duty[u.ID] = "available"
		}
	}
	return g
}

// next makes the pump's next event: it may start a story, then advances
// one of those under way.
func (g *generator) next(stamp func() int64) genEvent {
	if len(g.active) == 0 || len(g.active) < maxActive && g.rng.Float64() < 0.3 {
		g.active = append(g.active, g.start(emu.Pick(g.rng.Intn, mix)))
	}
	i := g.rng.Intn(len(g.active))
	st := g.active[i]
	ev := st.steps[st.next](stamp())
	st.next++
	if st.next == len(st.steps) {
		g.active = append(g.active[:i], g.active[i+1:]...)
	}
	return ev
}

// story makes every event of a new story of kind at once (for Send).
func (g *generator) story(kind string, stamp func() int64) ([]genEvent, error) {
	if !oneOf(kind, StoryKinds) {
		return nil, fmt.Errorf("unknown kind %q (want one of %s)", kind, strings.Join(StoryKinds, ", "))
	}
	st := g.start(kind)
	out := make([]genEvent, 0, len(st.steps))
	for _, s := range st.steps {
		out = append(out, s(stamp()))
	}
	return out, nil
}

func (g *generator) start(kind string) *story {
	var steps []step
	switch kind {
	case StoryCall:
		return g.start([]string{StoryInbound, StoryOutbound, StoryMissed, StoryVoicemail}[g.rng.Intn(4)])
	case StoryInbound:
		steps = g.inbound()
	case StoryOutbound:
		steps = g.outbound()
	case StoryMissed:
		steps = g.missed()
	case StoryVoicemail:
		steps = g.voicemail()
	case KindSMS:
		steps = g.sms()
	case KindAgentStatus:
		steps = g.agentShift()
	case KindContact:
		steps = g.contactChange()
	case KindChangelog:
		steps = g.changelog()
	}
	return &story{kind: kind, steps: steps}
}

// id draws a 16-digit id for a call, message or recording.
func (g *generator) id() int64 { return idMin + g.rng.Int63n(idSpan) }

func (g *generator) contact() ref { return g.co.contacts[g.rng.Intn(len(g.co.contacts))] }
func (g *generator) user() ref    { return g.co.users[g.rng.Intn(len(g.co.users))] }

func ptr[T any](v T) *T { return &v }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("dialpad sim: event does not encode: " + err.Error())
	}
	return b
}

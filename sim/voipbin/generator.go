package voipbin

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/evtap/evtap/sim/emu"
)

// event is one published event: its type (which frames do not carry
// unless wrapped) and the resource JSON.
type event struct {
	Type string
	Data json.RawMessage
}

// stepFn makes the next event of a story at time now.
type stepFn func(now time.Time) event

// story is a run of events about related resources — a call with its
// activeflow, recording and transcription, a queued call, an SMS — so that
// consecutive events tell something a person can follow.
type story struct {
	kind  string
	steps []stepFn
	i     int
}

// Story kinds, for Generate and the control API's send?story=.
const (
	StoryInbound    = "inbound"    // a flow answers, records and transcribes (activeflow, call, recording, transcribe, transcript)
	StoryQueue      = "queue"      // a caller waits in a queue; an agent serves it or the caller gives up (queuecall, agent)
	StoryOutbound   = "outbound"   // an agent dials out: answered, busy, not answered or cancelled
	StoryGroupcall  = "groupcall"  // two agents ring; one answers, the other is cancelled
	StoryConference = "conference" // calls join and leave a conference
	StorySMS        = "sms"        // an SMS sent or received (message)
	StoryAgent      = "agent"      // agents change status; sometimes one is created and deleted
)

// StoryKinds lists the kinds.
var StoryKinds = []string{StoryInbound, StoryQueue, StoryOutbound, StoryGroupcall, StoryConference, StorySMS, StoryAgent}

// storyMix weighs the stories the generator starts: mostly calls.
var storyMix = []emu.Weighted[string]{
	{Value: StoryInbound, Weight: 24}, {Value: StoryQueue, Weight: 22},
	{Value: StoryOutbound, Weight: 20}, {Value: StoryGroupcall, Weight: 8},
	{Value: StoryConference, Weight: 8}, {Value: StorySMS, Weight: 10},
	{Value: StoryAgent, Weight: 8},
}

// maxStories is how many stories run interleaved.
const maxStories = 3

// generator makes VoIPBin events from a seed: the n-th event of a given
// seed is the same every run, times aside. It is not safe for concurrent
// use (the Server calls it with mu held).
type generator struct {
	r       *rand.Rand
	cust    uuid
	number  string        // the customer's own phone number
	agents  []*agentEvent // [0] admin, [1] plain agent, then two more
	busy    map[uuid]bool // agents a queue story has taken
	stories []*story
	made    uint64
}

// demo agent times: fixed, so a token's agent claim is the same every run.
var agentEpoch = time.Date(2026, 1, 5, 9, 30, 12, 345678000, time.UTC)

func newGenerator(seed int64, cust uuid) *generator {
	g := &generator{r: rand.New(rand.NewPCG(uint64(seed), 0x766f697062696e)), cust: cust, number: "+15550100100", busy: map[uuid]bool{}}
	mk := func(id, user, name string, perm uint64, ext string) *agentEvent {
		return &agentEvent{agent: agent{resource: resource{ID: mustUUID(id), CustomerID: cust}, Username: user, Name: name,
			Detail: "evtap demo agent", RingMethod: "ringall", Status: "available", Permission: perm, TagIDs: []uuid{},
			Addresses: []address{{Type: "extension", Target: ext}}}, DirectHash: "",
			lifetime: lifetime{TMCreate: tp(agentEpoch), TMUpdate: tp(agentEpoch)}}
	}
	g.agents = []*agentEvent{
		mk(DemoAdminAgentID, DemoUsername, "Ada Admin", PermCustomerAdmin, "1001"),
		mk(DemoAgentID, DemoAgentUsername, "Sam Agent", PermCustomerAgent, "1002"),
		mk("5e0b7a3c-2d4f-4a61-b8c9-0d1e2f3a4b03", "lee@evtap.example", "Lee Support", PermCustomerAgent, "1003"),
		mk("71c9e2d4-8f0a-4b3c-9d5e-6f7a8b9c0d04", "kim@evtap.example", "Kim Manager", PermCustomerManager, "1004"),
	}
	return g
}

// next makes the next event: it may start a story, then advances one of
// the running ones.
func (g *generator) next(now time.Time) event {
	for len(g.stories) == 0 || len(g.stories) < maxStories && g.r.Float64() < 0.15 {
		g.stories = append(g.stories, g.newStory(emu.Pick(g.r.IntN, storyMix)))
	}
	return g.advance(g.r.IntN(len(g.stories)), now)
}

// advance makes story i's next event and retires the story when done.
func (g *generator) advance(i int, now time.Time) event {
	st := g.stories[i]
	ev := st.steps[st.i](now)
	st.i++
	if st.i == len(st.steps) {
		g.stories = slices.Delete(g.stories, i, i+1)
	}
	g.made++
	return ev
}

// runStory makes every event of a new story of kind at once.
func (g *generator) runStory(kind string, now time.Time) []event {
	st := g.newStory(kind)
	out := make([]event, 0, len(st.steps))
	for _, f := range st.steps {
		out = append(out, f(now))
		g.made++
	}
	return out
}

func (g *generator) newStory(kind string) *story {
	var steps []stepFn
	switch kind {
	case StoryInbound:
		steps = g.inbound()
	case StoryQueue:
		steps = g.queue()
	case StoryOutbound:
		steps = g.outbound()
	case StoryGroupcall:
		steps = g.groupcall()
	case StoryConference:
		steps = g.conference()
	case StorySMS:
		steps = g.sms()
	default:
		kind = StoryAgent
		steps = g.agentChanges()
	}
	return &story{kind: kind, steps: steps}
}

// Helpers shared by the stories.

func tp(t time.Time) *time.Time { t = t.UTC(); return &t }

func (g *generator) id() uuid { return newUUID(g.r) }

// resource is a new resource of the customer's.
func (g *generator) resource() resource { return resource{ID: g.id(), CustomerID: g.cust} }

func (g *generator) phone() string { return fmt.Sprintf("+1555%07d", g.r.IntN(10_000_000)) }

func (g *generator) chance(p float64) bool { return g.r.Float64() < p }

func pickOf[T any](g *generator, xs ...T) T { return xs[g.r.IntN(len(xs))] }

// ev marshals v now, so later steps that change the same resource cannot
// change an event already made.
func ev(typ string, v any) event {
	b, err := json.Marshal(v)
	if err != nil {
		panic("voipbin: cannot encode " + typ + ": " + err.Error())
	}
	return event{Type: typ, Data: b}
}

// freeAgent takes an agent that no queue story holds, or nil.
func (g *generator) freeAgent() *agentEvent {
	var free []*agentEvent
	for _, a := range g.agents {
		if !g.busy[a.ID] && a.TMDelete == nil {
			free = append(free, a)
		}
	}
	if len(free) == 0 {
		return nil
	}
	a := free[g.r.IntN(len(free))]
	g.busy[a.ID] = true
	return a
}

// agentStatus changes an agent's status: agent_status_updated.
func (g *generator) agentStatus(a *agentEvent, status string) stepFn {
	return func(now time.Time) event {
		a.Status = status
		a.TMUpdate = tp(now)
		return ev("agent_status_updated", a)
	}
}

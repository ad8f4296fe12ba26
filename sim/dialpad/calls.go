package dialpad

import (
	"fmt"
	"math"
	"strconv"
)

// leg is one call leg. Each step sets its state and the dates that state
// fixes, and emits a snapshot: one event per state per leg.
type leg struct{ ev callEvent }

// newLeg starts a leg of a call between target (ours) and contact.
func (g *generator) newLeg(direction string, target, contact ref, internal string) *leg {
	return &leg{ev: callEvent{
		CallID:                   g.id(),
		Direction:                direction,
		ExternalNumber:           contact.Phone,
		InternalNumber:           internal,
		Target:                   target,
		Contact:                  contact,
		TargetAvailabilityStatus: "open",
		RoutingBreadcrumbs:       []breadcrumb{},
		Labels:                   []string{},
		CallRecordingIDs:         []int64{},
		RecordingDetails:         []recording{},
	}}
}

// child starts a leg that parent routed to target (an agent rung by a
// queue, a user rung by a ring group), linked to parent as its entry
// point and master call.
func (g *generator) child(parent *leg, target ref) *leg {
	l := g.newLeg(parent.ev.Direction, target, parent.ev.Contact, parent.ev.InternalNumber)
	l.ev.EntryPointCallID = ptr(parent.ev.CallID)
	l.ev.MasterCallID = ptr(parent.ev.CallID)
	l.ev.EntryPointTarget = parent.ev.Target
	l.ev.GroupID = parent.ev.GroupID
	return l
}

// edit changes an event as a step emits it.
type edit func(e *callEvent, ts int64)

func (l *leg) step(g *generator, state string, edits ...edit) step {
	return func(ts int64) genEvent {
		e := &l.ev
		e.State = state
		e.EventTimestamp = ts
		if e.DateStarted == nil {
			e.DateStarted = ptr(ts)
		}
		switch state {
		case "ringing":
			if e.DateFirstRang == nil {
				e.DateFirstRang = ptr(ts)
			}
			e.DateRang = ptr(ts)
		case "queued":
			e.DateQueued = ptr(ts)
		case "connected":
			e.DateConnected = ptr(ts)
		case "hangup":
			e.DateEnded = ptr(ts)
			e.Duration = ts - *e.DateStarted
			e.TotalDuration = float64(e.Duration) + float64(g.rng.Intn(1000))/1000
			if e.DateConnected != nil {
				e.TalkTime = ts - *e.DateConnected
				e.MOSScore = ptr(math.Round((3.9+g.rng.Float64()*0.6)*100) / 100)
			}
		}
		for _, ed := range edits {
			ed(e, ts)
		}
		return genEvent{kind: KindCall, key: callKey(e.CallID, state), body: mustJSON(e)}
	}
}

func callKey(callID int64, state string) string {
	return "call:" + strconv.FormatInt(callID, 10) + ":" + state
}

// crumb records a routing step.
func crumb(r ref) edit {
	return func(e *callEvent, ts int64) {
		e.RoutingBreadcrumbs = append(e.RoutingBreadcrumbs, breadcrumb{Date: ts, TargetID: r.ID, TargetType: r.Type, TargetName: r.Name})
	}
}

func recordingOn(e *callEvent, _ int64) { e.WasRecorded = true }

// recorded attaches the finished recording.
func (g *generator) recorded() edit {
	id := g.id()
	return func(e *callEvent, ts int64) {
		e.CallRecordingIDs = []int64{id}
		e.RecordingDetails = []recording{{ID: id, Duration: e.TalkTime, RecordingType: "call",
			StartTime: *e.DateConnected, URL: fmt.Sprintf("https://dialpad.example/recordings/%d.mp3", id)}}
	}
}

// inbound: a contact calls the main line, picks an option in the IVR,
// waits in a call centre's queue; one agent may be rung without
// answering, another answers. The entry leg goes preanswer → queued →
// ringing → connected → hangup → postcall; each agent leg is linked to
// it; the answering agent's status follows the call.
func (g *generator) inbound() []step {
	co := &g.co
	cc := co.centers[g.rng.Intn(len(co.centers))]
	agents := co.agents[cc.ID]
	order := g.rng.Perm(len(agents))
	answer := agents[order[0]]
	x := g.contact()
	entry := g.newLeg("inbound", cc, x, cc.Phone)
	entry.ev.GroupID = ptr(cc.ID)
	steps := []step{
		entry.step(g, "preanswer", crumb(co.ivr)),
		entry.step(g, "queued", crumb(cc)),
		entry.step(g, "ringing"),
	}
	if g.rng.Intn(2) == 0 {
		missed := g.child(entry, agents[order[1]])
		steps = append(steps, missed.step(g, "ringing"), missed.step(g, "hangup"))
	}
	recorded := g.rng.Intn(3) == 0
	agent := g.child(entry, answer)
	var rec []edit
	if recorded {
		rec = append(rec, recordingOn)
	}
	g.onCall[answer.ID] = true
	steps = append(steps,
		agent.step(g, "ringing"),
		agent.step(g, "connected", rec...),
		entry.step(g, "connected"),
		g.agentStep(answer, "occupied", ""),
		agent.step(g, "hangup"),
		entry.step(g, "hangup"),
		g.agentStep(answer, "wrapup", ""),
		entry.step(g, "postcall"),
		agent.step(g, "postcall"),
	)
	if recorded {
		steps = append(steps, agent.step(g, "recording", g.recorded()))
	}
	free := g.agentStep(answer, "available", "")
	return append(steps, func(ts int64) genEvent {
		delete(g.onCall, answer.ID)
		return free(ts)
	})
}

// outbound: a user calls a contact with their own number as caller id;
// most calls are answered.
func (g *generator) outbound() []step {
	u, x := g.user(), g.contact()
	l := g.newLeg("outbound", u, x, u.Phone)
	l.ev.SelectedCallerID = ptr(u.Phone)
	steps := []step{l.step(g, "calling"), l.step(g, "ringing")}
	if g.rng.Intn(5) == 0 {
		return append(steps, l.step(g, "hangup"))
	}
	return append(steps, l.step(g, "connected"), l.step(g, "hangup"), l.step(g, "postcall"))
}

// missed: a contact calls a user who does not answer, or the billing
// department, whose ring group rings two users, none of whom answers.
func (g *generator) missed() []step {
	x := g.contact()
	if g.rng.Intn(2) == 0 {
		u := g.user()
		l := g.newLeg("inbound", u, x, u.Phone)
		return []step{l.step(g, "ringing"), l.step(g, "missed"), l.step(g, "hangup")}
	}
	d := g.co.dept
	entry := g.newLeg("inbound", d, x, d.Phone)
	entry.ev.GroupID = ptr(d.ID)
	a, b := g.child(entry, g.co.deptRing[0]), g.child(entry, g.co.deptRing[1])
	return []step{
		entry.step(g, "ringing"),
		a.step(g, "ringing"), b.step(g, "ringing"),
		a.step(g, "hangup"), b.step(g, "hangup"),
		entry.step(g, "missed"), entry.step(g, "hangup"),
	}
}

// voicemail: a contact calls a user, nobody answers, the caller leaves
// a message, which is uploaded after the call ends.
func (g *generator) voicemail() []step {
	u, x := g.user(), g.contact()
	l := g.newLeg("inbound", u, x, u.Phone)
	vm := g.id()
	text := voicemailTexts[g.rng.Intn(len(voicemailTexts))]
	return []step{
		l.step(g, "ringing"),
		l.step(g, "voicemail"),
		l.step(g, "hangup"),
		l.step(g, "voicemail_uploaded", func(e *callEvent, _ int64) {
			e.VoicemailLink = ptr(fmt.Sprintf("https://dialpad.example/voicemail/%d.mp3", vm))
			e.TranscriptionText = ptr(text)
		}),
	}
}

var voicemailTexts = []string{
	"Hi, it's about my invoice from last month. Please call me back.",
	"Hello, returning your call about the order. Thanks.",
	"Hi, could you send me the contract again? Talk soon.",
}

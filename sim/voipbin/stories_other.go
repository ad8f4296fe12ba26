package voipbin

import (
	"fmt"
	"time"
)

// queue: a caller waits in a queue. An agent that no other queue story
// holds rings, takes the call and serves it; or the caller gives up.
// VoIPBin publishes only queuecall events here, never queue_*.
func (g *generator) queue() []stepFn {
	f := g.newFlow("call", nilUUID)
	r := g.newCall("incoming", nilUUID, f.a.FlowID, f.a.ID)
	f.a.ReferenceID = r.c.ID
	qc := &queuecall{resource: g.resource(), ReferenceType: "call", ReferenceID: r.c.ID, Status: "initiating"}
	var waitStart, serviceStart time.Time
	qstep := func(typ, status string, f func(now time.Time)) stepFn {
		return func(now time.Time) event {
			qc.Status = status
			qc.TMUpdate = tp(now)
			if f != nil {
				f(now)
			}
			return ev(typ, qc)
		}
	}
	steps := []stepFn{
		g.flowCreated(f, "answer"), r.created(), r.status("ringing"), r.status("progressing"),
		g.flowNext(f, "queue_join"),
		g.callAction(r, "queue_join", map[string]any{"queue_id": "8d6c3a2e-0b1f-4e5d-9c7a-2b3c4d5e6f07"}),
		qstep("queuecall_created", "initiating", func(now time.Time) { qc.TMCreate = tp(now) }),
		qstep("queuecall_waiting", "waiting", func(now time.Time) { waitStart = now }),
	}
	agent := (*agentEvent)(nil)
	if !g.chance(0.2) {
		agent = g.freeAgent()
	}
	if agent == nil {
		steps = append(steps,
			r.hangup("remote", "normal"),
			qstep("queuecall_abandoned", "abandoned", func(now time.Time) { qc.DurationWaiting = now.Sub(waitStart).Milliseconds() }),
		)
	} else {
		steps = append(steps,
			g.agentStatus(agent, "ringing"),
			qstep("queuecall_connecting", "connecting", func(time.Time) { qc.ServiceAgentID = agent.ID }),
			qstep("queuecall_serviced", "service", func(now time.Time) {
				serviceStart = now
				qc.TMService = tp(now)
				qc.DurationWaiting = now.Sub(waitStart).Milliseconds()
			}),
			g.agentStatus(agent, "busy"),
			g.callAction(r, "connect", map[string]any{"agent_id": agent.ID.String()}),
		)
		steps = append(steps, g.endCall(r)...)
		steps = append(steps,
			qstep("queuecall_done", "done", func(now time.Time) { qc.DurationService = now.Sub(serviceStart).Milliseconds() }),
			func(now time.Time) event {
				g.busy[agent.ID] = false
				return g.agentStatus(agent, "available")(now)
			},
		)
	}
	steps = append(steps, g.flowEnd(f)...)
	if g.chance(0.3) {
		steps = append(steps, qstep("queuecall_deleted", qc.Status, func(now time.Time) { qc.TMDelete = tp(now) }))
	}
	return steps
}

// conference: calls join, the conference records, calls leave, it ends.
// VoIPBin publishes conference events only (never conferencecall_*).
func (g *generator) conference() []stepFn {
	cf := &conference{resource: g.resource(), Type: "conference", Name: fmt.Sprintf("Standup %d", 100+g.r.IntN(900)),
		Detail: "evtap demo conference", Data: map[string]any{}, Timeout: 3600, PreFlowID: nilUUID, PostFlowID: nilUUID,
		ConferencecallIDs: []uuid{}, RecordingIDs: []uuid{}, TranscribeIDs: []uuid{}}
	upd := func(typ string, f func(now time.Time)) stepFn {
		return func(now time.Time) event {
			f(now)
			cf.TMUpdate = tp(now)
			return ev(typ, cf)
		}
	}
	join := upd("conference_updated", func(time.Time) { cf.ConferencecallIDs = append(cf.ConferencecallIDs, g.id()) })
	leave := upd("conference_updated", func(time.Time) {
		if len(cf.ConferencecallIDs) > 0 {
			cf.ConferencecallIDs = cf.ConferencecallIDs[1:]
		}
	})
	steps := []stepFn{
		upd("conference_created", func(now time.Time) { cf.Status, cf.TMCreate = "starting", tp(now) }),
		upd("conference_updated", func(time.Time) { cf.Status = "progressing" }),
		join, join,
	}
	if g.chance(0.5) {
		steps = append(steps, upd("conference_updated", func(time.Time) {
			cf.RecordingID = g.id()
			cf.RecordingIDs = append(cf.RecordingIDs, cf.RecordingID)
		}), join)
	}
	steps = append(steps, leave, leave,
		upd("conference_updated", func(time.Time) { cf.Status = "terminating" }),
		upd("conference_updated", func(now time.Time) { cf.Status, cf.TMEnd = "terminated", tp(now) }),
	)
	if g.chance(0.6) {
		steps = append(steps, upd("conference_deleted", func(now time.Time) { cf.TMDelete = tp(now) }))
	}
	return steps
}

var smsTexts = []string{
	"Your evtap verification code is 482913.",
	"Reminder: your appointment is tomorrow at 10:00.",
	"Thanks! Can you call me back after 5pm?",
	"Order #4572 has shipped.",
	"STOP",
}

// sms: a message sent (then sent and delivered per target) or received,
// sometimes deleted. Messages have no owner: only customer_id topics get
// them.
func (g *generator) sms() []stepFn {
	inbound := g.chance(0.4)
	m := &message{resource: g.resource(), Type: "sms", Text: smsTexts[g.r.IntN(len(smsTexts))]}
	us := address{Type: "tel", Target: g.number}
	them := address{Type: "tel", Target: g.phone()}
	upd := func(typ string, f func(now time.Time)) stepFn {
		return func(now time.Time) event {
			if f != nil {
				f(now)
			}
			m.TMUpdate = tp(now)
			return ev(typ, m)
		}
	}
	var steps []stepFn
	if inbound {
		m.Direction, m.Source = "inbound", them
		m.Targets = []messageTarget{{Destination: us, Status: "received", Parts: 1}}
		steps = append(steps, upd("message_created", func(now time.Time) { m.TMCreate, m.Targets[0].TMUpdate = tp(now), tp(now) }))
	} else {
		m.Direction, m.Source = "outbound", us
		m.Targets = []messageTarget{{Destination: them, Status: "queued", Parts: 1}}
		target := func(status string) func(now time.Time) {
			return func(now time.Time) { m.Targets[0].Status, m.Targets[0].TMUpdate = status, tp(now) }
		}
		steps = append(steps,
			upd("message_created", func(now time.Time) { m.TMCreate, m.Targets[0].TMUpdate = tp(now), tp(now) }),
			upd("message_updated", target("sent")),
		)
		if g.chance(0.7) {
			steps = append(steps, upd("message_updated", target("delivered")))
		}
	}
	if g.chance(0.2) {
		steps = append(steps, upd("message_deleted", func(now time.Time) { m.TMDelete = tp(now) }))
	}
	return steps
}

// agentChanges: an agent steps away and comes back, or its details
// change; now and then a temporary agent is created and deleted. Agents
// have no owner: only customer_id topics get them.
func (g *generator) agentChanges() []stepFn {
	if g.chance(0.2) {
		n := 100 + g.r.IntN(900)
		a := &agentEvent{agent: agent{resource: g.resource(), Username: fmt.Sprintf("temp%d@evtap.example", n),
			Name: fmt.Sprintf("Temp %d", n), RingMethod: "ringall", Status: "offline", Permission: PermCustomerAgent,
			TagIDs: []uuid{}, Addresses: []address{}}}
		return []stepFn{
			func(now time.Time) event { a.TMCreate, a.TMUpdate = tp(now), tp(now); return ev("agent_created", a) },
			func(now time.Time) event {
				a.Detail, a.TMUpdate = "covering the evening shift", tp(now)
				return ev("agent_updated", a)
			},
			g.agentStatus(a, "available"),
			g.agentStatus(a, "offline"),
			func(now time.Time) event { a.TMDelete, a.TMUpdate = tp(now), tp(now); return ev("agent_deleted", a) },
		}
	}
	a := g.freeAgent()
	if a == nil {
		return []stepFn{func(now time.Time) event { return ev("agent_updated", g.touch(g.agents[0], now)) }}
	}
	release := func(s stepFn) stepFn {
		return func(now time.Time) event { g.busy[a.ID] = false; return s(now) }
	}
	if g.chance(0.3) {
		return []stepFn{release(func(now time.Time) event { return ev("agent_updated", g.touch(a, now)) })}
	}
	away := pickOf(g, "away", "offline")
	return []stepFn{g.agentStatus(a, away), release(g.agentStatus(a, "available"))}
}

// touch changes an agent's tags, as an admin editing it would.
func (g *generator) touch(a *agentEvent, now time.Time) *agentEvent {
	if len(a.TagIDs) == 0 {
		a.TagIDs = []uuid{g.id()}
	} else {
		a.TagIDs = []uuid{}
	}
	a.TMUpdate = tp(now)
	return a
}

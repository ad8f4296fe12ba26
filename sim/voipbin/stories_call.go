package voipbin

import (
	"strings"
	"time"
)

// callRes is a call and the steps that move it: one event per status
// change (dialing → ringing → progressing → terminating or canceling →
// hangup), call_updated when its action changes.
type callRes struct{ c *call }

func (g *generator) newCall(direction string, owner uuid, flow, af uuid) callRes {
	c := &call{resource: g.resource(), FlowID: flow, ActiveflowID: af, Type: "flow",
		ChainedCallIDs: []uuid{}, RecordingIDs: []uuid{}, Metadata: map[string]any{},
		Status: "dialing", Direction: direction}
	if !owner.IsNil() {
		c.OwnerType, c.OwnerID = "agent", owner
	}
	them := address{Type: "tel", Target: g.phone()}
	us := address{Type: "tel", Target: g.number, TargetName: "evtap demo line"}
	if direction == "incoming" {
		c.Source, c.Destination = them, us
	} else {
		c.Source, c.Destination = us, them
	}
	return callRes{c}
}

func (r callRes) created() stepFn {
	return func(now time.Time) event {
		r.c.TMCreate, r.c.TMUpdate = tp(now), tp(now)
		return ev("call_created", r.c)
	}
}

// status moves the call to a status and publishes call_<status>.
func (r callRes) status(s string) stepFn {
	return func(now time.Time) event {
		r.c.Status, r.c.TMUpdate = s, tp(now)
		switch s {
		case "ringing":
			r.c.TMRinging = tp(now)
		case "progressing":
			r.c.TMProgressing = tp(now)
		}
		return ev("call_"+s, r.c)
	}
}

// action starts a flow action on the call: call_updated.
func (g *generator) callAction(r callRes, typ string, option map[string]any) stepFn {
	return func(now time.Time) event {
		r.c.Action = flowAction{ID: g.id(), NextID: g.id(), Type: typ, Option: option, TMExecute: tp(now)}
		r.c.TMUpdate = tp(now)
		return ev("call_updated", r.c)
	}
}

// update changes something else about the call: call_updated.
func (r callRes) update(f func(c *call)) stepFn {
	return func(now time.Time) event {
		f(r.c)
		r.c.TMUpdate = tp(now)
		return ev("call_updated", r.c)
	}
}

func (r callRes) hangup(by, reason string) stepFn {
	return func(now time.Time) event {
		r.c.Status, r.c.HangupBy, r.c.HangupReason = "hangup", by, reason
		r.c.TMHangup, r.c.TMUpdate = tp(now), tp(now)
		return ev("call_hangup", r.c)
	}
}

func (r callRes) deleted() stepFn {
	return func(now time.Time) event {
		r.c.TMDelete, r.c.TMUpdate = tp(now), tp(now)
		return ev("call_deleted", r.c)
	}
}

// end hangs an answered call up: by the far end, or by us through
// terminating.
func (g *generator) endCall(r callRes) []stepFn {
	if g.chance(0.5) {
		return []stepFn{r.hangup("remote", "normal")}
	}
	return []stepFn{r.status("terminating"), r.hangup("local", "normal")}
}

// flowRes is an activeflow running a call's flow.
type flowRes struct{ a *activeflow }

func (g *generator) newFlow(refType string, ref uuid) flowRes {
	return flowRes{&activeflow{resource: g.resource(), FlowID: g.id(), Status: "running",
		ReferenceType: refType, ReferenceID: ref, ExecutedActions: []flowAction{}}}
}

func (g *generator) flowCreated(f flowRes, first string) stepFn {
	return func(now time.Time) event {
		f.a.CurrentAction = flowAction{ID: g.id(), NextID: g.id(), Type: first, TMExecute: tp(now)}
		f.a.TMCreate, f.a.TMUpdate = tp(now), tp(now)
		return ev("activeflow_created", f.a)
	}
}

// flowNext moves the flow to its next action: activeflow_updated.
func (g *generator) flowNext(f flowRes, typ string) stepFn {
	return func(now time.Time) event {
		f.a.ExecutedActions = append(f.a.ExecutedActions, f.a.CurrentAction)
		f.a.CurrentAction = flowAction{ID: f.a.CurrentAction.NextID, NextID: g.id(), Type: typ, TMExecute: tp(now)}
		f.a.ForwardActionID = nilUUID
		f.a.TMUpdate = tp(now)
		return ev("activeflow_updated", f.a)
	}
}

// flowEnd ends the flow, and sometimes deletes it.
func (g *generator) flowEnd(f flowRes) []stepFn {
	steps := []stepFn{func(now time.Time) event {
		f.a.Status = "ended"
		f.a.TMUpdate = tp(now)
		return ev("activeflow_updated", f.a)
	}}
	if g.chance(0.3) {
		steps = append(steps, func(now time.Time) event {
			f.a.TMUpdate, f.a.TMDelete = tp(now), tp(now)
			return ev("activeflow_deleted", f.a)
		})
	}
	return steps
}

// recording of a call: recording_started, then recording_finished.
func (g *generator) record(r callRes) (start stepFn, finish stepFn) {
	rec := &recording{resource: g.resource(), OwnerType: r.c.OwnerType, OwnerID: r.c.OwnerID,
		ActiveflowID: r.c.ActiveflowID, ReferenceType: "call", ReferenceID: r.c.ID, Format: "wav"}
	start = func(now time.Time) event {
		rec.Status = "recording"
		rec.TMStart, rec.TMCreate, rec.TMUpdate = tp(now), tp(now), tp(now)
		r.c.RecordingID = rec.ID
		r.c.RecordingIDs = append(r.c.RecordingIDs, rec.ID)
		return ev("recording_started", rec)
	}
	finish = func(now time.Time) event {
		rec.Status = "ended"
		rec.TMEnd, rec.TMUpdate = tp(now), tp(now)
		return ev("recording_finished", rec)
	}
	return start, finish
}

// A short support call, caller ("in") and agent or bot ("out") in turn.
var dialogue = []struct{ dir, text string }{
	{"out", "Thanks for calling evtap support, how can I help you today?"},
	{"in", "Hi, I was charged twice for the same order last week."},
	{"out", "I'm sorry about that, let me look up your account."},
	{"in", "Sure, the order number is four five seven two."},
	{"out", "I can see the duplicate charge, I'll refund it right now."},
	{"in", "Great, thank you so much for your help."},
}

// transcription of a call: transcribe_created and _progressing, speech
// with interim results and a transcript per utterance, transcribe_done.
func (g *generator) transcribe(r callRes) (start []stepFn, talk []stepFn, done stepFn) {
	tr := &transcribe{resource: g.resource(), ActiveflowID: r.c.ActiveflowID, ReferenceType: "call",
		ReferenceID: r.c.ID, Status: "progressing", Language: "en-US", Direction: "both", Provider: pickOf(g, "gcp", "aws")}
	start = []stepFn{
		func(now time.Time) event {
			tr.TMCreate, tr.TMUpdate = tp(now), tp(now)
			return ev("transcribe_created", tr)
		},
		func(now time.Time) event {
			tr.TMUpdate = tp(now)
			return ev("transcribe_progressing", tr)
		},
	}
	streams := map[string]uuid{"in": g.id(), "out": g.id()}
	turns := 2 + g.r.IntN(len(dialogue)-1)
	for _, d := range dialogue[:turns] {
		talk = append(talk, g.utterance(tr, streams[d.dir], d.dir, d.text)...)
	}
	done = func(now time.Time) event {
		tr.Status = "done"
		tr.TMUpdate = tp(now)
		return ev("transcribe_done", tr)
	}
	return start, talk, done
}

// utterance is one stretch of speech: started, two or three interim
// results that grow, ended, then the transcript. Every speech event has a
// fresh id, as VoIPBin's streaming events do.
func (g *generator) utterance(tr *transcribe, stream uuid, dir, text string) []stepFn {
	sp := func(typ, msg string) stepFn {
		return func(now time.Time) event {
			return ev(typ, speech{resource: g.resource(), StreamingID: stream, TranscribeID: tr.ID,
				Direction: dir, Message: msg, TMEvent: tp(now), TMCreate: tp(now)})
		}
	}
	words := strings.Fields(text)
	steps := []stepFn{sp("transcribe_speech_started", "")}
	n := 2 + g.r.IntN(2)
	for i := 1; i <= n; i++ {
		k := len(words) * i / (n + 1)
		if k == 0 {
			k = 1
		}
		steps = append(steps, sp("transcribe_speech_interim", strings.Join(words[:k], " ")))
	}
	steps = append(steps, sp("transcribe_speech_interim", text), sp("transcribe_speech_ended", ""))
	steps = append(steps, func(now time.Time) event {
		return ev("transcript_created", transcript{resource: g.resource(), TranscribeID: tr.ID, Direction: dir,
			Message: text, TMTranscript: tp(now), TMCreate: tp(now)})
	})
	return steps
}

// inbound: a caller reaches a flow that answers, records and transcribes
// the call, then one side hangs up.
func (g *generator) inbound() []stepFn {
	var owner uuid
	if g.chance(0.3) {
		owner = g.agents[g.r.IntN(2)].ID // a direct line of a demo agent
	}
	callID := g.id()
	f := g.newFlow("call", callID)
	r := g.newCall("incoming", owner, f.a.FlowID, f.a.ID)
	r.c.ID = callID
	recStart, recEnd := g.record(r)
	trStart, talk, trDone := g.transcribe(r)
	steps := []stepFn{
		g.flowCreated(f, "answer"),
		r.created(),
		r.status("ringing"),
		r.status("progressing"),
		g.callAction(r, "answer", nil),
		g.flowNext(f, "recording_start"),
		recStart,
		g.callAction(r, "recording_start", map[string]any{"format": "wav"}),
		g.flowNext(f, "transcribe_start"),
	}
	steps = append(steps, trStart...)
	steps = append(steps, g.callAction(r, "transcribe_start", map[string]any{"language": "en-US"}))
	steps = append(steps, talk...)
	steps = append(steps, g.endCall(r)...)
	steps = append(steps, recEnd, trDone)
	steps = append(steps, g.flowEnd(f)...)
	if g.chance(0.25) {
		steps = append(steps, r.deleted())
	}
	return steps
}

// outbound: an agent (or the flow engine) dials a number; the call is
// answered, busy, not answered, cancelled or fails.
func (g *generator) outbound() []stepFn {
	var owner uuid
	switch n := g.r.IntN(10); {
	case n < 5:
		owner = g.agents[0].ID
	case n < 8:
		owner = g.agents[1].ID
	}
	f := g.newFlow("call", nilUUID)
	r := g.newCall("outgoing", owner, f.a.FlowID, f.a.ID)
	f.a.ReferenceID = r.c.ID
	steps := []stepFn{g.flowCreated(f, "connect"), r.created(), r.status("dialing")}
	switch n := g.r.IntN(20); {
	case n < 12:
		steps = append(steps, r.status("ringing"), r.status("progressing"), g.callAction(r, "talk", map[string]any{"text": "Hello from evtap", "language": "en-US"}))
		if g.chance(0.4) {
			start, finish := g.record(r)
			steps = append(steps, start, g.callAction(r, "recording_start", map[string]any{"format": "wav"}), g.callAction(r, "sleep", map[string]any{"duration": 5000}))
			steps = append(steps, g.endCall(r)...)
			steps = append(steps, finish)
		} else {
			steps = append(steps, r.update(func(c *call) { c.MuteDirection = "out" }), r.update(func(c *call) { c.MuteDirection = "" }))
			steps = append(steps, g.endCall(r)...)
		}
	case n < 14:
		steps = append(steps, r.status("ringing"), r.hangup("remote", "busy"))
	case n < 16:
		steps = append(steps, r.status("ringing"), r.status("canceling"), r.hangup("local", "noanswer"))
	case n < 18:
		steps = append(steps, r.status("ringing"), r.status("canceling"), r.hangup("local", "cancel"))
	case n < 19:
		steps = append(steps, r.hangup("remote", "failed"))
	default:
		steps = append(steps, r.status("ringing"), r.status("canceling"), r.hangup("local", "timeout"))
	}
	steps = append(steps, g.flowEnd(f)...)
	if g.chance(0.2) {
		steps = append(steps, r.deleted())
	}
	return steps
}

// groupcall: two demo agents ring at once; the first to answer takes the
// call, the other leg is cancelled ("dialout").
func (g *generator) groupcall() []stepFn {
	gc := &groupcall{resource: g.resource(), FlowID: g.id(), RingMethod: "ringall",
		Source: address{Type: "tel", Target: g.phone()}, CallIDs: []uuid{}}
	a, b := g.agents[0], g.agents[1]
	if g.chance(0.5) {
		a, b = b, a
	}
	gc.Destinations = []address{{Type: "agent", Target: a.ID.String(), TargetName: a.Name}, {Type: "agent", Target: b.ID.String(), TargetName: b.Name}}
	ra := g.newCall("outgoing", a.ID, gc.FlowID, nilUUID)
	rb := g.newCall("outgoing", b.ID, gc.FlowID, nilUUID)
	for _, r := range []callRes{ra, rb} {
		r.c.GroupcallID = gc.ID
		r.c.Source = gc.Source
		gc.CallIDs = append(gc.CallIDs, r.c.ID)
	}
	ra.c.Destination = gc.Destinations[0]
	rb.c.Destination = gc.Destinations[1]
	gcStep := func(typ, status string, f func(now time.Time)) stepFn {
		return func(now time.Time) event {
			gc.Status = status
			gc.TMUpdate = tp(now)
			if f != nil {
				f(now)
			}
			return ev(typ, gc)
		}
	}
	steps := []stepFn{
		gcStep("groupcall_created", "progressing", func(now time.Time) { gc.TMCreate = tp(now) }),
		ra.created(), rb.created(), ra.status("ringing"), rb.status("ringing"),
		ra.status("progressing"),
		gcStep("groupcall_progressing", "progressing", func(time.Time) { gc.AnswerCallID = ra.c.ID }),
		rb.status("canceling"), rb.hangup("local", "dialout"),
		g.callAction(ra, "talk", map[string]any{"text": "Connecting you now", "language": "en-US"}),
	}
	steps = append(steps, g.endCall(ra)...)
	steps = append(steps, gcStep("groupcall_hangup", "hangup", nil))
	if g.chance(0.5) {
		steps = append(steps, gcStep("groupcall_deleted", "hangup", func(now time.Time) { gc.TMDelete = tp(now) }))
	}
	return steps
}

package dialpad

import (
	"strconv"
	"strings"
)

// availability maps an agent's on-duty status to the availability the
// event also carries (the notes name both fields; the mapping is
// evtap's).
var availability = map[string]string{
	"available": "available", "occupied": "busy", "wrapup": "busy", "busy": "busy", "unavailable": "unavailable",
}

var dutyReasons = []string{"Lunch", "Break", "Meeting", "Training"}

// agentStep emits agent's change to on-duty status (with an optional
// reason).
func (g *generator) agentStep(agent ref, status, reason string) step {
	return func(ts int64) genEvent {
		g.duty[agent.ID] = status
		e := agentEvent{
			AvailabilityStatus: availability[status],
			CallCenterIDs:      g.co.centersOf(agent.ID),
			Date:               ts,
			EventTimestamp:     ts,
			OnDutyStatus:       status,
			Target:             ref{ID: agent.ID, Type: "user", Name: agent.Name, Email: agent.Email, Phone: agent.Phone},
		}
		if reason != "" {
			e.OnDutyStatusReason = ptr(reason)
		}
		return genEvent{kind: KindAgentStatus, key: "agent_status:" + strconv.FormatInt(agent.ID, 10) + ":" + strconv.FormatInt(ts, 10), body: mustJSON(e)}
	}
}

// agentShift: an agent not on a call steps away (with a reason) or is
// busy with other work, then comes back.
func (g *generator) agentShift() []step {
	var free []ref
	for _, u := range g.co.users {
		if g.co.isAgent(u.ID) && !g.onCall[u.ID] {
			free = append(free, u)
		}
	}
	if len(free) == 0 { // every agent is on a call: someone's colleague updates a contact instead
		return g.contactChange()
	}
	a := free[g.rng.Intn(len(free))]
	away := g.agentStep(a, "unavailable", dutyReasons[g.rng.Intn(len(dutyReasons))])
	if g.rng.Intn(3) == 0 {
		away = g.agentStep(a, "busy", "")
	}
	return []step{away, g.agentStep(a, "available", "")}
}

// contactChange: a contact is created, updated or deleted, in a user's
// local contacts or the company's shared ones. The shape is evtap's.
func (g *generator) contactChange() []step {
	x := g.contact()
	first, last, _ := strings.Cut(x.Name, " ")
	c := contactJSON{ID: strconv.FormatInt(x.ID, 10), Type: "shared", DisplayName: x.Name, FirstName: first, LastName: last,
		Emails: []string{x.Email}, Phones: []string{x.Phone}, PrimaryEmail: x.Email, PrimaryPhone: x.Phone}
	if g.rng.Intn(2) == 0 {
		c.Type, c.OwnerID = "local", strconv.FormatInt(g.user().ID, 10)
	}
	action := []string{"created", "updated", "updated", "deleted"}[g.rng.Intn(4)]
	return []step{func(ts int64) genEvent {
		e := contactEvent{EventType: action, Contact: c, EventTimestamp: ts}
		return genEvent{kind: KindContact, key: "contact:" + c.ID + ":" + action + ":" + strconv.FormatInt(ts, 10), body: mustJSON(e)}
	}}
}

// changelog: an admin changes a user, office, call centre or department.
// The shape is evtap's.
func (g *generator) changelog() []step {
	objects := []ref{g.user(), g.co.office, g.co.centers[g.rng.Intn(len(g.co.centers))], g.co.dept}
	o := objects[g.rng.Intn(len(objects))]
	fields := map[string][]string{"user": {"first_name", "job_title"}, "office": {"business_hours"},
		"callcenter": {"max_queue_wait", "hold_music"}, "department": {"ring_strategy"}}[o.Type]
	id, actor := g.id(), g.co.users[0].ID
	return []step{func(ts int64) genEvent {
		e := changelogEvent{ID: id, Action: "updated", ObjectType: o.Type, ObjectID: o.ID,
			ChangedFields: fields[:1+g.rng.Intn(len(fields))], ActorID: actor, EventTimestamp: ts}
		return genEvent{kind: KindChangelog, key: "changelog:" + strconv.FormatInt(id, 10), body: mustJSON(e)}
	}}
}

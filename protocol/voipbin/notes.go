package voipbin

import (
	"fmt"
	"strings"
)

// TopicNote explains what a valid topic will receive that a user would
// not guess (A5, A7): duplicates from broad prefixes, with the 4-part
// prefix that avoids them; raw-prefix surprises; topics that validate but
// never match. It returns "" when there is nothing to say, and does not
// repeat ValidateTopic's refusals.
func TopicNote(topic string) string {
	t, err := ParseTopic(topic)
	if err != nil {
		return ""
	}
	var notes []string
	add := func(format string, args ...any) { notes = append(notes, fmt.Sprintf(format, args...)) }
	if id, _ := parseUUID(t.ID); id != t.ID {
		add("VoIPBin publishes ids in lowercase 8-4-4-4-12 form, so %s never matches; write %s", clean(t.ID, 40), id)
	}
	base := t.Scope + ":" + t.ID
	switch {
	case t.Parts == 2 || t.Parts == 3 && t.Resource == "":
		add("matches every event of this %s under both topic strings VoIPBin publishes it under (…:<resource>:<id> and …:<resource>:<event_type>:<id>), so every event arrives twice (the second copy is marked D); 4-part prefixes such as %s:call:call_hangup receive each once", scopeWord(t.Scope), base)
	case t.Parts == 3:
		ex := exampleType(t.Resource)
		res := clean(t.Resource, 40)
		add("a 3-part prefix matches both topic strings each %s event is published under (…:%s:<id> and …:%s:<event_type>:<id>), so every event arrives twice (the second copy is marked D); %s:%s:%s_ receives every %s event once, %s:%s:%s each %s event once", res, res, res, base, res, res, res, base, res, ex, ex)
		if also := longerResources(t.Resource); len(also) > 0 {
			add("the match is a raw string prefix, so it also receives %s events", strings.Join(also, ", "))
		}
		if t.Resource == "queue" {
			add("VoIPBin publishes no queue_* events: this receives only queuecall events")
		}
		if t.Resource == "conference" {
			add("conferencecall_* events are never published: this receives only conference events")
		}
	case t.Parts == 4:
		last := t.Rest[0]
		res := clean(t.Resource, 40)
		switch {
		case strings.Contains(last, "*"):
			add("* is not a wildcard: this topic is accepted but matches nothing")
		case last == "":
			add("the trailing colon stops the match at %q (no %s… resources), but both topic strings still match: every event arrives twice", res, res)
		case last == t.Resource+"_":
			add("matches the new-format topic string of every %s event type and no old-format one: each %s event once, its type not named", res, res)
		case isEventTypeOf(last, t.Resource):
			if !knownType(last) {
				add("%s is not an event type VoIPBin publishes, so this prefix matches only types that begin with it", clean(last, 60))
			}
		case isUUIDText(last):
			add("an id topic matches only the old-format topic string: each event of this %s arrives once, without its event type", res)
			if t.Resource == "transcribe" {
				add("transcribe_speech_* events carry a fresh id each, so this topic misses them: subscribe to %s:transcribe:transcribe_speech_interim and filter on transcribe_id", base)
			}
		default:
			add("matches topic strings whose fourth part begins with %q", clean(last, 60))
		}
	default:
		add("5 or more parts match only the new-format topic string of one event type and id")
	}
	return strings.Join(notes, "; ")
}

func scopeWord(scope string) string {
	if scope == ScopeAgent {
		return "agent"
	}
	return "customer"
}

// exampleType is the event type to suggest for a resource's 4-part
// prefix: the one that says most (a call's end, a status change).
func exampleType(resource string) string {
	switch resource {
	case "call":
		return "call_hangup"
	case "agent":
		return "agent_status_updated"
	case "transcribe":
		return "transcribe_speech_interim"
	}
	if ts := EventTypes[resource]; len(ts) > 0 {
		return ts[0]
	}
	return resource + "_created"
}

// longerResources lists the resources of published topic strings that
// a raw prefix on resource also reaches (campaign → campaigncall).
func longerResources(resource string) []string {
	var out []string
	for _, r := range topicResources {
		if r != resource && strings.HasPrefix(r, resource) {
			out = append(out, r)
		}
	}
	return out
}

// topicResources are the resources that appear in published topic
// strings: Resources plus the old-format special case webchat_session.
var topicResources = append(append([]string(nil), Resources...), "webchat_session")

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func isEventTypeOf(s, resource string) bool { return strings.HasPrefix(s, resource+"_") }

func knownType(t string) bool {
	for _, ts := range EventTypes {
		if contains(ts, t) {
			return true
		}
	}
	return false
}

func isUUIDText(s string) bool {
	_, ok := parseUUID(s)
	return ok
}

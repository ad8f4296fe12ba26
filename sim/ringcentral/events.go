package ringcentral

import (
	"fmt"
	"math/rand"
	"strconv"
	"strings"
	"time"
)

// generator makes realistic notification bodies (ringcentral.md §6) for
// one session. It draws only from its own seeded source, so the n-th body
// of a session repeats for a given seed; only times come from the clock.
type generator struct {
	rng      *rand.Rand
	presence int // presence "sequence" counter
	telSeq   int // telephony session event counter
	call     *call
	msgID    int64
	hostile  int // next hostile variant
}

// call is the one phone call the generator walks through its states, so
// that presence and telephony events tell a consistent story.
type call struct {
	sessionID, telephonySessionID, partyID string
	inbound                                bool
	peer                                   person
	step                                   int
	start                                  time.Time
}

type person struct{ name, phone, location string }

var people = []person{
	{"Ada Lovelace", "+16505550111", "Menlo Park, CA"},
	{"Grace Hopper", "+14155550122", "San Francisco, CA"},
	{"Alan Turing", "+12125550133", "New York, NY"},
	{"Katherine Johnson", "+17575550144", "Hampton, VA"},
	{"Linus Torvalds", "+15035550155", "Portland, OR"},
	{"Barbara Liskov", "+16175550166", "Boston, MA"},
}

var me = person{"Demo User", "+16505550100", "Belmont, CA"}

var texts = []string{
	"Are we still on for 3pm?",
	"Running 5 minutes late",
	"Can you call me back?",
	"The build is green again",
	"Thanks! 👍",
	"Please review the quote I sent",
	"Out of office until Monday",
}

// callSteps is the telephony status sequence of a call; presence shows
// the matching telephonyStatus.
var callSteps = []struct{ code, presence string }{
	{"Setup", "Ringing"},
	{"Proceeding", "Ringing"},
	{"Answered", "CallConnected"},
	{"Hold", "OnHold"},
	{"Answered", "CallConnected"},
	{"Disconnected", "NoCall"},
}

func newGenerator(seed int64) *generator {
	return &generator{rng: rand.New(rand.NewSource(seed)), msgID: 1000000000 + seed%1000000*1000}
}

// uuid draws a version-4-shaped UUID from the session's source.
func (g *generator) uuid() string {
	b := make([]byte, 16)
	for i := range b {
		b[i] = byte(g.rng.Intn(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (g *generator) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.rng.Intn(10))
	}
	b[0] = byte('1' + g.rng.Intn(9))
	return string(b)
}

func (g *generator) person() person { return people[g.rng.Intn(len(people))] }

func rcTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func demoNumber(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }

// body builds the notification body of kind k for filter f.
func (g *generator) body(f filter, now time.Time) map[string]any {
	switch f.kind {
	case KindSMS:
		return g.sms(now)
	case KindVoicemail:
		return g.voicemail(now)
	case KindMessageStore:
		return g.messageStore(now)
	case KindPresence:
		return g.presenceBody(now, f.detailed)
	default:
		return g.telephony(now)
	}
}

func (g *generator) nextMessageID() int64 {
	g.msgID += int64(1 + g.rng.Intn(50))
	return g.msgID
}

func msgURI(id int64) string {
	return fmt.Sprintf("https://platform.ringcentral.com%s/account/%s/extension/%s/message-store/%d", apiPrefix, DemoAccountID, DemoExtensionID, id)
}

func party(p person, target bool) map[string]any {
	m := map[string]any{"phoneNumber": p.phone, "name": p.name, "location": p.location}
	if target {
		m["target"] = true
	}
	return m
}

func (g *generator) sms(now time.Time) map[string]any {
	id := g.nextMessageID()
	peer := g.person()
	inbound := g.rng.Intn(4) != 0
	from, to := party(peer, false), party(me, true)
	direction, status := "Inbound", "Received"
	if !inbound {
		from, to = party(me, false), party(peer, true)
		direction, status = "Outbound", "Delivered"
	}
	conv := g.digits(19)
	return map[string]any{
		"id": strconv.FormatInt(id, 10), "to": []any{to}, "from": from, "type": "SMS",
		"creationTime": rcTime(now), "lastModifiedTime": rcTime(now),
		"readStatus": "Unread", "priority": "Normal",
		"attachments": []any{map[string]any{
			"id": id, "uri": msgURI(id) + "/content/" + strconv.FormatInt(id, 10),
			"type": "Text", "contentType": "text/plain",
		}},
		"direction": direction, "availability": "Alive",
		"subject": texts[g.rng.Intn(len(texts))], "messageStatus": status,
		"conversationId": conv,
		"conversation":   map[string]any{"id": conv, "uri": "https://platform.ringcentral.com" + apiPrefix + "/conversation/" + conv},
		"ownerId":        DemoExtensionID,
	}
}

func (g *generator) voicemail(now time.Time) map[string]any {
	id := g.nextMessageID()
	peer := g.person()
	dur := 5 + g.rng.Intn(90)
	transcription := []string{"NotAvailable", "InProgress", "Completed"}[g.rng.Intn(3)]
	return map[string]any{
		"id": id, "to": []any{party(me, true)}, "from": party(peer, false), "type": "Voicemail",
		"creationTime": rcTime(now), "lastModifiedTime": rcTime(now),
		"readStatus": "Unread", "priority": "Normal",
		"attachments": []any{map[string]any{
			"id": id + 1, "uri": fmt.Sprintf("%s/content/%d", msgURI(id), id+1),
			"type": "AudioRecording", "contentType": "audio/mpeg", "vmDuration": dur,
		}},
		"direction": "Inbound", "availability": "Alive",
		"subject":       "Voice message from " + peer.name,
		"messageStatus": "Received", "vmTranscriptionStatus": transcription,
	}
}

func (g *generator) messageStore(now time.Time) map[string]any {
	types := []string{"SMS", "Pager", "VoiceMail", "Fax"}
	n := 1 + g.rng.Intn(2)
	ids := make([]any, n)
	for i := range ids {
		ids[i] = g.nextMessageID()
	}
	return map[string]any{
		"accountId": demoNumber(DemoAccountID), "extensionId": demoNumber(DemoExtensionID),
		"lastUpdated": rcTime(now),
		"changes": []any{map[string]any{
			"type": types[g.rng.Intn(len(types))], "newCount": n, "updatedCount": g.rng.Intn(2),
			"newMessageIds": ids,
		}},
	}
}

// advanceCall moves the shared call one step, starting a new call after
// the last, and returns it with its current step.
func (g *generator) advanceCall(now time.Time) *call {
	if g.call == nil || g.call.step >= len(callSteps)-1 {
		g.call = &call{
			sessionID: g.digits(11), telephonySessionID: "s-" + g.uuid()[:8] + g.digits(8),
			partyID: "p-" + g.digits(10), inbound: g.rng.Intn(3) != 0, peer: g.person(), start: now,
		}
		return g.call
	}
	g.call.step++
	return g.call
}

func (c *call) direction() string {
	if c.inbound {
		return "Inbound"
	}
	return "Outbound"
}

func (c *call) ends() (from, to person) {
	if c.inbound {
		return c.peer, me
	}
	return me, c.peer
}

func (g *generator) presenceBody(now time.Time, detailed bool) map[string]any {
	c := g.advanceCall(now)
	g.presence++
	status := callSteps[c.step].presence
	active := 0
	if status != "NoCall" {
		active = 1
	}
	presence := "Available"
	if active > 0 {
		presence = "Busy"
	}
	b := map[string]any{
		"extensionId": demoNumber(DemoExtensionID), "telephonyStatus": status,
		"sequence": g.presence, "presenceStatus": presence, "userStatus": "Available",
		"dndStatus": "TakeAllCalls", "meetingStatus": "Disconnected",
		"allowSeeMyPresence": true, "ringOnMonitoredCall": false, "pickUpCallsOnHold": false,
		"totalActiveCalls": active, "ownerId": DemoExtensionID,
	}
	if detailed {
		calls := []any{}
		if active > 0 {
			from, to := c.ends()
			calls = append(calls, map[string]any{
				"id": c.sessionID, "direction": c.direction(),
				"from": from.phone, "fromName": from.name, "to": to.phone, "toName": to.name,
				"startTime": rcTime(c.start), "telephonyStatus": status,
				"sessionId": c.sessionID, "telephonySessionId": c.telephonySessionID,
				"partyId": c.partyID, "terminationType": "final",
			})
		}
		b["activeCalls"] = calls
	}
	return b
}

func (g *generator) telephony(now time.Time) map[string]any {
	c := g.advanceCall(now)
	g.telSeq++
	from, to := c.ends()
	end := func(p person) map[string]any {
		m := map[string]any{"phoneNumber": p.phone, "name": p.name}
		if p == me {
			m["extensionId"] = DemoExtensionID
		}
		return m
	}
	return map[string]any{
		"sequence": g.telSeq, "sessionId": c.sessionID, "telephonySessionId": c.telephonySessionID,
		"serverId": "10.13.22.241.TAM", "eventTime": rcTime(now), "origin": map[string]any{"type": "Call"},
		"parties": []any{map[string]any{
			"accountId": DemoAccountID, "extensionId": DemoExtensionID, "id": c.partyID,
			"direction": c.direction(), "from": end(from), "to": end(to),
			"status":     map[string]any{"code": callSteps[c.step].code, "rcc": false},
			"missedCall": false, "standAlone": false, "muted": false,
		}},
	}
}

// hostileSubjects are what a careless client would pass to the terminal.
var hostileSubjects = []struct{ name, text string }{
	{"ansi", "\x1b[2J\x1b[H\x1b[31;1mRED ALERT\x1b[0m \x1b]0;window title\x07"},
	{"osc52", "copy me \x1b]52;c;ZWNobyBldnRhcA==\x07 (OSC 52 clipboard write)"},
	{"bidi", "invoice \u202efdp.exe\u202c \u2066isolate\u2069 zero\u200bwidth"},
	{"control", "nul\x00 bell\x07 del\x7f nel\u0085 ls\u2028 backspace\x08\x08\x08"},
}

// hostileHuge is the size of the "huge" variant's string.
const hostileHuge = 1 << 20

// spoil turns a generated body hostile, the variants in turn: a nasty
// subject, a 1 MiB subject, or 500 levels of nesting. evtapHostile names
// the variant so a test can tell which it got.
func (g *generator) spoil(b map[string]any) {
	v := g.hostile % (len(hostileSubjects) + 2)
	g.hostile++
	switch {
	case v < len(hostileSubjects):
		b["subject"] = hostileSubjects[v].text
		b["evtapHostile"] = hostileSubjects[v].name
	case v == len(hostileSubjects):
		b["subject"] = strings.Repeat("A", hostileHuge)
		b["evtapHostile"] = "huge"
	default:
		var nested any = "bottom"
		for i := 0; i < 500; i++ {
			nested = map[string]any{"deeper": nested}
		}
		b["nested"] = nested
		b["evtapHostile"] = "deep"
	}
}

package ringcentral

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/url"
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
	{partySetup, telephonyRinging},
	{partyProceeding, telephonyRinging},
	{partyAnswered, telephonyCallConnected},
	{partyHold, telephonyOnHold},
	{partyAnswered, telephonyCallConnected},
	{partyDisconnected, telephonyNoCall},
}

func newGenerator(seed int64) *generator {
	return &generator{rng: rand.New(rand.NewSource(seed)), msgID: 1000000000 + seed%1000000*1000}
}

// uuid draws a version-4-shaped UUID from the session's source.
func (g *generator) uuid() string { return drawUUID(g.rng) }

// drawUUID draws a version-4-shaped UUID from r.
func drawUUID(r *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(r.Intn(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	hex.Encode(out[9:13], b[4:6])
	hex.Encode(out[14:18], b[6:8])
	hex.Encode(out[19:23], b[8:10])
	hex.Encode(out[24:36], b[10:16])
	out[8], out[13], out[18], out[23] = '-', '-', '-', '-'
	return string(out[:])
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

// body builds the notification body for filter f, honouring the
// filter's query conditions (direction, type, statusCode, missedCall).
func (g *generator) body(f filter, now time.Time) any {
	switch f.kind {
	case KindSMS:
		return g.sms(now)
	case KindVoicemail:
		return g.voicemail(now)
	case KindMessageStore:
		return g.messageStore(now, f.query)
	case KindPresence:
		return g.presenceBody(now, f.detailed)
	default:
		return g.telephony(now, f.query)
	}
}

func (g *generator) nextMessageID() int64 {
	g.msgID += int64(1 + g.rng.Intn(50))
	return g.msgID
}

func id(n int64) string { return string(strconv.FormatInt(n, 10)) }

func msgURI(n int64) string {
	return fmt.Sprintf("https://platform.ringcentral.com%s/account/%s/extension/%s/message-store/%d", apiPrefix, DemoAccountID, DemoExtensionID, n)
}

func party(p person, target bool) messageParty {
	return messageParty{PhoneNumber: p.phone, Name: p.name, Location: p.location, Target: target}
}

func (g *generator) sms(now time.Time) *smsBody {
	n := g.nextMessageID()
	peer := g.person()
	inbound := g.rng.Intn(4) != 0
	from, to := party(peer, false), party(me, true)
	direction, status := directionInbound, "Received"
	if !inbound {
		from, to = party(me, false), party(peer, true)
		direction, status = directionOutbound, "Delivered"
	}
	conv := string(g.digits(19))
	return &smsBody{
		messageBody: messageBody{
			ID: id(n), To: []messageParty{to}, From: from, Type: "SMS",
			CreationTime: rcTime(now), LastModifiedTime: rcTime(now),
			ReadStatus: "Unread", Priority: "Normal",
			Attachments: []messageAttachment{{ID: id(n), URI: msgURI(n) + "/content/" + strconv.FormatInt(n, 10),
				Type: "Text", ContentType: "text/plain"}},
			Direction: direction, Availability: "Alive",
			Subject: texts[g.rng.Intn(len(texts))], MessageStatus: status,
		},
		ConversationID: conv,
		Conversation:   &conversationRef{ID: conv, URI: "https://platform.ringcentral.com" + apiPrefix + "/conversation/" + string(conv)},
		OwnerID:        DemoExtensionID,
	}
}

func (g *generator) voicemail(now time.Time) *voicemailBody {
	n := g.nextMessageID()
	peer := g.person()
	return &voicemailBody{
		messageBody: messageBody{
			ID: id(n), To: []messageParty{party(me, false)}, From: party(peer, false), Type: "VoiceMail",
			CreationTime: rcTime(now), LastModifiedTime: rcTime(now),
			ReadStatus: "Unread", Priority: "Normal",
			Attachments: []messageAttachment{{ID: id(n + 1), URI: fmt.Sprintf("%s/content/%d", msgURI(n), n+1),
				Type: "AudioRecording", ContentType: "audio/mpeg", VMDuration: 5 + g.rng.Intn(90)}},
			Direction: directionInbound, Availability: "Alive",
			Subject:       "Voice message from " + peer.name,
			MessageStatus: "Received",
		},
		VMTranscriptionStatus: []string{"NotAvailable", "InProgress", "Completed"}[g.rng.Intn(3)],
		OwnerID:               DemoExtensionID,
	}
}

func (g *generator) messageStore(now time.Time, q url.Values) *messageStoreBody {
	typ := []string{"SMS", "Pager", "VoiceMail", "Fax"}[g.rng.Intn(4)]
	if t := q.Get("type"); t != "" {
		typ = t
	}
	n := 1 + g.rng.Intn(2)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = id(g.nextMessageID())
	}
	return &messageStoreBody{
		AccountID: DemoAccountID, ExtensionID: DemoExtensionID, LastUpdated: rcTime(now),
		Changes: []messageStoreChange{{Type: typ, NewCount: n, UpdatedCount: g.rng.Intn(2), NewMessageIDs: ids}},
		OwnerID: DemoExtensionID,
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

func direction(inbound bool) string {
	if inbound {
		return directionInbound
	}
	return directionOutbound
}

func (c *call) ends(inbound bool) (from, to person) {
	if inbound {
		return c.peer, me
	}
	return me, c.peer
}

func (g *generator) presenceBody(now time.Time, detailed bool) *presenceBody {
	c := g.advanceCall(now)
	g.presence++
	status := callSteps[c.step].presence
	active := 0
	presence := "Available"
	if status != telephonyNoCall {
		active, presence = 1, "Busy"
	}
	b := &presenceBody{
		ExtensionID: DemoExtensionID, TelephonyStatus: status, Sequence: int64(g.presence),
		PresenceStatus: presence, UserStatus: "Available", DNDStatus: "TakeAllCalls", MeetingStatus: "Disconnected",
		AllowSeeMyPresence: true, TotalActiveCalls: active, OwnerID: DemoExtensionID,
	}
	if detailed && active > 0 {
		from, to := c.ends(c.inbound)
		b.ActiveCalls = []activeCall{{
			ID: c.sessionID, Direction: direction(c.inbound),
			From: from.phone, FromName: from.name, To: to.phone, ToName: to.name,
			StartTime: rcTime(c.start), TelephonyStatus: status,
			SessionID: c.sessionID, TelephonySessionID: c.telephonySessionID,
			PartyID: c.partyID, TerminationType: "final",
		}}
	}
	return b
}

func (g *generator) telephony(now time.Time, q url.Values) *telephonyBody {
	c := g.advanceCall(now)
	g.telSeq++
	inbound := c.inbound
	if d := q.Get("direction"); d != "" {
		inbound = d == directionInbound
	}
	code := callSteps[c.step].code
	if s := q.Get("statusCode"); s != "" {
		code = s
	}
	from, to := c.ends(inbound)
	end := func(p person) telephonyEndpoint {
		e := telephonyEndpoint{PhoneNumber: p.phone, Name: p.name}
		if p == me {
			e.ExtensionID = DemoExtensionID
		}
		return e
	}
	return &telephonyBody{
		Sequence: int64(g.telSeq), SessionID: c.sessionID, TelephonySessionID: c.telephonySessionID,
		ServerID: "10.13.22.241.TAM", EventTime: rcTime(now), Origin: sessionOrigin{Type: "Call"},
		Parties: []telephonyParty{{
			AccountID: DemoAccountID, ExtensionID: DemoExtensionID, ID: c.partyID,
			Direction: direction(inbound), From: end(from), To: end(to),
			Status:     partyStatus{Code: code},
			MissedCall: q.Get("missedCall") == "true",
		}},
		OwnerID: DemoExtensionID,
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

// spoil returns a generated body made hostile, the variants in turn: a nasty
// subject, a 1 MiB subject, or 500 levels of nesting. evtapHostile names
// the variant so a test can tell which it got.
func (g *generator) spoil(body any) map[string]any {
	raw, _ := json.Marshal(body)
	var b map[string]any
	_ = json.Unmarshal(raw, &b)
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
	return b
}

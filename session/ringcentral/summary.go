package ringcentral

import (
	"encoding/json"
	"strings"

	rc "github.com/evtap/evtap/protocol/ringcentral"
	"github.com/evtap/evtap/session"
)

// summarize turns a notification into row cells: a short kind and its key
// fields. It is private until protocol/ringcentral has a Summarize of its
// own, which is where it belongs.
func summarize(n rc.Notification) (label, summary string) {
	var b struct {
		Type            string `json:"type"`
		Direction       string `json:"direction"`
		Subject         string `json:"subject"`
		TelephonyStatus string `json:"telephonyStatus"`
		PresenceStatus  string `json:"presenceStatus"`
		From            struct {
			PhoneNumber string `json:"phoneNumber"`
			Name        string `json:"name"`
		} `json:"from"`
		To []struct {
			PhoneNumber string `json:"phoneNumber"`
		} `json:"to"`
		Changes []struct {
			Type     string `json:"type"`
			NewCount int    `json:"newCount"`
		} `json:"changes"`
		Parties []struct {
			Direction string `json:"direction"`
			Status    struct {
				Code string `json:"code"`
			} `json:"status"`
			From struct {
				PhoneNumber string `json:"phoneNumber"`
			} `json:"from"`
			To struct {
				PhoneNumber string `json:"phoneNumber"`
			} `json:"to"`
		} `json:"parties"`
	}
	_ = json.Unmarshal(n.Body, &b)
	path := n.Event
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	var to string
	if len(b.To) > 0 {
		to = b.To[0].PhoneNumber
	}
	switch {
	case strings.HasSuffix(path, "/message-store/instant"):
		label, summary = "SMS "+strings.ToLower(b.Direction), join(b.From.PhoneNumber, "→", to, b.Subject)
	case strings.HasSuffix(path, "/voicemail"):
		label, summary = "voicemail", join(b.From.PhoneNumber, b.From.Name)
	case strings.HasSuffix(path, "/message-store"):
		label = "message store"
		for _, c := range b.Changes {
			summary = join(summary, c.Type+" +"+itoa(c.NewCount))
		}
	case strings.HasSuffix(path, "/presence"):
		label, summary = "presence", join(b.TelephonyStatus, b.PresenceStatus)
	case strings.HasSuffix(path, "/telephony/sessions"):
		label = "call"
		if len(b.Parties) > 0 {
			pt := b.Parties[0]
			summary = join(pt.Status.Code, pt.Direction, pt.From.PhoneNumber, "→", pt.To.PhoneNumber)
		}
	default:
		label = path[strings.LastIndexByte(path, '/')+1:]
	}
	return session.Sanitize(label, 24), session.Sanitize(summary, 200)
}

func join(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	s := strings.Join(out, " ")
	if s == "→" {
		return ""
	}
	return s
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

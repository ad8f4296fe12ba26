package pubnub

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
)

// DefaultOrigin is the PubNub host RingCentral's own clients pin
// (ringcentral 3.x and @rc-ex/pubnub: origin ringcentral.pubnubapi.com,
// ssl on). @ringcentral/subscriptions 4.x leaves the pubnub default,
// ps1..ps20.pndsn.com, which reaches the same service.
const DefaultOrigin = "https://ringcentral.pubnubapi.com"

// DefaultHeartbeat is the presence timeout, in seconds, that 4.x
// clients send on every subscribe.
const DefaultHeartbeat = 300

// PNSDK is what evtap sends as pnsdk: PubNub's analytics name the
// client; evtap does not pretend to be one of theirs.
const PNSDK = "evtap-Go/1"

// Paths of the PubNub REST API.
const (
	pathSubscribe = "/v2/subscribe/"
	pathPresence  = "/v2/presence/sub-key/"
	PathTime      = "/time/0"
)

// Subscribe is a v2 subscribe request: the handshake when Cursor is nil,
// else a poll of the loop.
type Subscribe struct {
	Origin    string // scheme and host, "https://ringcentral.pubnubapi.com"
	SubKey    string
	Channels  []string
	Cursor    *Cursor // nil: the handshake (no tt)
	Heartbeat int     // sent as heartbeat= when positive
	UUID      string
	PNSDK     string
}

// URL builds the request as the 4.x clients send it:
//
//	{origin}/v2/subscribe/{sk}/{ch1,ch2}/0?heartbeat=300[&tt=…&tr=…]&uuid=…&pnsdk=…
//
// The 0 segment is the JSONP callback slot. Channels are escaped one by
// one and joined with a plain comma.
func (s Subscribe) URL() (string, error) {
	if s.SubKey == "" || len(s.Channels) == 0 {
		return "", errors.New("subscribe: a sub key and a channel are needed")
	}
	origin, err := cleanOrigin(s.Origin)
	if err != nil {
		return "", err
	}
	chans := make([]string, len(s.Channels))
	for i, c := range s.Channels {
		if c == "" {
			return "", errors.New("subscribe: an empty channel name")
		}
		chans[i] = url.PathEscape(c)
	}
	var q []string
	if s.Heartbeat > 0 {
		q = append(q, "heartbeat="+strconv.Itoa(s.Heartbeat))
	}
	if s.Cursor != nil {
		q = append(q, "tt="+s.Cursor.T.String(), "tr="+strconv.Itoa(s.Cursor.R))
	}
	q = appendIdentity(q, s.UUID, s.PNSDK)
	u := origin + pathSubscribe + url.PathEscape(s.SubKey) + "/" + strings.Join(chans, ",") + "/0"
	if len(q) > 0 {
		u += "?" + strings.Join(q, "&")
	}
	return u, nil
}

func appendIdentity(q []string, uuid, pnsdk string) []string {
	if uuid != "" {
		q = append(q, "uuid="+url.QueryEscape(uuid))
	}
	if pnsdk != "" {
		q = append(q, "pnsdk="+url.QueryEscape(pnsdk))
	}
	return q
}

// cleanOrigin checks an origin ("https://host[:port]", no path) and
// returns it without a trailing slash.
func cleanOrigin(origin string) (string, error) {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("PubNub origin " + strconv.Quote(origin) + ": want http://host[:port] or https://host[:port]")
	}
	if strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.User != nil {
		return "", errors.New("PubNub origin " + strconv.Quote(origin) + ": want a scheme and host only, no path, query or credentials")
	}
	return u.Scheme + "://" + u.Host, nil
}

// CheckOrigin reports why origin cannot be a PubNub origin, or nil.
func CheckOrigin(origin string) error {
	_, err := cleanOrigin(origin)
	return err
}

// TimeURL is GET /time/0, which answers [<timetoken>]: what 4.x
// clients poll every 3 s after a network error, before resubscribing.
func TimeURL(origin, uuid, pnsdk string) (string, error) {
	o, err := cleanOrigin(origin)
	if err != nil {
		return "", err
	}
	u := o + PathTime
	if q := appendIdentity(nil, uuid, pnsdk); len(q) > 0 {
		u += "?" + strings.Join(q, "&")
	}
	return u, nil
}

// LeaveURL is the presence leave a client sends when it unsubscribes:
// GET /v2/presence/sub-key/{sk}/channel/{ch}/leave?uuid=…&pnsdk=….
func LeaveURL(origin, subKey string, channels []string, uuid, pnsdk string) (string, error) {
	o, err := cleanOrigin(origin)
	if err != nil {
		return "", err
	}
	if subKey == "" || len(channels) == 0 {
		return "", errors.New("leave: a sub key and a channel are needed")
	}
	chans := make([]string, len(channels))
	for i, c := range channels {
		chans[i] = url.PathEscape(c)
	}
	u := o + pathPresence + url.PathEscape(subKey) + "/channel/" + strings.Join(chans, ",") + "/leave"
	if q := appendIdentity(nil, uuid, pnsdk); len(q) > 0 {
		u += "?" + strings.Join(q, "&")
	}
	return u, nil
}

// Request is what a PubNub URL asks for, as the Decoder reads it from a
// published request.
type Request struct {
	Kind      RequestKind
	SubKey    string
	Channels  []string
	Handshake bool   // a subscribe with no tt, tt=0 or tt= (every client form)
	Cursor    Cursor // tt and tr of a subscribe that is not a handshake
}

// RequestKind says which PubNub endpoint a URL names.
type RequestKind int

// The PubNub endpoints.
const (
	NotPubNub RequestKind = iota
	KindSubscribe
	KindTime
	KindHeartbeat
	KindLeave
)

// ParseRequest reads a PubNub request URL. The query is parsed, never
// matched as a string: parameter order differs between client versions.
// A URL of another API is NotPubNub with no error.
func ParseRequest(raw string) (Request, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Request{}, err
	}
	path := u.EscapedPath()
	switch {
	case path == PathTime:
		return Request{Kind: KindTime}, nil
	case strings.HasPrefix(path, pathSubscribe):
		parts := strings.Split(strings.TrimPrefix(path, pathSubscribe), "/")
		if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
			return Request{}, errors.New("subscribe path without a sub key and channels")
		}
		r := Request{Kind: KindSubscribe, SubKey: unescape(parts[0]), Channels: splitChannels(parts[1])}
		q := u.Query()
		tt := q.Get("tt")
		if tt == "" {
			r.Handshake = true
			return r, nil
		}
		if r.Cursor.T, err = ParseTimetoken(tt); err != nil {
			return r, err
		}
		if r.Cursor.T == 0 { // tt=0, as PN8's event engine sends it
			r.Handshake, r.Cursor = true, Cursor{}
			return r, nil
		}
		if tr := q.Get("tr"); tr != "" {
			if r.Cursor.R, err = strconv.Atoi(tr); err != nil {
				return r, errors.New("tr " + strconv.Quote(tr) + " is not a number")
			}
		}
		return r, nil
	case strings.HasPrefix(path, pathPresence):
		// {sk}/channel/{ch}/heartbeat or leave
		parts := strings.Split(strings.TrimPrefix(path, pathPresence), "/")
		if len(parts) != 4 || parts[1] != "channel" {
			return Request{}, nil
		}
		r := Request{SubKey: unescape(parts[0]), Channels: splitChannels(parts[2])}
		switch parts[3] {
		case "leave":
			r.Kind = KindLeave
		case "heartbeat":
			r.Kind = KindHeartbeat
		default:
			return Request{}, nil
		}
		return r, nil
	}
	return Request{}, nil
}

func splitChannels(s string) []string {
	parts := strings.Split(s, ",")
	out := parts[:0]
	for _, p := range parts {
		if p = unescape(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func unescape(s string) string {
	if v, err := url.PathUnescape(s); err == nil {
		return v
	}
	return s
}

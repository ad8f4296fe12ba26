package providers_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/evtap/evtap/internal/providers"
	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

// A recording of a PubNub session keeps no subscribe key, encryption
// key or secret key: not in the subscription answer, not in the k of an
// envelope, not in a poll's or a leave's URL path.
func TestRingCentralPubNubRedaction(t *testing.T) {
	e, ok := providers.Builtin().Lookup("ringcentral-pubnub")
	if !ok {
		t.Fatal("no ringcentral-pubnub entry")
	}
	var o record.Options
	e.Redact(&o)
	r := record.NewRedactor(o.Rules, nil, record.NewIssued())
	const sk, key, sec = "sub-c-b8b9cd8c-e906-11e2-b383-02ee2ddab7fe", "fNP0fszFJdc/thDO90/B3A==", "sec-c-MDAwMDAwMDAwMDAw"
	answer, _ := json.Marshal(protocol.HTTPResponse{ID: 2, Method: "POST", URL: "http://127.0.0.1:5/restapi/v1.0/subscription", Status: 200,
		Body: `{"id":"s1","deliveryMode":{"transportType":"PubNub","address":"222_abc","subscriberKey":"` + sk + `","secretKey":"` + sec + `","encryptionKey":"` + key + `"}}`})
	poll, _ := json.Marshal(protocol.HTTPResponse{ID: 3, Method: "GET", URL: "http://127.0.0.1:6/v2/subscribe/***/222_abc/0?tt=1", Status: 200,
		Body: `{"t":{"t":"2","r":1},"m":[{"a":"3","f":0,"p":{"t":"2","r":1},"k":"` + sk + `","c":"222_abc","d":"x"}]}`})
	for _, line := range []string{
		`{"kind":"recv","frame":{"op":"http","data":` + quote(string(answer)) + `}}`,
		`{"kind":"recv","frame":{"op":"http","data":` + quote(string(poll)) + `}}`,
		`{"kind":"sent","frame":{"op":"http","data":"{\"url\":\"http://127.0.0.1:6/v2/subscribe/` + sk + `/222_abc/0?tt=1\"}"}}`,
		`{"kind":"sent","frame":{"op":"http","data":"{\"url\":\"http://127.0.0.1:6/v2/presence/sub-key/` + sk + `/channel/222_abc/leave\"}"}}`,
	} {
		out := string(r.Line([]byte(line)))
		for _, s := range []string{sk, key, sec, "fNP0fszFJdc"} {
			if strings.Contains(out, s) {
				t.Errorf("kept %s:\n%s", s, out)
			}
		}
		if strings.Contains(line, "222_abc") && !strings.Contains(out, "222_abc") {
			t.Errorf("the channel is no secret; it was redacted:\n%s", out)
		}
	}
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

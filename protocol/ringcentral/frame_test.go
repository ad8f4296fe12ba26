package ringcentral

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// roundTrip decodes a frame, re-encodes it and decodes that again; the
// two decodings must agree on meta and on the body's meaning.
func roundTrip(t *testing.T, data string) Frame {
	t.Helper()
	f1, err := Decode([]byte(data))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	out, err := Encode(f1.Meta, f1.Body)
	if err != nil {
		t.Fatalf("Encode: %v", err)
	}
	f2, err := Decode(out)
	if err != nil {
		t.Fatalf("Decode(Encode()) = %v for %s", err, out)
	}
	if !reflect.DeepEqual(normMeta(f1.Meta), normMeta(f2.Meta)) {
		t.Errorf("meta changed in round trip:\n%+v\n%+v", f1.Meta, f2.Meta)
	}
	if !sameJSON(t, f1.Body, f2.Body) {
		t.Errorf("body changed in round trip:\n%s\n%s", f1.Body, f2.Body)
	}
	return f1
}

func sameJSON(t *testing.T, a, b json.RawMessage) bool {
	t.Helper()
	if (a == nil) != (b == nil) {
		return false
	}
	if a == nil {
		return true
	}
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("body a: %v", err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("body b: %v", err)
	}
	return reflect.DeepEqual(va, vb)
}

func TestRoundTripConnectionDetails(t *testing.T) {
	f := roundTrip(t, seedConnectionDetails)
	want := Meta{Type: TypeConnectionDetails, MessageID: "156eec30-xxxx-xxxx-xxxx-005056bf7145", Status: 200,
		WSC:     &WSC{Token: "RTFhRG5nfExxxxxxxxxxxcHE3bXkyRURQVQ", Sequence: 1},
		Headers: map[string]string{"RCRequestId": "156eec30-xxxx-xxxx-xxxx-005056bf7145"}}
	if !reflect.DeepEqual(f.Meta, want) {
		t.Errorf("meta = %+v, want %+v", f.Meta, want)
	}
	var cd ConnectionDetails
	if err := f.DecodeBody(&cd); err != nil {
		t.Fatal(err)
	}
	wantCD := ConnectionDetails{CreationTime: "2020-09-07T21:50:02.737+0000", MaxConnectionsPerSession: 50,
		RecoveryBufferSize: 100, RecoveryTimeout: 180, IdleTimeout: 1800, AbsoluteTimeout: 86400, MaxActiveRequests: 10}
	if cd != wantCD {
		t.Errorf("body = %+v, want %+v", cd, wantCD)
	}
	if cd.RecoveryState != "" {
		t.Error("a fresh session must have no recoveryState")
	}
	if _, err := time.Parse(TimeLayout, cd.CreationTime); err != nil {
		t.Errorf("creationTime does not parse with TimeLayout: %v", err)
	}
}

func TestRoundTripRecoveryConnectionDetails(t *testing.T) {
	f := roundTrip(t, seedRecoveryConnectionDetails)
	var cd ConnectionDetails
	if err := f.DecodeBody(&cd); err != nil {
		t.Fatal(err)
	}
	if cd.RecoveryState != RecoverySuccessful || cd.RecoveryErrorCode != "" {
		t.Errorf("recovery = %q/%q", cd.RecoveryState, cd.RecoveryErrorCode)
	}
	// A failure carries its code and survives encoding.
	cd.RecoveryState, cd.RecoveryErrorCode = RecoveryFailed, WSGNoSubscription
	out, err := Encode(f.Meta, cd)
	if err != nil {
		t.Fatal(err)
	}
	g, err := Decode(out)
	if err != nil {
		t.Fatal(err)
	}
	var back ConnectionDetails
	if err := g.DecodeBody(&back); err != nil || back != cd {
		t.Errorf("failed recovery round trip = %+v, %v", back, err)
	}
}

func TestRoundTripSubscriptionRequest(t *testing.T) {
	f := roundTrip(t, seedSubscriptionRequest)
	if f.Meta.Type != TypeClientRequest || f.Meta.Method != "POST" || f.Meta.Path != "/restapi/v1.0/subscription/" ||
		f.Meta.MessageID != "11618510-987d-442e-8dcf-0640b82e4ff5" || f.Meta.Status != 0 || f.Meta.WSC != nil {
		t.Errorf("meta = %+v", f.Meta)
	}
	var req SubscriptionRequest
	if err := f.DecodeBody(&req); err != nil {
		t.Fatal(err)
	}
	want := SubscriptionRequest{
		EventFilters: []string{"/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS", "/restapi/v1.0/account/~/extension/~/voicemail"},
		DeliveryMode: DeliveryMode{TransportType: TransportWebSocket},
	}
	if !reflect.DeepEqual(req, want) {
		t.Errorf("body = %+v", req)
	}
	for _, ef := range req.EventFilters {
		if err := ValidateFilter(ef); err != nil {
			t.Errorf("seed filter rejected: %v", err)
		}
	}
	// Encoding the typed body gives what the document sends.
	out, err := Encode(f.Meta, req)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := Decode(out)
	if !sameJSON(t, g.Body, f.Body) {
		t.Errorf("typed body encodes as %s", g.Body)
	}
}

func TestRoundTripServerNotification(t *testing.T) {
	f := roundTrip(t, sampleNotification)
	if f.Meta.Type != TypeServerNotification || f.Meta.Status != 200 || f.Meta.MessageID != "2661273919712564939" {
		t.Errorf("meta = %+v", f.Meta)
	}
	var n Notification
	if err := f.DecodeBody(&n); err != nil {
		t.Fatal(err)
	}
	if n.UUID != "2661273919712564939" || n.OwnerID != "233676004" || !strings.HasPrefix(n.SubscriptionID, "2db5fcc4-") ||
		n.Event != "/restapi/v1.0/account/233676004/extension/233676004/message-store" {
		t.Errorf("notification = %+v", n)
	}
	if got := n.Time(); got.IsZero() || got.UTC().Format("2006-01-02T15:04:05.000") != "2023-04-18T20:25:24.611" {
		t.Errorf("Time() = %v", got)
	}
	var body MessageStoreBody
	if err := json.Unmarshal(n.Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.AccountID != "233676004" || len(body.Changes) != 1 || body.Changes[0].Type != "SMS" || body.Changes[0].NewCount != 1 {
		t.Errorf("body = %+v", body)
	}
	if !MatchFilter("/restapi/v1.0/account/~/extension/~/message-store", n.Event) {
		t.Error("the sample's event does not match the message-store filter")
	}
}

func TestRoundTripHeartbeat(t *testing.T) {
	f := roundTrip(t, sampleHeartbeat)
	if f.Meta.Type != TypeHeartbeat || f.Meta.MessageID != "ibomrniwT8uLqu3+NhEshg/0" || f.Body != nil {
		t.Errorf("frame = %+v", f)
	}
	out, err := Encode(f.Meta, nil)
	if err != nil || string(out) != `[{"type":"Heartbeat","messageId":"ibomrniwT8uLqu3+NhEshg/0"}]` {
		t.Errorf("Encode heartbeat = %s, %v (want a one-element array, as the JS SDK sends)", out, err)
	}
	if err := f.DecodeBody(new(any)); err == nil {
		t.Error("DecodeBody on a bodiless frame returned no error")
	}
}

func TestRoundTripError(t *testing.T) {
	f := roundTrip(t, sampleError)
	var e ErrorBody
	if err := f.DecodeBody(&e); err != nil {
		t.Fatal(err)
	}
	if f.Meta.Type != TypeError || f.Meta.Status != 400 || e.ErrorCode != WSGBadContext || e.Message != "Malformed WebSocket session context token" {
		t.Errorf("error frame = %+v %+v", f.Meta, e)
	}
}

// REST bodies travel outside frames; they round-trip through their types.
func TestRoundTripRESTBodies(t *testing.T) {
	var ws WSTokenResponse
	restRoundTrip(t, seedWSToken, &ws, &WSTokenResponse{})
	if ws.URI != "wss://servername.ringcentral.com/ws" || ws.WSAccessToken != "U0pDMDFQMDdQQxxxxxxxxx9pSU9OemVzakpn" || ws.ExpiresIn != 30 {
		t.Errorf("wstoken = %+v", ws)
	}
	u, err := SocketURL(ws.URI, ws.WSAccessToken, "")
	if err != nil || u != "wss://servername.ringcentral.com/ws?access_token=U0pDMDFQMDdQQxxxxxxxxx9pSU9OemVzakpn" {
		t.Errorf("SocketURL = %q, %v (seed 001 shows this exact URL)", u, err)
	}

	var tok TokenResponse
	restRoundTrip(t, sampleToken, &tok, &TokenResponse{})
	want := TokenResponse{AccessToken: "AT...", TokenType: "bearer", ExpiresIn: 3600, RefreshToken: "RT...",
		RefreshTokenExpiresIn: 604800, Scope: "WebSocketsSubscription ...", OwnerID: "101", EndpointID: "ep1"}
	if tok != want {
		t.Errorf("token = %+v", tok)
	}

	var sub SubscriptionInfo
	restRoundTrip(t, seedPubNubSubscription, &sub, &SubscriptionInfo{})
	if sub.ID != "78c53776-6aa5-4089-b080-150089c097bf" || sub.Status != "Active" || sub.DeliveryMode.TransportType != TransportPubNub ||
		sub.DeliveryMode.Encryption == nil || !*sub.DeliveryMode.Encryption || sub.DeliveryMode.EncryptionKey != "fNP0fszFJdc/thDO90/B3A==" {
		t.Errorf("subscription = %+v", sub)
	}
}

func restRoundTrip(t *testing.T, data string, v, back any) {
	t.Helper()
	if err := json.Unmarshal([]byte(data), v); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v, back) {
		t.Errorf("round trip changed %T:\n%+v\n%+v", v, v, back)
	}
}

func TestDecodeRejects(t *testing.T) {
	cases := []struct{ name, data, want string }{
		{"object", `{"type":"Heartbeat"}`, "not a JSON array"},
		{"empty input", ``, "not a JSON array"},
		{"string", `"x"`, "not a JSON array"},
		{"empty array", `[]`, "0 elements"},
		{"three elements", `[{"type":"Heartbeat"},{},{}]`, "3 elements"},
		{"meta without type", `[{"messageId":"1"}]`, "no type"},
		{"null meta", `[null]`, "must be an object"},
		{"meta not an object", `[1]`, `must be an object, got "1"`},
		{"object shows its start", `{"type":"Heartbeat"}`, `starts with "{\"type\":\"Heartbeat\"}"`},
		{"type not a string", `[{"type":5}]`, "meta"},
		{"broken JSON", `[{"type":"Heartbeat"}`, "not valid JSON"},
	}
	for _, c := range cases {
		_, err := Decode([]byte(c.data))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Decode(%q) = %v, want error containing %q", c.name, c.data, err, c.want)
		}
	}
	if _, err := Decode([]byte(`{}`)); !errors.Is(err, ErrNotArray) {
		t.Errorf("non-array error %v is not ErrNotArray", err)
	}
}

func TestDecodeNullBody(t *testing.T) {
	// RingCentral.Net sends [meta, null] for a bodiless request (§2.5).
	f, err := Decode([]byte(`[{"type":"ClientRequest","messageId":"m","method":"DELETE","path":"/restapi/v1.0/subscription/x"}, null]`))
	if err != nil {
		t.Fatal(err)
	}
	if f.Body != nil || f.Meta.Method != "DELETE" {
		t.Errorf("frame = %+v", f)
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{seedConnectionDetails, seedSubscriptionRequest, seedRecoveryConnectionDetails,
		sampleNotification, sampleHeartbeat, sampleError, `[]`, `[null]`, `[{"type":"X"},null]`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fr, err := Decode(data)
		if err != nil {
			return
		}
		if fr.Meta.Type == "" {
			t.Fatal("accepted a frame without type")
		}
		out, err := Encode(fr.Meta, fr.Body)
		if err != nil {
			t.Fatalf("Encode of a decoded frame failed: %v", err)
		}
		again, err := Decode(out)
		if err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
		if !reflect.DeepEqual(normMeta(fr.Meta), normMeta(again.Meta)) || !sameJSON(t, fr.Body, again.Body) {
			t.Fatalf("round trip changed the frame: %q -> %q", data, out)
		}
	})
}

// normMeta treats an empty headers or query object like a missing one:
// Encode leaves both out, and no reader can tell them apart.
func normMeta(m Meta) Meta {
	if len(m.Headers) == 0 {
		m.Headers = nil
	}
	if len(m.Query) == 0 {
		m.Query = nil
	}
	return m
}

// A server writing ids as numbers still gets its notification through.
func TestNotificationAcceptsNumericIDs(t *testing.T) {
	var n Notification
	err := json.Unmarshal([]byte(`{"uuid":2661273919712564939,"event":"/e","timestamp":"t","subscriptionId":"s","ownerId":233676004,"body":{"a":1}}`), &n)
	if err != nil {
		t.Fatal(err)
	}
	if n.UUID != "2661273919712564939" || n.OwnerID != "233676004" || n.SubscriptionID != "s" || string(n.Body) != `{"a":1}` {
		t.Errorf("notification = %+v", n)
	}
	if err := json.Unmarshal([]byte(`{"ownerId":{}}`), &n); err == nil {
		t.Error("an object as ownerId decoded without error")
	}
	out, _ := json.Marshal(Notification{UUID: "u", Event: "/e", OwnerID: "1", Body: json.RawMessage(`{}`)})
	if string(out) != `{"uuid":"u","event":"/e","timestamp":"","subscriptionId":"","ownerId":"1","body":{}}` {
		t.Errorf("encoding changed: %s", out)
	}
}

// The real subscription response of ringcentral.md §2.5 (ringcentral-
// python issue #92): relative uri, expanded ids, encryption false. The
// explicit false must survive, since "no encryption field" means
// something else to a PubNub client.
func TestRoundTripSubscriptionResponse(t *testing.T) {
	const data = `[{"type":"ClientRequest","messageId":"m1","status":200,"headers":{"RCRequestId":"r1","Content-Type":"application/json"}},
{"uri":"/restapi/v1.0/subscription/5e4b3f07-0000-0000-0000-000000000000","id":"5e4b3f07-0000-0000-0000-000000000000",
"creationTime":"2021-06-01T00:00:00.000Z","status":"Active","eventFilters":["/restapi/v1.0/account/809646016/extension/62264425016/presence"],
"expirationTime":"2021-06-02T00:00:00.000Z","expiresIn":86399,"deliveryMode":{"transportType":"WebSocket","encryption":false}}]`
	f := roundTrip(t, data)
	var info SubscriptionInfo
	if err := f.DecodeBody(&info); err != nil {
		t.Fatal(err)
	}
	if info.DeliveryMode.Encryption == nil || *info.DeliveryMode.Encryption || info.ExpiresIn != 86399 || f.Meta.WSC != nil {
		t.Errorf("subscription = %+v, meta %+v", info, f.Meta)
	}
	out, _ := json.Marshal(info.DeliveryMode)
	if string(out) != `{"transportType":"WebSocket","encryption":false}` {
		t.Errorf("deliveryMode encodes as %s", out)
	}
	if !MatchFilter(CommonFilters[3].Filter, info.EventFilters[0]+"?detailedTelephonyState=true") {
		t.Error("expanded presence filter does not match the detailed preset")
	}
}

// A failed ClientRequest: 404 with the REST error body of §2.5 (its
// errors list, elided there, filled in).
func TestRoundTripClientRequestError(t *testing.T) {
	const data = `[{"type":"ClientRequest","messageId":"m2","status":404},{"errorCode":"CMN-102","message":"Resource for parameter [subscriptionId] is not found",
"errors":[{"errorCode":"CMN-102","message":"Resource for parameter [subscriptionId] is not found","parameterName":"subscriptionId"}]}]`
	f := roundTrip(t, data)
	var e ErrorBody
	if err := f.DecodeBody(&e); err != nil {
		t.Fatal(err)
	}
	if f.Meta.Status != 404 || e.ErrorCode != "CMN-102" || len(e.Errors) != 1 || e.Errors[0].Parameter != "subscriptionId" {
		t.Errorf("error = %+v %+v", f.Meta, e)
	}
}

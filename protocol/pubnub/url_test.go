package pubnub

import (
	"slices"
	"testing"
)

// The handshake carries no tt; the loop carries tt and tr, with
// heartbeat, uuid and pnsdk as the 4.x clients send them (§5, §6.2).
func TestSubscribeURL(t *testing.T) {
	s := Subscribe{Origin: "https://ringcentral.pubnubapi.com/", SubKey: "sub-c-1", Channels: []string{"222_abc"},
		Heartbeat: DefaultHeartbeat, UUID: "pn-1", PNSDK: "evtap-Go/1"}
	u, err := s.URL()
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://ringcentral.pubnubapi.com/v2/subscribe/sub-c-1/222_abc/0?heartbeat=300&uuid=pn-1&pnsdk=evtap-Go%2F1"; u != want {
		t.Fatalf("handshake\n got %s\nwant %s", u, want)
	}
	s.Cursor = &Cursor{T: 17959736021530002, R: 12}
	u, _ = s.URL()
	if want := "https://ringcentral.pubnubapi.com/v2/subscribe/sub-c-1/222_abc/0?heartbeat=300&tt=17959736021530002&tr=12&uuid=pn-1&pnsdk=evtap-Go%2F1"; u != want {
		t.Fatalf("loop\n got %s\nwant %s", u, want)
	}
	s.Channels = []string{"a b", "c/d"}
	u, _ = s.URL()
	r, err := ParseRequest(u)
	if err != nil || !slices.Equal(r.Channels, []string{"a b", "c/d"}) {
		t.Fatalf("escaped channels: %s → %+v %v", u, r, err)
	}
}

func TestSubscribeURLRefusesBadOrigins(t *testing.T) {
	for _, o := range []string{"", "ringcentral.pubnubapi.com", "ftp://x", "http://", "http://h/path", "http://u:p@h"} {
		if _, err := (Subscribe{Origin: o, SubKey: "k", Channels: []string{"c"}}).URL(); err == nil {
			t.Errorf("origin %q accepted", o)
		}
	}
	if _, err := (Subscribe{Origin: "http://127.0.0.1:1", Channels: []string{"c"}}).URL(); err == nil {
		t.Error("no sub key accepted")
	}
}

// Every client's handshake form is a handshake: no tt (PN4, PN12), tt=0
// (PN8's event engine) and tt=; the parameters are read in any order.
func TestParseRequestHandshakeForms(t *testing.T) {
	for _, q := range []string{
		"?heartbeat=300&uuid=pn-c1&pnsdk=PubNub-JS-Nodejs%2F4.37.0",
		"?heartbeat=300&uuid=u&requestid=r&pnsdk=x",
		"?tt=0&ee=&uuid=u&requestid=r",
		"?ee=&uuid=u&requestid=r",
		"?tt=&uuid=u",
	} {
		r, err := ParseRequest("http://127.0.0.1/v2/subscribe/sub-c-local/222_046c34d4/0" + q)
		if err != nil || r.Kind != KindSubscribe || !r.Handshake || r.SubKey != "sub-c-local" || r.Channels[0] != "222_046c34d4" {
			t.Errorf("%s: %+v %v", q, r, err)
		}
	}
	r, err := ParseRequest("http://h/v2/subscribe/k/c/0?ee=&tr=12&uuid=u&tt=17959736021530002&requestid=r")
	if err != nil || r.Handshake || r.Cursor != (Cursor{T: 17959736021530002, R: 12}) {
		t.Fatalf("loop: %+v %v", r, err)
	}
	if _, err := ParseRequest("http://h/v2/subscribe/k/c/0?tt=abc"); err == nil {
		t.Fatal("a bad tt accepted")
	}
}

func TestParseRequestOtherEndpoints(t *testing.T) {
	leave, _ := LeaveURL("http://127.0.0.1:9", "sub-c-1", []string{"ch"}, "u", PNSDK)
	if leave != "http://127.0.0.1:9/v2/presence/sub-key/sub-c-1/channel/ch/leave?uuid=u&pnsdk=evtap-Go%2F1" {
		t.Fatalf("leave URL %s", leave)
	}
	tu, _ := TimeURL("http://127.0.0.1:9", "u", "")
	for u, kind := range map[string]RequestKind{
		leave: KindLeave,
		tu:    KindTime,
		"http://h/v2/presence/sub-key/k/channel/c/heartbeat?heartbeat=300": KindHeartbeat,
		"http://h/restapi/v1.0/subscription":                               NotPubNub,
		"http://h/v2/presence/sub-key/k/channel/c/where":                   NotPubNub,
	} {
		r, err := ParseRequest(u)
		if err != nil || r.Kind != kind {
			t.Errorf("%s: %v %v, want kind %v", u, r.Kind, err, kind)
		}
	}
}

package providers_test

import (
	"bytes"
	"crypto/aes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/evtap/evtap/internal/providers"
	"github.com/evtap/evtap/protocol"
	pn "github.com/evtap/evtap/protocol/pubnub"
	"github.com/evtap/evtap/ui/shell"
)

// The PubNub screen, drawn from a fixed session through the provider's
// own decoder and UI description: the REST subscription with its
// encryption note, the long-poll context (cursor, channel, masked sub
// key, expiry and renew countdowns, renew history), decrypted presence
// events, one encrypted with the wrong key named as such, a dropped poll
// and the catch-up after it marked R.
func TestTheRingCentralPubNubScreen(t *testing.T) {
	for _, size := range []struct{ w, h int }{{160, 45}, {80, 24}} {
		t.Run(fmt.Sprintf("%dx%d", size.w, size.h), func(t *testing.T) {
			golden.RequireEqual(t, []byte(pubNubScreen(t, size.w, size.h)))
		})
	}
}

const (
	pnKey     = "e0bMTqmumPfFUbwzppkSbA=="
	pnChannel = "222_046c34d4"
	pnSubKey  = "sub-c-b8b9cd8c-e906-11e2-b383-02ee2ddab7fe"
	pnServer  = "http://127.0.0.1:9"
)

// pubNubSession is what a session publishes (http frames and states):
// the recorded facts of a short session over PubNub.
func pubNubSession() []protocol.Update {
	at := func(s float64) time.Time { return screenT0.Add(time.Duration(s * float64(time.Second))) }
	var us []protocol.Update
	id := 0
	state := func(s float64, conn int, st protocol.State) {
		us = append(us, protocol.Update{Time: at(s), Kind: protocol.KindState, Conn: conn, State: &st})
	}
	http := func(s, took float64, conn int, method, url, reqBody string, status int, body string) {
		id++
		q, _ := json.Marshal(protocol.HTTPRequest{ID: id, Method: method, URL: url, Body: reqBody})
		a, _ := json.Marshal(protocol.HTTPResponse{ID: id, Method: method, URL: url, Status: status, Body: body,
			Header: map[string]string{"Content-Type": "text/javascript; charset=\"UTF-8\""}, Duration: protocol.Millis(time.Duration(took * float64(time.Second)))})
		us = append(us,
			protocol.Update{Time: at(s), Kind: protocol.KindSent, Conn: conn, Frame: &protocol.Frame{Op: protocol.OpHTTP, Data: string(q), Size: len(reqBody)}},
			protocol.Update{Time: at(s + took), Kind: protocol.KindRecv, Conn: conn, Frame: &protocol.Frame{Op: protocol.OpHTTP, Data: string(a), Size: len(body)}})
	}
	fail := func(s float64, conn int, url, cause string) {
		id++
		q, _ := json.Marshal(protocol.HTTPRequest{ID: id, Method: "GET", URL: url})
		a, _ := json.Marshal(protocol.HTTPResponse{ID: id, Method: "GET", URL: url, Error: cause})
		us = append(us,
			protocol.Update{Time: at(s), Kind: protocol.KindSent, Conn: conn, Frame: &protocol.Frame{Op: protocol.OpHTTP, Data: string(q)}},
			protocol.Update{Time: at(s + 3), Kind: protocol.KindRecv, Conn: conn, Frame: &protocol.Frame{Op: protocol.OpHTTP, Data: string(a)}})
	}
	sub := func(s float64, exp float64) string {
		return `{"id":"a0ed3978-5e7a-4bf1-9a3e-0f1c2d3e4f50","uri":"/restapi/v1.0/subscription/a0ed3978-5e7a-4bf1-9a3e-0f1c2d3e4f50","status":"Active",` +
			`"creationTime":"2026-11-29T12:00:00.000Z","expirationTime":"` + at(s+exp).Format("2006-01-02T15:04:05.000Z") + `","expiresIn":` + fmt.Sprint(int(exp)) + `,` +
			`"eventFilters":["/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true"],` +
			`"deliveryMode":{"transportType":"PubNub","encryption":true,"address":"` + pnChannel + `","subscriberKey":"` + pnSubKey + `","encryptionAlgorithm":"AES","encryptionKey":"` + pnKey + `"}}`
	}
	tt := func(s float64) string { return pn.TimetokenAt(at(s)).String() }
	poll := func(cursor string) string {
		u := pnServer + "/v2/subscribe/***/" + pnChannel + "/0?heartbeat=300"
		if cursor != "" {
			u += "&tt=" + cursor + "&tr=12"
		}
		return u + "&uuid=pn-demo&pnsdk=evtap-Go%2F1"
	}
	note := func(uuid, status string, s float64) string {
		return `{"uuid":"` + uuid + `","event":"/restapi/v1.0/account/~/extension/222/presence","timestamp":"` + at(s).Format("2006-01-02T15:04:05.000Z") +
			`","subscriptionId":"a0ed3978-5e7a-4bf1-9a3e-0f1c2d3e4f50","ownerId":"222","body":{"extensionId":222,"telephonyStatus":"` + status + `","presenceStatus":"Busy"}}`
	}
	env := func(key string, s float64, plain string) string {
		b, _ := json.Marshal(ecbEncrypt(key, plain))
		return `{"a":"3","f":0,"i":"rc","p":{"t":"` + tt(s) + `","r":12},"k":"` + pnSubKey + `","c":"` + pnChannel + `","b":"` + pnChannel + `","d":` + string(b) + `}`
	}
	answer := func(s float64, msgs ...string) string {
		b := `{"t":{"t":"` + tt(s) + `","r":12},"m":[`
		for i, m := range msgs {
			if i > 0 {
				b += ","
			}
			b += m
		}
		return b + "]}"
	}
	key, _ := pn.ParseKey(pnKey)
	ctx := func(exp, since time.Time, cursor string, renewals ...pn.Renewal) []protocol.Field {
		c := pn.Context{PollSince: since, Channel: pnChannel, SubKey: pnSubKey, Origin: pnServer, Key: key.Fingerprint(),
			Expires: exp, NextRenew: pn.RenewAt(exp), Renewals: renewals}
		if cursor != "" {
			t, _ := pn.ParseTimetoken(cursor)
			c.Cursor = &pn.Cursor{T: t, R: 12}
		}
		return c.Fields()
	}
	created := pn.Renewal{At: at(0.2), Method: "POST", Status: 200}

	state(0, 1, protocol.State{Phase: protocol.PhaseToken, URL: pnServer + "/restapi/oauth/token"})
	state(0, 1, protocol.State{Phase: protocol.PhaseSubscribing, Cause: "POST /restapi/v1.0/subscription with 1 filter(s), PubNub delivery"})
	http(0, 0.1, 1, "POST", pnServer+"/restapi/oauth/token", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=***", 200, `{"access_token":"AT","token_type":"bearer","expires_in":3600}`)
	http(0.1, 0.1, 1, "POST", pnServer+"/restapi/v1.0/subscription", `{"eventFilters":["/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true"],"deliveryMode":{"transportType":"PubNub"}}`, 200, sub(0.2, 900))
	state(0.2, 1, protocol.State{Phase: protocol.PhaseDialing, URL: poll("")})
	http(0.2, 0.05, 1, "GET", poll(""), "", 200, answer(0.2))
	state(0.25, 1, protocol.State{Phase: protocol.PhaseLive, Cause: "handshake answered (PNConnectedCategory): cursor tt " + tt(0.2) + " r 12",
		Context: ctx(at(900.2), time.Time{}, tt(0.2), created)})
	http(0.3, 2, 1, "GET", poll(tt(0.2)), "", 200, answer(2.3, env(pnKey, 2.3, note("u-ringing", "Ringing", 2.3))))
	http(2.3, 1.5, 1, "GET", poll(tt(2.3)), "", 200, answer(3.8, env(pnKey, 3.8, note("u-callconnected", "CallConnected", 3.8)),
		env("AAAAAAAAAAAAAAAAAAAAAA==", 3.8, note("u-wrongkey", "OnHold", 3.8))))
	fail(3.8, 1, poll(tt(3.8)), "connection reset by peer")
	state(6.8, 1, protocol.State{Phase: protocol.PhaseDropped, Cause: "poll failed: subscribe: connection reset by peer"})
	state(6.8, 1, protocol.State{Phase: protocol.PhaseBackoff, Attempt: 1, Delay: protocol.Millis(400 * time.Millisecond), Until: at(7.2)})
	http(7.2, 0.01, 2, "GET", pnServer+"/time/0?uuid=pn-demo&pnsdk=evtap-Go%2F1", "", 200, "["+tt(7.2)+"]")
	state(7.21, 2, protocol.State{Phase: protocol.PhaseRecovering, URL: poll(tt(3.8))})
	http(7.21, 0.02, 2, "GET", poll(tt(3.8)), "", 200, answer(5, env(pnKey, 5, note("u-disconnected", "NoCall", 5))))
	state(7.23, 2, protocol.State{Phase: protocol.PhaseLive, Cause: "resumed from the last timetoken (PNReconnectedCategory): 1 notification(s) caught up from PubNub's queue, marked R",
		Context: ctx(at(900.2), at(7.23), tt(5), created)})
	id++
	q, _ := json.Marshal(protocol.HTTPRequest{ID: id, Method: "GET", URL: poll(tt(5))})
	us = append(us, protocol.Update{Time: at(7.23), Kind: protocol.KindSent, Conn: 2, Frame: &protocol.Frame{Op: protocol.OpHTTP, Data: string(q)}})
	http(12, 0.1, 2, "PUT", pnServer+"/restapi/v1.0/subscription/a0ed3978-5e7a-4bf1-9a3e-0f1c2d3e4f50", `{"eventFilters":["/restapi/v1.0/account/~/extension/~/presence?detailedTelephonyState=true"]}`, 200, sub(12.1, 900))
	state(12.1, 2, protocol.State{Phase: protocol.PhaseLive, Cause: "subscription renewed (PUT 200): expires " + at(912.1).Local().Format("15:04:05"),
		Context: ctx(at(912.1), at(7.23), tt(5), created, pn.Renewal{At: at(12.1), Method: "PUT", Status: 200})})
	return us
}

// ecbEncrypt is the service's encryption (AES-128-ECB, PKCS#7, base64),
// written here apart from protocol/pubnub.
func ecbEncrypt(key, plain string) string {
	k, _ := base64.StdEncoding.DecodeString(key)
	b, _ := aes.NewCipher(k)
	buf := []byte(plain)
	pad := 16 - len(buf)%16
	for range pad {
		buf = append(buf, byte(pad))
	}
	for i := 0; i < len(buf); i += 16 {
		b.Encrypt(buf[i:i+16], buf[i:i+16])
	}
	return base64.StdEncoding.EncodeToString(buf)
}

func pubNubScreen(t *testing.T, w, h int) string {
	t.Helper()
	e, ok := providers.Builtin().Lookup("ringcentral-pubnub")
	if !ok {
		t.Fatal("no ringcentral-pubnub entry")
	}
	dec := e.NewDecoder()
	feed := shell.NewFeed(1000)
	for _, u := range pubNubSession() {
		var raw []byte
		if u.Frame != nil {
			raw = []byte(u.Frame.Data)
		}
		derived, _ := dec.Decode(nil, &u, raw)
		feed.Push(u)
		for _, d := range derived {
			d.Time, d.Offset, d.Conn = u.Time, u.Offset, u.Conn
			feed.Push(d)
		}
	}
	src := shell.NewSource(feed, protocol.Controls{protocol.CmdDrop: true, protocol.CmdSetFilters: true, protocol.CmdResume: true}, func(protocol.Command) error { return nil })
	m := shell.New(src, shell.Options{Title: "RingCentral over PubNub emulator " + pnServer, Provider: e.UI,
		Now: func() time.Time { return screenT0.Add(20 * time.Second) }})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("renewed")) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(shell.Model)
	return ansi.Strip(fm.View().Content)
}

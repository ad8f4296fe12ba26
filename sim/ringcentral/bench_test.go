package ringcentral

import (
	"encoding/json"
	"testing"
	"time"

	rc "github.com/evtap/evtap/protocol/ringcentral"
)

// benchSession is a subscribed session with no connection, as after a
// drop: generation then only builds and buffers frames.
func benchSession(b *testing.B) (*Server, *session) {
	s := New(Config{Seed: 1})
	b.Cleanup(func() { s.Close() })
	s.mu.Lock()
	defer s.mu.Unlock()
	sess := s.newSession("bench")
	fs, _ := parseFilters([]string{smsFilter, voicemailF, presenceFilter})
	sess.sub = &subscription{id: "sub", filters: fs}
	return s, sess
}

var fixedTime = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// BenchmarkEncodeBaseline is the floor: encoding one ready notification
// frame, the least any emulator must do per event.
func BenchmarkEncodeBaseline(b *testing.B) {
	_, sess := benchSession(b)
	body, _ := json.Marshal(sess.gen.sms(fixedTime))
	n := rc.Notification{UUID: "u", Event: smsFilter, Timestamp: "t", SubscriptionID: "sub", Body: body}
	meta := rc.Meta{Type: rc.TypeServerNotification, MessageID: "u", Status: 200, WSC: &rc.WSC{Token: "tok", Sequence: 1}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := rc.Encode(meta, n); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerate is one generated notification: body, sequence, wsc
// token, frame and recovery buffer.
func BenchmarkGenerate(b *testing.B) {
	s, sess := benchSession(b)
	b.ReportAllocs()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < b.N; i++ {
		s.generate(sess, "")
	}
}

package ringcentral

import (
	"encoding/json"
	"testing"
	"time"
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
	n := notification{UUID: "u", Event: smsFilter, Timestamp: "t", SubscriptionID: "sub", Body: body}
	m := meta{Type: typeServerNotification, MessageID: "u", Status: 200, WSC: &wscRef{Token: "tok", Sequence: 1}}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		encodeFrame(m, n)
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
		s.generate(sess, "", SourceGenerated)
	}
}

// BenchmarkDeliver is one notification generated and read by a gorilla
// client over loopback: the emulator's end-to-end cost per event.
func BenchmarkDeliver(b *testing.B) {
	s, base := startSimB(b)
	c, _, _ := connect(b, base)
	c.readType(typeConnectionDetails)
	c.mustSubscribe(smsFilter, presenceFilter)
	b.ReportAllocs()
	b.ResetTimer()
	done := make(chan error, 1)
	go func() {
		for i := 0; i < b.N; i++ {
			if _, _, err := c.ws.ReadMessage(); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for left := b.N; left > 0; left -= 1000 {
		n := min(left, 1000)
		if _, err := s.Generate("", "", n); err != nil {
			b.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		b.Fatal(err)
	}
}

func startSimB(b *testing.B) (*Server, string) {
	s := New(Config{Seed: 1, BufferSize: -1})
	base, err := s.Start("127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s, base
}

func TestNotificationFrameEqualsEncode(t *testing.T) {
	for _, event := range []string{smsFilter, `/e?type="SMS"<&>`, "/é\u2028\x01"} {
		w := wscRef{Token: "t", Sequence: 7}
		n := notification{UUID: "u", Event: event, Timestamp: "ts", SubscriptionID: "s", OwnerID: "o", Body: []byte(`{"a":[1,2]}`)}
		want := encodeFrame(meta{Type: typeServerNotification, MessageID: "m", Status: 200, WSC: &w,
			Headers: map[string]string{"RCRequestId": "r"}}, n)
		if got := notificationFrame("m", "r", w, n); string(got) != string(want) {
			t.Fatalf("got  %s\nwant %s", got, want)
		}
	}
}

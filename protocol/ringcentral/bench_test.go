package ringcentral

import (
	"encoding/json"
	"strings"
	"testing"
)

// Baselines measured in the same run: a plain json.Unmarshal of the same
// bytes into generic values, the least any decoder must do. Report
// Decode and Summarize as ratios to them.

func BenchmarkDecodeNotification(b *testing.B) {
	data := []byte(sampleNotification)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		f, err := Decode(data)
		if err != nil {
			b.Fatal(err)
		}
		var n Notification
		if err := f.DecodeBody(&n); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBaselineUnmarshalNotification(b *testing.B) {
	data := []byte(sampleNotification)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for i := 0; i < b.N; i++ {
		var v []any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	}
}

var benchBodies = map[string]Notification{
	"sms":       note(evSMS, `{"id":"10828001004","to":[{"phoneNumber":"+15551230002","name":"Ann","target":true}],"from":{"phoneNumber":"+15551230001","location":"Belmont, CA"},"type":"SMS","creationTime":"2023-04-18T20:25:24.000Z","readStatus":"Unread","priority":"Normal","attachments":[{"id":"10828001004","uri":"https://x/content/1","type":"Text","contentType":"text/plain"}],"direction":"Inbound","availability":"Alive","subject":"Hello there","messageStatus":"Received","conversationId":"123","ownerId":"233676004"}`),
	"telephony": note(evTelephony, `{"sequence":5,"sessionId":"4503","telephonySessionId":"s-abc","serverId":"10.13","eventTime":"2023-04-18T20:25:24.611Z","origin":{"type":"Call"},"parties":[{"accountId":"233676004","extensionId":"233676004","id":"2","direction":"Inbound","from":{"phoneNumber":"+15551230001","name":"Caller"},"to":{"phoneNumber":"101","extensionId":"233676004"},"status":{"code":"Answered","rcc":false},"missedCall":false,"standAlone":false,"muted":false}]}`),
}

func BenchmarkSummarize(b *testing.B) {
	for name, n := range benchBodies {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				Summarize(n)
			}
		})
	}
}

func BenchmarkBaselineUnmarshalBody(b *testing.B) {
	for name, n := range benchBodies {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				var v map[string]any
				if err := json.Unmarshal(n.Body, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A 1 MiB SMS text: the summary stays capped, and the cost is that of
// reading the body once more than the baseline's single parse.
func BenchmarkSummarizeHugeBody(b *testing.B) {
	n := note(evSMS, `{"direction":"Inbound","subject":"`+strings.Repeat("A", 1<<20)+`"}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(n.Body)))
	for i := 0; i < b.N; i++ {
		Summarize(n)
	}
}

package ringcentral

import "testing"

// BenchmarkGenerateLedger is BenchmarkGenerate with the ledger off and
// on, in one run: the ratio is what the ledger costs a notification.
func BenchmarkGenerateLedger(b *testing.B) {
	for _, c := range []struct {
		name string
		size int
	}{{"off", -1}, {"on", DefaultLedgerSize}} {
		b.Run(c.name, func(b *testing.B) {
			s := New(Config{Seed: 1, LedgerSize: c.size})
			b.Cleanup(func() { s.Close() })
			s.mu.Lock()
			defer s.mu.Unlock()
			sess := s.newSession("bench")
			fs, _ := parseFilters([]string{smsFilter, voicemailF, presenceFilter})
			sess.sub = &subscription{id: "sub", filters: fs}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s.generate(sess, "", SourceGenerated)
			}
		})
	}
}

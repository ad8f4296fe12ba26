package shell

import (
	"context"
	"testing"

	"github.com/evtap/evtap/protocol"
)

// BenchmarkFeed pushes bursts of 1000 Updates and drains them with Next.
// The baseline is the same traffic through a buffered channel, so the
// ratio between the two says what the feed's batching and skip
// accounting cost.
func BenchmarkFeed(b *testing.B) {
	u := event(1, 1, "SMS in", "hi")
	const burst = 1000
	b.Run("baseline=chan", func(b *testing.B) {
		ch := make(chan protocol.Update, burst)
		for i := 0; i < b.N; i += burst {
			for j := 0; j < burst; j++ {
				ch <- u
			}
			for j := 0; j < burst; j++ {
				<-ch
			}
		}
	})
	b.Run("feed", func(b *testing.B) {
		f := NewFeed(burst * 2)
		ctx := context.Background()
		for i := 0; i < b.N; i += burst {
			for j := 0; j < burst; j++ {
				f.Push(u)
			}
			if batch, _, _ := f.Next(ctx); len(batch) != burst {
				b.Fatalf("Next returned %d of %d", len(batch), burst)
			}
		}
	})
}

package session

import (
	"math/rand/v2"
	"time"
)

// Default backoff: 500 ms doubling to a 30 s cap.
const (
	DefaultBackoffBase = 500 * time.Millisecond
	DefaultBackoffMax  = 30 * time.Second
)

// Backoff computes waits between connection attempts: capped exponential
// with full jitter (a uniform draw in [0, min(Max, Base·2^(attempt-1))]),
// so that many clients cut at once do not reconnect in step. It is not
// safe for concurrent use; a Session calls it from Run only.
type Backoff struct {
	Base time.Duration // first ceiling; 0 means DefaultBackoffBase
	Max  time.Duration // cap; 0 means DefaultBackoffMax
	// Rand draws the jitter; nil uses a randomly seeded source. Tests
	// pass a seeded one to make the schedule repeat.
	Rand *rand.Rand
}

// Ceiling is the largest wait before attempt (1-based).
func (b *Backoff) Ceiling(attempt int) time.Duration {
	base, max := b.Base, b.Max
	if base <= 0 {
		base = DefaultBackoffBase
	}
	if max <= 0 {
		max = DefaultBackoffMax
	}
	if max < base {
		return max
	}
	d := base
	for i := 1; i < attempt; i++ {
		if d >= max/2 {
			return max
		}
		d *= 2
	}
	return d
}

// Delay draws the wait before attempt (1-based).
func (b *Backoff) Delay(attempt int) time.Duration {
	if b.Rand == nil {
		b.Rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	c := b.Ceiling(attempt)
	return time.Duration(b.Rand.Int64N(int64(c) + 1))
}

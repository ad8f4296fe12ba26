package session

import (
	"math/rand/v2"
	"testing"
	"time"
)

// Rule: the ceiling doubles from Base and stops at Max.
func TestBackoffCeilingDoublesToCap(t *testing.T) {
	b := Backoff{Base: 500 * time.Millisecond, Max: 30 * time.Second}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	for i, w := range want {
		if got := b.Ceiling(i + 1); got != w {
			t.Errorf("Ceiling(%d) = %s, want %s", i+1, got, w)
		}
	}
	if got := b.Ceiling(1000); got != 30*time.Second {
		t.Errorf("Ceiling(1000) = %s: no overflow past the cap", got)
	}
	var zero Backoff
	if zero.Ceiling(1) != DefaultBackoffBase || zero.Ceiling(100) != DefaultBackoffMax {
		t.Error("zero Backoff does not use the defaults")
	}
}

// Rule: delays are jittered within [0, ceiling], spread out, and repeat
// exactly for the same seed.
func TestBackoffJitterIsBoundedSpreadAndSeeded(t *testing.T) {
	a := Backoff{Rand: rand.New(rand.NewPCG(42, 1))}
	b := Backoff{Rand: rand.New(rand.NewPCG(42, 1))}
	distinct := map[time.Duration]bool{}
	for i := 0; i < 200; i++ {
		attempt := i%10 + 1
		da, db := a.Delay(attempt), b.Delay(attempt)
		if da != db {
			t.Fatalf("same seed, different delays: %s vs %s", da, db)
		}
		if da < 0 || da > a.Ceiling(attempt) {
			t.Fatalf("Delay(%d) = %s outside [0, %s]", attempt, da, a.Ceiling(attempt))
		}
		if attempt == 10 {
			distinct[da] = true
		}
	}
	if len(distinct) < 15 {
		t.Errorf("only %d distinct delays out of 20 at the cap: not jittered", len(distinct))
	}
	c := Backoff{Rand: rand.New(rand.NewPCG(43, 1))}
	same := 0
	a2 := Backoff{Rand: rand.New(rand.NewPCG(42, 1))}
	for i := 0; i < 20; i++ {
		if a2.Delay(8) == c.Delay(8) {
			same++
		}
	}
	if same == 20 {
		t.Error("different seeds give the same schedule")
	}
}

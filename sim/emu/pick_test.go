package emu

import (
	"math/rand"
	"testing"
)

func TestPickFollowsTheWeights(t *testing.T) {
	choices := []Weighted[string]{{Value: "a", Weight: 1}, {Value: "b", Weight: 0}, {Value: "c", Weight: 3}}
	r := rand.New(rand.NewSource(1))
	n := map[string]int{}
	for i := 0; i < 4000; i++ {
		n[Pick(r.Intn, choices)]++
	}
	if n["b"] != 0 || n["a"] < 800 || n["a"] > 1200 || n["c"] < 2800 || n["c"] > 3200 {
		t.Errorf("4000 picks at 1:0:3 gave %v", n)
	}
	// each draw is one value of intn, so a seed picks the same sequence
	for draw, want := range map[int]string{0: "a", 1: "c", 3: "c"} {
		if got := Pick(func(int) int { return draw }, choices); got != want {
			t.Errorf("draw %d picked %s, want %s", draw, got, want)
		}
	}
}

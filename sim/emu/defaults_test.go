package emu

import (
	"testing"
	"time"
)

func TestDefaultFillsOnlyWhatWasLeftOut(t *testing.T) {
	left, off, set := time.Duration(0), -time.Second, 2*time.Second
	Default(&left, time.Minute)
	Default(&off, time.Minute)
	Default(&set, time.Minute)
	if left != time.Minute || off != -time.Second || set != 2*time.Second {
		t.Errorf("got %v %v %v, want 1m0s (default) -1s (off, kept) 2s (kept)", left, off, set)
	}
	name := ""
	Default(&name, "demo")
	if name != "demo" {
		t.Errorf("an empty name became %q, want demo", name)
	}
}

func TestDefaultPositiveReplacesZeroAndNegative(t *testing.T) {
	zero, neg, set := 0, -3, 5
	DefaultPositive(&zero, 100)
	DefaultPositive(&neg, 100)
	DefaultPositive(&set, 100)
	if zero != 100 || neg != 100 || set != 5 {
		t.Errorf("got %d %d %d, want 100 100 5", zero, neg, set)
	}
}

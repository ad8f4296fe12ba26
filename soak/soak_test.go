package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// The soak CI runs: the chaos of the 30-minute soak compressed into 15
// seconds (a drop every 2 s, a forgotten session every 6 s) against evtap
// built from this tree, every check as in the long run.
func TestShortSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("the soak takes 20 seconds")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var log bytes.Buffer
	rep, err := Run(ctx, ShortConfig(), &log)
	if err != nil {
		t.Fatalf("the soak could not run: %v\n%s", err, log.String())
	}
	var out strings.Builder
	rep.Print(&out)
	if !rep.OK() {
		t.Fatalf("the soak failed:\n%s\nprogress:\n%s", out.String(), log.String())
	}
	t.Logf("\n%s", out.String())
}

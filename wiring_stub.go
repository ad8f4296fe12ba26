package main

import (
	"context"
	"errors"
	"io"
)

var errNotWired = errors.New("not wired yet")

func runDemo(ctx context.Context, lf liveFlags, df demoFlags, stdout, stderr io.Writer) error {
	if err := lf.validate(); err != nil {
		return err
	}
	return errNotWired
}
func runConnectRingCentral(ctx context.Context, lf liveFlags, c ringCentralCreds, stdout, stderr io.Writer) error {
	if err := lf.validate(); err != nil {
		return err
	}
	return errNotWired
}
func runReplay(ctx context.Context, path string, f replayFlags, speed float64, stdout, stderr io.Writer) error {
	return errNotWired
}
func runExport(path, out string, stdout io.Writer) error { return errNotWired }
func runImport(path, out string, stderr io.Writer) error { return errNotWired }

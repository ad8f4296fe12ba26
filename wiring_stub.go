package main

import (
	"context"
	"errors"
	"io"
)

var errNotWired = errors.New("not wired yet")

func runServe(ctx context.Context, path string, f replayFlags, speed float64, stderr io.Writer) error {
	return errNotWired
}
func runExport(path, out string, stdout io.Writer) error { return errNotWired }
func runImport(path, out string, stderr io.Writer) error { return errNotWired }


package main

import (
	"errors"
	"io"
)

var errNotWired = errors.New("not wired yet")

func runExport(path, out string, stdout io.Writer) error { return errNotWired }
func runImport(path, out string, stderr io.Writer) error { return errNotWired }


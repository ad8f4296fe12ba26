package run

import (
	"fmt"
	"io"
	"os"

	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/record/har"
)

// Export writes the recording at path as a HAR file to out ("-" is
// stdout).
func Export(path, out, version string, stdout io.Writer) error {
	r, err := record.Open(path)
	if err != nil {
		return InputError{err}
	}
	defer r.Close()
	w := stdout
	if out != "-" {
		f, err := os.OpenFile(out, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if err := har.Export(r, version, w); err != nil {
		return InputError{err}
	}
	return nil
}

// Import turns the HAR capture at path into a recording at out and says
// so on stderr.
func Import(path, out, version string, stderr io.Writer) error {
	in, err := os.Open(path)
	if err != nil {
		return InputError{err}
	}
	defer in.Close()
	im, err := har.Import(in)
	if err != nil {
		return InputError{fmt.Errorf("%s: %w", path, err)}
	}
	w, err := record.Create(out, record.Header{Provider: im.Provider, Endpoint: im.Endpoint, Start: im.Start, EvtapVersion: version}, record.Options{})
	if err != nil {
		return err
	}
	for _, u := range im.Updates {
		if err := w.Write(u); err != nil {
			w.Close()
			return err
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "evtap: wrote %d Updates from %s to %s (%s)\n", len(im.Updates), path, out, im.Provider)
	return nil
}

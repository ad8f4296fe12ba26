package run

import (
	"fmt"
	"io"
	"os"

	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/record/har"
)

// Export writes the recording at path as a HAR file to out ("-" is
// stdout), never over an existing file unless force, never over path
// itself. What HAR cannot carry is said on stderr.
func Export(path, out, version string, force bool, stdout, stderr io.Writer) error {
	r, err := record.Open(path)
	if err != nil {
		return InputError{err}
	}
	defer r.Close()
	w := stdout
	if out != "-" {
		f, err := record.CreateFile(out, force, path)
		if err != nil {
			return forceHint(err)
		}
		defer f.Close()
		w = f
	}
	warnings, err := har.Export(r, version, w)
	for _, warning := range warnings {
		fmt.Fprintln(stderr, "evtap: warning:", warning)
	}
	if err != nil {
		return InputError{err}
	}
	return nil
}

// ImportOptions say how `evtap import` recognises and redacts providers;
// the registry supplies them.
type ImportOptions struct {
	har.ImportOptions
	// Redact adds the rules of the provider named name to o.
	Redact func(name string, o *record.Options)
	Force  bool // replace an existing out file
}

// Import turns the HAR capture at path into a recording at out, decoded
// by the provider it recognises and redacted by its rules, and says so
// on stderr.
func Import(path, out, version string, o ImportOptions, stderr io.Writer) error {
	in, err := os.Open(path)
	if err != nil {
		return InputError{err}
	}
	defer in.Close()
	im, err := har.Import(in, o.ImportOptions)
	if err != nil {
		return InputError{fmt.Errorf("%s: %w", path, err)}
	}
	for _, warning := range im.Warnings {
		fmt.Fprintln(stderr, "evtap: warning:", warning)
	}
	opts := record.Options{Force: o.Force, Inputs: []string{path}}
	if o.Redact != nil {
		o.Redact(im.Provider, &opts)
	}
	w, err := record.Create(out, record.Header{Provider: im.Provider, Endpoint: im.Endpoint, URL: im.URL, Start: im.Start, EvtapVersion: version}, opts)
	if err != nil {
		return forceHint(err)
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
	provider := im.Provider
	if provider == "" {
		provider = "no provider recognised: frames only"
	}
	fmt.Fprintf(stderr, "evtap: wrote %d Updates from %s to %s (%s)\n", len(im.Updates), path, out, provider)
	return nil
}

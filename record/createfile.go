package record

import (
	"errors"
	"fmt"
	"os"
)

// ErrOwnInput is the reason CreateFile refuses a path that is one of its
// inputs.
var ErrOwnInput = errors.New("evtap never writes over its own input")

// CreateFile creates path for writing an output file (a recording, a HAR
// file) by evtap's rules: mode 0600 when new; an existing file is
// replaced only when force is set, and then keeps its mode; a path that
// is one of inputs (by os.SameFile) is refused even with force.
func CreateFile(path string, force bool, inputs ...string) (*os.File, error) {
	if out, err := os.Stat(path); err == nil {
		for _, in := range inputs {
			if st, err := os.Stat(in); err == nil && os.SameFile(out, st) {
				return nil, fmt.Errorf("%s is the input %s: %w", path, in, ErrOwnInput)
			}
		}
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flags, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("%s already exists and was left as it is: %w", path, os.ErrExist)
		}
		return nil, err
	}
	return f, nil
}

package run

import (
	"context"
	"fmt"
	"io"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

// headless prints every Update as a JSON line, the recording's own
// format, and ends on --count events, --duration, a signal or the end of
// the session.
func headless(ctx context.Context, cancel context.CancelFunc, o LiveOptions, s Session, opts record.Options, rec *recording, stdout io.Writer) error {
	if o.JQ != "" {
		f, err := record.NewFilter(o.JQ)
		if err != nil {
			return Usagef("--jq: %v", err)
		}
		opts.Filter = f
	}
	out := record.NewStream(stdout, opts)
	q := newSpool()
	printed := make(chan error, 1)
	go func() {
		var err error
		events := 0
		q.drain(func(u protocol.Update) bool {
			if err = out.Write(u); err != nil {
				cancel() // stdout is gone: nobody is listening any more
				return false
			}
			if u.Kind == protocol.KindEvent {
				events++
				if o.Count > 0 && events >= o.Count {
					cancel()
					return false
				}
			}
			return true
		})
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		printed <- err
	}()
	err := s.Run(ctx, func(u protocol.Update) {
		rec.write(u)
		q.put(u)
	})
	q.close()
	writeErr := <-printed
	if err != nil {
		return err
	}
	if writeErr != nil {
		return fmt.Errorf("writing stdout: %w", writeErr)
	}
	return nil
}

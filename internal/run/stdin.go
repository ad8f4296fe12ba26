package run

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/evtap/evtap/protocol"
)

// maxLine is the longest line of stdin sent as one frame.
const maxLine = 16 << 20

// sendLines sends each line of in, without its line ending, as a text
// frame until in ends or ctx does. A line the session cannot take yet
// (its command queue is full) is offered again, never dropped; what the
// session made of it arrives as Updates.
//
// The end of in does not end the session: a producer that has said its
// piece may still want the answers. Once lines were sent, stderr says
// so, and what does end it.
func sendLines(ctx context.Context, in io.Reader, do func(protocol.Command) error, stderr io.Writer) {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	retry := time.NewTicker(20 * time.Millisecond)
	defer retry.Stop()
	n := 0
	for ; sc.Scan(); n++ {
		cmd := protocol.Command{Kind: protocol.CmdSend, Text: sc.Text()}
		for do(cmd) != nil {
			select {
			case <-ctx.Done():
				return
			case <-retry.C:
			}
		}
		if ctx.Err() != nil {
			return
		}
	}
	if ctx.Err() != nil {
		return
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(stderr, "evtap: stdin: no more lines sent:", err)
	} else if n > 0 {
		fmt.Fprintf(stderr, "evtap: stdin ended after %d line(s); the session goes on until ctrl+c, --duration or --count\n", n)
	}
}

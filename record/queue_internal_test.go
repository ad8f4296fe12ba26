package record

import (
	"bufio"
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/evtap/evtap/protocol"
)

// The queue's line blocks are reused only once every line in them is
// written: queueing and draining in every order of a few rounds, each
// line comes out as it went in. (TestQueuedLinesAreWrittenAsGiven does
// the same through a file, with the goroutine draining at its own pace.)
func TestLineBlocksAreReusedOnlyOnceWritten(t *testing.T) {
	var out bytes.Buffer
	w := newWriter(Options{KeepSecrets: true})
	w.async = true
	w.room = sync.NewCond(&w.mu)
	w.wake = make(chan struct{}, 1)
	w.bw = bufio.NewWriterSize(&out, 1<<10)
	var want bytes.Buffer
	line := make([]byte, 0, 4*lineBlock)
	pad := bytes.Repeat([]byte("0123456789abcdefghijklmnopqrstuvwxyz"), lineBlock/16)
	n := 0
	for round := 0; round < 30; round++ {
		// between drains: none, one, a block's worth and more
		for k := (round * 37) % 300; k > 0; k-- {
			size := []int{0, 3, 500, lineBlock/8 - 1, lineBlock/8 + 1, lineBlock + 1}[(n*5+round)%6]
			line = append(line[:0], fmt.Sprintf("%d:", n)...)
			if len(line) < size {
				line = append(line, pad[:size-len(line)]...)
			}
			if err := w.WriteRedacted(line, protocol.KindRecv); err != nil {
				t.Fatal(err)
			}
			want.Write(line)
			want.WriteByte('\n')
			clear(line)
			n++
		}
		w.drain()
	}
	w.bw.Flush()
	if !bytes.Equal(out.Bytes(), want.Bytes()) {
		t.Fatalf("%d lines queued; the output differs (%d bytes, want %d)", n, out.Len(), want.Len())
	}
}

package replay

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/itchyny/gojq"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
)

// benchFile is a version 2 recording of 200,000 notifications of about
// 420 bytes (a frame line and an event line each), written once per
// test binary.
var benchFile = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "evtap-replay-bench-")
	if err != nil {
		return "", err
	}
	benchDir = dir
	path := filepath.Join(dir, "200k.jsonl")
	w, err := record.Create(path, record.Header{Provider: "seq"}, record.Options{KeepSecrets: true})
	if err != nil {
		return "", err
	}
	dec := newSeqDecoder("")
	t0 := time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)
	var derived []protocol.Update
	for i := range 200000 {
		data := fmt.Sprintf(`{"id":"2661273919712564%03d","seq":%d,"label":"SMS in","event":"/restapi/v1.0/account/233676004/extension/233676004/message-store/instant?type=SMS",`+
			`"body":{"id":"%d","to":[{"phoneNumber":"+16505550100","name":"Front desk"}],"from":{"phoneNumber":"+16505550199"},"type":"SMS","subject":"hello <&> number %d",`+
			`"direction":"Inbound","readStatus":"Unread","conversationId":"7240516426016592%03d"}}`, i%1000, i+1, i, i, i%1000)
		off := time.Duration(i) * time.Millisecond
		u := protocol.Update{Time: t0.Add(off), Offset: protocol.Offset(off), Kind: protocol.KindRecv, Conn: 1,
			Frame: &protocol.Frame{Op: protocol.OpText, Data: data, Size: len(data)}}
		derived, _ = dec.Decode(derived[:0], &u, []byte(data))
		w.Write(u)
		for _, d := range derived {
			w.Write(d)
		}
	}
	return path, w.Close()
})

// cpu is the process's CPU time so far.
func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkReplayFilterVsJQ is `evtap replay FILE --headless --speed max
// --filter 'select(.kind=="event")'` on 200,000 notifications, the
// decoder deriving every event again, against what `jq -c
// 'select(.kind=="event")'` does (every line parsed, the program run,
// the passing values printed compactly), done by gojq in the same run.
// It reports both in CPU time and their ratio, and the player's own cost
// (with a decoder that does not read the frames); `go run ./bench`
// compares the real jq.
func BenchmarkReplayFilterVsJQ(b *testing.B) {
	path, err := benchFile()
	if err != nil {
		b.Fatal(err)
	}
	flt, err := record.NewFilter(`select(.kind=="event")`)
	if err != nil {
		b.Fatal(err)
	}
	q, _ := gojq.Parse(`select(.kind=="event")`)
	code, _ := gojq.Compile(q)
	replay := func(dec func(record.Header) protocol.Decoder) int {
		p, err := Open(context.Background(), path, Options{Decoder: dec, Unsteered: true})
		if err != nil {
			b.Fatal(err)
		}
		defer p.Close()
		out := record.NewStream(io.Discard, record.Options{KeepSecrets: true, Filter: flt, Batch: true})
		if err := p.RunLines(context.Background(), func(k protocol.Kind, l []byte) error { return out.WriteLineKind(l, k) }); err != nil {
			b.Fatal(err)
		}
		out.Close()
		return out.Count()
	}
	var replayCPU, playerCPU, jqCPU time.Duration
	var events int
	for b.Loop() {
		c0 := cpu()
		events = replay(decoders(""))
		c1 := cpu()
		replay(func(record.Header) protocol.Decoder { return bodyDecoder{} })
		c2 := cpu()
		if n := jqLike(b, path, code); n != events {
			b.Fatalf("jq passed %d lines, the replay %d", n, events)
		}
		replayCPU += c1 - c0
		playerCPU += c2 - c1
		jqCPU += cpu() - c2
	}
	perEvent := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / float64(b.N) / float64(events) }
	b.ReportMetric(perEvent(replayCPU), "replay-ns/event")
	b.ReportMetric(perEvent(playerCPU), "player-ns/event")
	b.ReportMetric(perEvent(jqCPU), "jq-ns/event")
	b.ReportMetric(float64(jqCPU)/float64(replayCPU), "x-faster-than-jq")
	b.ReportMetric(float64(jqCPU)/float64(playerCPU), "player-x-faster-than-jq")
}

// bodyDecoder derives an event from every received text frame without
// reading it: with it, the replay costs what the player itself costs,
// whatever a provider's decoder adds.
type bodyDecoder struct{}

func (bodyDecoder) Decode(dst []protocol.Update, u *protocol.Update, raw []byte) ([]protocol.Update, any) {
	if u.Kind != protocol.KindRecv || u.Frame == nil || u.Frame.Op != protocol.OpText {
		return dst, nil
	}
	return append(dst, protocol.Update{Time: u.Time, Offset: u.Offset, Conn: u.Conn, Kind: protocol.KindEvent,
		Event: &protocol.Event{Provider: "seq", Label: "message", Body: raw}}), nil
}

// jqLike is jq -c PROGRAM FILE in Go, header line included.
func jqLike(b *testing.B, path string, code *gojq.Code) int {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, record.MaxLine)
	out := bufio.NewWriter(io.Discard)
	n := 0
	for sc.Scan() {
		var v any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			b.Fatal(err)
		}
		iter := code.Run(v)
		for {
			r, ok := iter.Next()
			if !ok {
				break
			}
			line, _ := json.Marshal(r)
			out.Write(line)
			out.WriteByte('\n')
			n++
		}
	}
	out.Flush()
	return n
}

// BenchmarkHeadlessReplay is `evtap replay FILE --headless --speed max`
// through the decoder, every line written; BenchmarkReadLinesBaseline is
// the bare reader on the same file in the same run. The ratio between
// them is the player's cost.
func BenchmarkHeadlessReplay(b *testing.B) {
	path, err := benchFile()
	if err != nil {
		b.Fatal(err)
	}
	lines := 0
	for lines < b.N {
		p, err := Open(context.Background(), path, Options{Decoder: decoders(""), Unsteered: true})
		if err != nil {
			b.Fatal(err)
		}
		out := record.NewStream(io.Discard, record.Options{KeepSecrets: true, Batch: true})
		p.RunLines(context.Background(), func(_ protocol.Kind, l []byte) error {
			lines++
			return out.WriteLine(l)
		})
		out.Close()
		p.Close()
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
}

func BenchmarkReadLinesBaseline(b *testing.B) {
	path, err := benchFile()
	if err != nil {
		b.Fatal(err)
	}
	lines := 0
	for lines < b.N {
		r, err := record.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.NextLine(); errors.Is(err, io.EOF) {
				break
			}
			lines++
		}
		r.Close()
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
}

// benchDir holds benchFile, once made; TestMain removes it.
var benchDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

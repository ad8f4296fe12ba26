package run

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"runtime/metrics"
	"strings"
	"testing"
	"time"

	"github.com/itchyny/gojq"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/record"
	"github.com/evtap/evtap/record/recordtest"
)

// jqOver runs program over updates through a headless stream (redaction
// off) and returns what it printed, line by line, and the line errors.
func jqOver(t *testing.T, program string, updates []protocol.Update) (lines []string, errs []error) {
	t.Helper()
	prog, err := compileJQ(context.Background(), "--jq", program)
	if err != nil {
		t.Fatal(err)
	}
	defer prog.close()
	var out bytes.Buffer
	w := record.NewStream(&out, record.Options{KeepSecrets: true, Filter: prog})
	for _, u := range updates {
		if err := w.Write(u); err != nil {
			var je *jqError
			if !errors.As(err, &je) {
				t.Fatalf("a write failed for good: %v", err)
			}
			errs = append(errs, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n"), errs
}

func events(us []protocol.Update) (n int) {
	for _, u := range us {
		if u.Kind == protocol.KindEvent {
			n++
		}
	}
	return n
}

// --jq has jq's semantics: every value the program yields is printed, so
// it projects as well as filters.
func TestJQProjects(t *testing.T) {
	session := recordtest.Session(40)
	bodies, errs := jqOver(t, `select(.kind=="event") | .event.body`, session)
	if len(errs) > 0 || len(bodies) != events(session) {
		t.Fatalf("want %d bodies, got %d lines and errors %v", events(session), len(bodies), errs)
	}
	var first protocol.Event
	for _, u := range session {
		if u.Kind == protocol.KindEvent {
			first = *u.Event
			break
		}
	}
	if bodies[0] != string(first.Body) {
		t.Fatalf("a body is printed as the server sent it:\n got %s\nwant %s", bodies[0], first.Body)
	}

	seqs, _ := jqOver(t, `select(.kind=="event") | {seq: .event.seq, label: .event.label}`, session)
	var v struct {
		Seq   uint64
		Label string
	}
	if err := json.Unmarshal([]byte(seqs[0]), &v); err != nil || v.Seq != first.Seq || v.Label != first.Label {
		t.Fatalf("object construction: %s (%v)", seqs[0], err)
	}

	// A filter still prints the line itself, byte for byte as without one.
	all, _ := jqOver(t, `select(.kind=="event" or .kind=="recv")`, session)
	var want []string
	for _, u := range session {
		if u.Kind == protocol.KindEvent || u.Kind == protocol.KindRecv {
			l, _ := protocol.AppendUpdate(nil, u)
			want = append(want, strings.TrimSuffix(string(l), "\n"))
		}
	}
	if strings.Join(all, "\n") != strings.Join(want, "\n") {
		t.Fatal("select printed something other than the lines themselves")
	}

	bools, _ := jqOver(t, `.kind == "event"`, session[:3])
	if len(bools) != 3 {
		t.Fatalf("a boolean program prints one boolean a line, as jq does: %v", bools)
	}
	for i, b := range bools {
		if want := session[i].Kind == protocol.KindEvent; b != map[bool]string{true: "true", false: "false"}[want] {
			t.Fatalf("line %d: %s", i, b)
		}
	}
}

// A runtime error is reported for its line, naming its kind and offset,
// and the next lines are judged as usual.
func TestJQRuntimeErrorIsReportedForItsLine(t *testing.T) {
	session := recordtest.Session(40)
	lines, errs := jqOver(t, `.event.label | ascii_downcase`, session)
	if len(errs) == 0 {
		t.Fatal("no error for lines without an event (null | ascii_downcase)")
	}
	msg := errs[0].Error()
	if !strings.Contains(msg, "--jq") || !strings.Contains(msg, "line at ") || !strings.Contains(msg, "s: ") {
		t.Fatalf("the error does not name the line: %s", msg)
	}
	if len(lines) != events(session) {
		t.Fatalf("after errors, the events still print: %d of %d", len(lines), events(session))
	}
}

// The input is built from the Update itself; it is exactly the value the
// line parses to, for every kind a session has.
func TestJQInputIsWhatTheLineSays(t *testing.T) {
	session := recordtest.Session(120)
	seal := protocol.Update{Time: recordtest.Start, Offset: 12_345_678_901, Kind: protocol.KindEvent, Conn: 3, Event: &protocol.Event{
		Provider: "p", ID: "i", Label: "l", Seq: 1 << 63, Replayed: true, Timestamp: recordtest.Start,
		Seal: &protocol.Seal{Via: "HS256 JWT", Problem: "bad signature"}, Body: json.RawMessage(`{"a":[1,2.5,-3e2,"x\u00e9\n"],"b":null,"big":123456789012345678901234}`)}}
	session = append(session, seal)
	for _, u := range session {
		line, err := protocol.AppendUpdate(nil, u)
		if err != nil {
			t.Fatal(err)
		}
		fromUpdate, err := updateValue(&u, true)
		if err != nil {
			t.Fatal(err)
		}
		fromLine, err := lineValue(bytes.TrimSuffix(line, []byte("\n")))
		if err != nil {
			t.Fatal(err)
		}
		var std any
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&std); err != nil {
			t.Fatal(err)
		}
		a, _ := gojq.Marshal(fromUpdate.root)
		b, _ := gojq.Marshal(fromLine.root)
		c, _ := gojq.Marshal(numbers(std))
		if !bytes.Equal(a, b) || !bytes.Equal(b, c) {
			t.Fatalf("%s line:\nfrom the Update %s\nparsed          %s\nencoding/json   %s", u.Kind, a, b, c)
		}
	}
}

// numbers turns encoding/json's numbers into gojq's: int when it fits,
// *big.Int for a larger integer, float64 otherwise.
func numbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		n, _ := parseJSON([]byte(v))
		return n
	case map[string]any:
		for k, x := range v {
			v[k] = numbers(x)
		}
	case []any:
		for i, x := range v {
			v[i] = numbers(x)
		}
	}
	return v
}

// A program that cannot look into an event's body runs without parsing
// it, and yields exactly what it yields with the body parsed.
func TestJQReadsTheBodyOnlyWhenItCan(t *testing.T) {
	cases := map[string]bool{
		`select(.kind=="event")`:                                 false,
		`select(.event.label == "SMS in") | .event.seq`:          false,
		`.event.label, .frame.type, .state.phase`:                false,
		`select(.kind=="recv") | .frame.data | fromjson | .[0]`:  false,
		`{k: .kind, s: (.event.seq // 0)}`:                       false,
		`if .kind == "event" then .event.summary else empty end`: false,
		`select((.event.seq // 0) > 3 and (.conn | not | not))`:  false,
		`try (.event.label | ascii_downcase) catch "none"`:       false,
		`"\(.kind) \(.off)"`:                                     false,
		`.event.body`:                                            true,
		`.event`:                                                 true,
		`.event | .body`:                                         true,
		`.event["body"]`:                                         true,
		`select(.kind=="event") | .event.body.body.subject`:      true,
		`tojson`:                        true,
		`.[]`:                           true,
		`..`:                            true,
		`. as $x | $x.event.label`:      true,
		`def f: .event; f.label`:        true,
		`.event | keys`:                 true,
		`select(. == {})`:               true,
		`[.event]`:                      true,
		`{event}`:                       true,
		`to_entries`:                    true,
		`.event |= .`:                   true,
		`select(.event.label) | .event`: true,
	}
	session := recordtest.Session(80)
	for program, want := range cases {
		q, err := gojq.Parse(program)
		if err != nil {
			t.Fatal(err)
		}
		if got := needsBody(q); got != want {
			t.Errorf("needsBody(%s) = %v, want %v", program, got, want)
			continue
		}
		if want {
			continue
		}
		// Differential: the same outputs with the body parsed.
		code, _ := gojq.Compile(q)
		for _, u := range session {
			var outs [2]string
			for i, withBody := range []bool{false, true} {
				in, err := updateValue(&u, withBody)
				if err != nil {
					t.Fatal(err)
				}
				var b strings.Builder
				it := code.Run(in.root)
				for {
					v, ok := it.Next()
					if !ok {
						break
					}
					if err, isErr := v.(error); isErr {
						b.WriteString("error: " + err.Error())
						break
					}
					if sameRef(v, in.root) {
						b.WriteString("the line\n")
						continue
					}
					m, _ := gojq.Marshal(v)
					b.Write(m)
					b.WriteByte('\n')
				}
				outs[i] = b.String()
			}
			if outs[0] != outs[1] {
				t.Fatalf("%s differs without the body:\n%s\nwith it:\n%s", program, outs[0], outs[1])
			}
		}
	}
	// A body that is not JSON at all is never looked at by a program that
	// does not need it.
	u := protocol.Update{Kind: protocol.KindEvent, Event: &protocol.Event{Provider: "p", Label: "x", Body: json.RawMessage(`{not json`)}}
	if lines, errs := jqOver(t, `select(.event.label == "x") | .event.label`, []protocol.Update{u}); len(errs) > 0 || lines[0] != `"x"` {
		t.Fatalf("the body was parsed: %v %v", lines, errs)
	}
}

// A body evtap accepted but the program cannot read (nested deeper than
// JSON readers allow) is reported for its line; the run goes on.
func TestJQReportsABodyItCannotRead(t *testing.T) {
	deep := json.RawMessage(strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1))
	us := []protocol.Update{
		{Kind: protocol.KindEvent, Offset: protocol.Offset(1500 * time.Millisecond), Event: &protocol.Event{Provider: "p", Label: "deep", Body: deep}},
		{Kind: protocol.KindEvent, Event: &protocol.Event{Provider: "p", Label: "fine", Body: json.RawMessage(`{"a":1}`)}},
	}
	lines, errs := jqOver(t, `.event.body | length`, us)
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "event line at 1.500000s") || !strings.Contains(errs[0].Error(), "nested") {
		t.Fatalf("want one error naming the line and the nesting, got %v", errs)
	}
	if len(lines) != 1 || lines[0] != "1" {
		t.Fatalf("the next line was not judged: %v", lines)
	}
}

// A program that loops or explodes is stopped for its line, quickly and
// without taking gigabytes, and the next line is judged as usual.
func TestJQRunawayIsStoppedForItsLine(t *testing.T) {
	defer func(l outputLimits) { limits = l }(limits)
	limits.jqBudget, limits.jqHeap = 100*time.Millisecond, 64<<20
	session := recordtest.Session(4)
	first := 0
	for session[first].Kind != protocol.KindEvent {
		first++
	}
	for _, program := range []string{`def f: f; f`, `[range(1e9)] | length`, `if .kind == "event" then [range(1e9)] else .kind end`} {
		start := time.Now()
		peak := heapPeak()
		_, errs := jqOver(t, program, session[first-1:first+2])
		took := time.Since(start)
		if p := peak(); p > 512<<20 {
			t.Fatalf("%s: the heap reached %d MiB", program, p>>20)
		}
		if len(errs) == 0 {
			t.Fatalf("%s: no line was stopped", program)
		}
		for _, err := range errs {
			if !strings.Contains(err.Error(), "stopped after") {
				t.Fatalf("%s: %v", program, err)
			}
		}
		if took > 3*time.Second {
			t.Fatalf("%s: %d lines took %v", program, len(errs), took)
		}
	}
	lines, errs := jqOver(t, `if .kind == "event" then [range(1e9)] else .kind end`, recordtest.Session(10))
	if len(errs) == 0 || len(lines) < 3 {
		t.Fatalf("the lines around the runaway one were not printed: %v %v", lines, errs)
	}
}

// heapPeak samples the heap until the returned function is called, and
// returns the most it saw.
func heapPeak() func() uint64 {
	stop, done := make(chan struct{}), make(chan uint64)
	go func() {
		var peak uint64
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-stop:
				done <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(stop); return <-done }
}

// A program that only tests the kind is answered from the kind.
func TestJQKindTests(t *testing.T) {
	for program, want := range map[string][]protocol.Kind{
		`select(.kind == "event")`:                      {protocol.KindEvent},
		`select("gap" == .kind or .kind == "event")`:    {protocol.KindGap, protocol.KindEvent},
		`select((.kind != "recv") and .kind != "sent")`: {protocol.KindState, protocol.KindEvent, protocol.KindGap},
	} {
		q, _ := gojq.Parse(program)
		test := kindTest(q)
		if test == nil {
			t.Fatalf("%s is a kind test", program)
		}
		for _, k := range []protocol.Kind{protocol.KindRecv, protocol.KindSent, protocol.KindState, protocol.KindEvent, protocol.KindGap} {
			if got := test(k); got != contains(want, k) {
				t.Fatalf("%s on %s: %v", program, k, got)
			}
		}
	}
	for _, program := range []string{`.kind == "event"`, `select(.kind == "event") | .event`, `select(.kind == "event" or .conn == 1)`} {
		q, _ := gojq.Parse(program)
		if kindTest(q) != nil {
			t.Fatalf("%s is not only a kind test", program)
		}
	}
}

func contains(ks []protocol.Kind, k protocol.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

func TestJQUsageErrors(t *testing.T) {
	for _, program := range []string{``, `  `, `select(.kind ==`, `nosuchfunction(1)`, strings.Repeat("1 + ", 20000) + "1"} {
		_, err := compileJQ(context.Background(), "--jq", program)
		var ue UsageError
		if !errors.As(err, &ue) {
			t.Errorf("%.40q: want a usage error, got %v", program, err)
		}
	}
}

package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzArgs runs evtap's argument handling on random command lines: every
// command, every provider's flags (the builtin ones and the fake), with
// the run itself left out (app.dry). Whatever the arguments, evtap must
// not panic, and a command line it refuses must be a usage error: exit
// 2, one "evtap: " line saying why. A refusal with any other code (1, an
// "unexpected error") would be a check that lets a mistake through to
// the run.
//
// The input is the arguments joined by NUL, which no argument can hold.
// testdata/fuzz/FuzzArgs holds the corpus; CI runs it briefly:
//
//	go test ./internal/cli -run '^$' -fuzz FuzzArgs -fuzztime 30s
func FuzzArgs(f *testing.F) {
	for _, line := range fuzzSeeds {
		f.Add(strings.Join(line, "\x00"))
	}
	reg := withFake(nil)
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, "\x00")
		if len(args) > 32 {
			args = args[:32]
		}
		for _, arg := range args {
			// Device and kernel files are the file's business, not the
			// command line's: reading /dev/zero never ends, whichever
			// flag names it.
			if strings.Contains(arg, "/dev/") || strings.Contains(arg, "/proc/") || strings.Contains(arg, "/sys/") {
				t.Skip("names a device file")
			}
		}
		var out, errw bytes.Buffer
		a := app{reg: reg, stdin: strings.NewReader(""), stdout: &out, stderr: &errw, dry: true}
		code := a.run(context.Background(), args)
		switch code {
		case ExitOK:
		case ExitUsage:
			msg := errw.String()
			if !strings.HasPrefix(msg, "evtap: ") || strings.TrimSpace(msg) == "evtap:" {
				t.Fatalf("%q: exit 2 without a reason: %q", args, msg)
			}
			if !utf8.ValidString(msg) && utf8.ValidString(line) {
				t.Fatalf("%q: the reason is not UTF-8: %q", args, msg)
			}
		default:
			t.Fatalf("%q: exit %d, want 0 or a usage error (2): %s", args, code, errw.String())
		}
	})
}

// fuzzSeeds are command lines that reach every command and the checks
// of each flag, for the fuzzer to start from.
var fuzzSeeds = [][]string{
	{},
	{"--help"},
	{"--version"},
	{"--headless", "--count", "3"},
	{"--count", "-1"},
	{"--duration", "-1s"},
	{"--filter", ""},
	{"--filter", "garbage"},
	{"--filter", "/restapi/v1.0/account/~/extension/~/voicemail"},
	{"--rate", "1e9"},
	{"--rate", "-1"},
	{"--rate", "NaN"},
	{"--theme", "purple"},
	{"--keep", "0"},
	{"--max-retries", "-2"},
	{"--record", "x.jsonl", "--force"},
	{"stray"},
	{"demo", "ringcentral", "--seed", "7"},
	{"demo", "fake", "--filter", "topic:x"},
	{"demo", "nope"},
	{"connect"},
	{"connect", "ws://127.0.0.1:9/", "-H", "X-A: b", "--subprotocol", "chat"},
	{"connect", "ws://127.0.0.1:9/", "-H", "bad header"},
	{"connect", "wss://127.0.0.1:9/", "--insecure", "--ca", "missing.pem"},
	{"connect", "raw", "http://x"},
	{"connect", "ringcentral", "--server", "ftp://x", "--client-id", "a", "--jwt", "b"},
	{"connect", "ringcentral", "--server", "not-a-url", "--client-id", "a", "--jwt", "b"},
	{"connect", "ringcentral", "--filter", "x"},
	{"connect", "fake://x", "--greeting", "hi"},
	{"connect", "--count", "x", "ringcentral"},
	{"sim"},
	{"sim", "ringcentral", "--listen", "127.0.0.1:0", "--buffer-size", "-1"},
	{"sim", "ringcentral", "--ws-token-ttl", "0s"},
	{"sim", "ringcentral", "--scenario", "missing.yaml"},
	{"sim", "fake"},
	{"replay"},
	{"replay", "x.jsonl", "--speed", "100"},
	{"replay", "x.jsonl", "--speed", "max", "--headless", "--jq", ".", "--filter", "."},
	{"replay", "x.jsonl", "--at-end", "never"},
	{"replay", "x.jsonl", "--idle-limit", "-1s"},
	{"replay", "x.jsonl", "--serve", "127.0.0.1:0", "--at-end", "loop"},
	{"export", "x.jsonl"},
	{"export", "x.jsonl", "--har", "x.har", "--force"},
	{"import", "a.har"},
	{"import", "a.har", "b.har", "--out", "x.jsonl"},
	{"help", "connect"},
	{"completion", "bash"},
	{"--", "-x"},
	{"-", "--="},
}

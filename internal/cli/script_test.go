package cli

import (
	"context"
	"net"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/evtap/evtap/internal/providers"
)

// TestMain lets the scripts in testdata/script run `evtap` as a real
// command (the test binary re-executes itself), so flags, stdout, stderr
// and exit codes are checked exactly as a user or a shell script sees them.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"evtap": func() { os.Exit(Main(os.Args[1:])) },
		// evtap with a provider that exists only in tests, to pin what
		// the commands take from the registry.
		"evtap-with-fake": func() {
			os.Exit(Run(context.Background(), withFake(nil), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			// Scripts must not depend on the developer's colours or credentials.
			env.Setenv("NO_COLOR", "1")
			for _, k := range []string{"RINGCENTRAL_CLIENT_ID", "RINGCENTRAL_CLIENT_SECRET", "RINGCENTRAL_JWT", "RINGCENTRAL_SERVER_URL", "EVTAP_TOKEN"} {
				env.Setenv(k, "")
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"emulator":   cmdEmulator,
			"closedport": cmdClosedPort,
			"wsserver":   cmdWSServer,
			"wsreceived": cmdWSReceived,
			"pty":        cmdPty,
			"takenport":  cmdTakenPort,
			"waitfile":   cmdWaitFile,
		},
	})
}

// cmdEmulator starts the demo emulator of the provider named by its
// argument in the test process, on loopback, for the rest of the script,
// and puts its URL in $EMULATOR.
func cmdEmulator(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: emulator PROVIDER")
	}
	e, ok := providers.Builtin().Lookup(args[0])
	if !ok || e.Emulator == nil {
		ts.Fatalf("no emulator for %q", args[0])
	}
	sim := e.Emulator.Demo(providers.DemoOptions{})
	url, err := sim.Start("127.0.0.1:0")
	if err != nil {
		ts.Fatalf("emulator: %v", err)
	}
	ts.Defer(func() { sim.Close() })
	ts.Setenv("EMULATOR", url)
}

// cmdClosedPort puts in $CLOSED an http://127.0.0.1:PORT URL where
// nothing listens: the port was just taken and given back.
func cmdClosedPort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: closedport")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ts.Fatalf("closedport: %v", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ts.Setenv("CLOSED", "http://"+addr)
}

// cmdTakenPort listens on a loopback port for the rest of the script and
// puts its address in $TAKEN: a port another program holds.
func cmdTakenPort(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: takenport")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ts.Fatalf("takenport: %v", err)
	}
	ts.Defer(func() { ln.Close() })
	ts.Setenv("TAKEN", ln.Addr().String())
}

// cmdWaitFile waits, up to 30 s, until FILE holds a match of REGEX:
// for what a background command says while it still runs.
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitfile FILE REGEX")
	}
	re, err := regexp.Compile(args[1])
	if err != nil {
		ts.Fatalf("waitfile: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, _ := os.ReadFile(ts.MkAbs(args[0]))
		if re.Match(b) {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("waitfile: %s does not match %q after 30s; it holds:\n%s", args[0], args[1], b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

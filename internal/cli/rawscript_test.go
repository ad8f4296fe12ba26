package cli

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/evtap/evtap/session/raw/rawtest"
)

// cmdWSServer starts a rawtest WebSocket server in the test process, on
// loopback, for the rest of the script, and puts its URL in $WS. Its
// arguments shape it:
//
//	wsserver [-header 'Name: value'] [-subprotocol NAME] [-preamble TEXT]... [-binary HEX]... [-drop-after N]
//
// `wsreceived N` then prints what its connection N received.
func cmdWSServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("usage: wsserver [-header H] [-subprotocol P] [-preamble T]... [-binary HEX]... [-drop-after N]")
	}
	var o rawtest.Options
	for len(args) > 0 {
		if len(args) < 2 {
			ts.Fatalf("wsserver: %s wants a value", args[0])
		}
		flag, v := args[0], args[1]
		args = args[2:]
		switch flag {
		case "-header":
			o.Header = v
		case "-subprotocol":
			o.Subprotocol = v
		case "-preamble":
			o.Preamble = append(o.Preamble, v)
		case "-binary":
			b, err := hex.DecodeString(v)
			ts.Check(err)
			o.Binary = append(o.Binary, b)
		case "-drop-after":
			n, err := strconv.Atoi(v)
			ts.Check(err)
			o.DropAfter = n
		default:
			ts.Fatalf("wsserver: unknown flag %s", flag)
		}
	}
	srv, err := rawtest.Start(o)
	ts.Check(err)
	wsServers.Store(ts, srv)
	ts.Defer(func() {
		wsServers.Delete(ts)
		srv.Close()
	})
	ts.Setenv("WS", srv.URL)
}

// wsServers are the scripts' servers, by script; scripts run in
// parallel.
var wsServers sync.Map

// cmdWSReceived prints the text frames the script's server received on
// connection N, one per line, and the upgrade's headers it was asked
// about: `wsreceived N [HEADER]...`.
func cmdWSReceived(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: wsreceived N [HEADER]...")
	}
	v, ok := wsServers.Load(ts)
	if !ok {
		ts.Fatalf("wsreceived: no wsserver in this script")
	}
	srv := v.(*rawtest.Server)
	n, err := strconv.Atoi(args[0])
	ts.Check(err)
	snap, err := srv.Wait(10*time.Second, fmt.Sprintf("connection %d", n), func(s rawtest.Snapshot) bool { return len(s.Conns) >= n })
	ts.Check(err)
	c := snap.Conns[n-1]
	for _, f := range c.Received {
		fmt.Fprintln(ts.Stdout(), f)
	}
	for _, h := range args[1:] {
		fmt.Fprintf(ts.Stdout(), "%s: %s\n", h, c.Header.Get(h))
	}
	if c.Subprotocol != "" {
		fmt.Fprintf(ts.Stdout(), "subprotocol: %s\n", c.Subprotocol)
	}
}

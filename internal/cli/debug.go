package cli

import (
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/spf13/pflag"
)

// debugFlag is the hidden --debug-addr: Go's pprof handlers on a
// loopback address for the life of a live run, so a soak can watch
// evtap's goroutines and heap from outside (go run ./soak reads
// /debug/pprof/goroutine?debug=1). Hidden because it is for evtap's own
// tests and its developers, not a user feature; docs/soak.md documents
// it.
type debugFlag struct{ addr string }

func (f *debugFlag) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.addr, "debug-addr", "", "serve Go's pprof handlers on this loopback `ADDR` (e.g. 127.0.0.1:6060) while the run lasts")
	_ = fs.MarkHidden("debug-addr")
}

// serve starts the debug server when asked, on loopback only (the
// handlers show the process's memory and have no authentication), and
// returns how to stop it.
// check refuses an address serve would not use, before anything runs.
func (f *debugFlag) check() error {
	if f.addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(f.addr)
	if err != nil {
		return usagef("--debug-addr must be HOST:PORT on loopback, got %q", f.addr)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return usagef("--debug-addr must be on loopback (127.0.0.1, ::1, localhost): it shows the process's memory to anyone who can reach it; got %q", f.addr)
	}
	return nil
}

func (f *debugFlag) serve() (stop func(), err error) {
	if f.addr == "" {
		return func() {}, nil
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return nil, fmt.Errorf("--debug-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	// Serve ends with ErrServerClosed at stop; any other end leaves the
	// run going on without its debug server, which is all it is.
	go func() { _ = srv.Serve(ln) }()
	return func() { _ = srv.Close() }, nil
}

package ringcentral

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/evtap/evtap/sim/emu"
)

// controlRoutes adds RingCentral's actions to the core's control API:
// send, inject, forget and refuse-next-token. Each is a POST answering
// {"affected":N}; bad parameters get 400 {"error":"..."}. GET ledger
// reads the ledger.
func (s *Server) controlRoutes() {
	s.HandleLedger(func(since uint64, limit int) any { return s.Ledger(since, limit) })
	s.Control("forget", func(r *http.Request) (int, error) { return s.Forget(r.URL.Query().Get("session")), nil })
	s.Control("send", func(r *http.Request) (int, error) {
		q := r.URL.Query()
		count, err := emu.IntParam(q.Get("count"), 1, 1, maxSendCount, "count")
		if err != nil {
			return 0, err
		}
		return s.Generate(q.Get("session"), q.Get("kind"), count)
	})
	s.Control("inject", func(r *http.Request) (int, error) {
		var in Injection
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			return 0, fmt.Errorf("body must be {\"event\":PATH,\"body\":{...}} of at most %d bytes: %v", readLimit, err)
		}
		return s.Inject(r.URL.Query().Get("session"), in)
	})
	s.Control("refuse-next-token", func(*http.Request) (int, error) { s.RefuseNextToken(); return 1, nil })
}

// maxSendCount bounds one send request, so that a single call cannot
// hold the emulator for long.
const maxSendCount = 100000

package voipbin

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/evtap/evtap/sim/emu"
)

// maxSendCount bounds one send?count=.
const maxSendCount = 100000

// controlRoutes adds VoIPBin's actions to the core's control API
// (counters, drop, close, pause, resume, rate, inject-raw, delay,
// reorder): inject, send, wrapped, refuse-next-login, and token, which
// answers {"token":…}.
func (s *Server) controlRoutes() {
	s.Control("inject", func(r *http.Request) (int, error) {
		body, err := emu.ReadBody(r)
		if err != nil {
			return 0, err
		}
		var in Injection
		if err := json.Unmarshal(body, &in); err != nil {
			return 0, fmt.Errorf("body must be {\"type\":EVENT_TYPE,\"data\":{...}}: %v", err)
		}
		if err := s.Inject(in); err != nil {
			return 0, err
		}
		return 1, nil
	})
	s.Control("send", func(r *http.Request) (int, error) {
		q := r.URL.Query()
		if kind := q.Get("story"); kind != "" {
			return s.RunStory(kind)
		}
		count, err := emu.IntParam(q.Get("count"), 1, 1, maxSendCount, "count")
		if err != nil {
			return 0, err
		}
		return s.Generate(count), nil
	})
	s.Control("wrapped", func(r *http.Request) (int, error) {
		on, err := emu.OnParam(r)
		if err != nil {
			return 0, err
		}
		s.SetWrapped(on)
		return 1, nil
	})
	s.Control("refuse-next-login", func(*http.Request) (int, error) { s.RefuseNextLogin(); return 1, nil })
	s.Handle("POST "+ControlPrefix+"token", func(w http.ResponseWriter, r *http.Request) {
		var req TokenRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil && err != io.EOF {
			emu.WriteError(w, fmt.Errorf("body must be a token request JSON object: %w", err))
			return
		}
		tok, err := s.MintToken(req)
		if err != nil {
			emu.WriteError(w, err)
			return
		}
		emu.WriteJSON(w, http.StatusOK, map[string]string{"token": tok})
	})
}

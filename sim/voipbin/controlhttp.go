package voipbin

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

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
		count := 1
		if v := q.Get("count"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > maxSendCount {
				return 0, fmt.Errorf("count must be a whole number from 1 to %d, got %q", maxSendCount, v)
			}
			count = n
		}
		return s.Generate(count), nil
	})
	s.Control("wrapped", func(r *http.Request) (int, error) {
		on, err := strconv.ParseBool(r.URL.Query().Get("on"))
		if err != nil {
			return 0, fmt.Errorf("on must be true or false")
		}
		s.SetWrapped(on)
		return 1, nil
	})
	s.Control("refuse-next-login", func(*http.Request) (int, error) { s.RefuseNextLogin(); return 1, nil })
	s.Handle("POST "+ControlPrefix+"token", func(w http.ResponseWriter, r *http.Request) {
		var req TokenRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil && err != io.EOF {
			emu.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "body must be a token request JSON object: " + err.Error()})
			return
		}
		tok, err := s.MintToken(req)
		if err != nil {
			emu.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		emu.WriteJSON(w, http.StatusOK, map[string]string{"token": tok})
	})
}

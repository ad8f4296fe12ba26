package voipbin

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// controlLimit bounds a control request body.
const controlLimit = 8 << 20

// controlRoutes registers the HTTP control API under ControlPrefix. Every
// action is a POST answering {"affected":N}; GET counters answers the
// Counters JSON. Bad parameters get 400 {"error":"..."}.
func (s *Server) controlRoutes() {
	p := ControlPrefix
	s.mux.HandleFunc("GET "+p+"counters", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Counters())
	})
	s.mux.HandleFunc("POST "+p+"drop", func(w http.ResponseWriter, r *http.Request) {
		affected(w, s.Drop(r.URL.Query().Get("conn")))
	})
	s.mux.HandleFunc("POST "+p+"close", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		code := 1000
		if v := q.Get("code"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1000 || n > 4999 {
				controlError(w, fmt.Errorf("code must be a close code between 1000 and 4999, got %q", v))
				return
			}
			code = n
		}
		affected(w, s.CloseConn(q.Get("conn"), code, q.Get("reason")))
	})
	s.mux.HandleFunc("POST "+p+"pause", func(w http.ResponseWriter, r *http.Request) { s.Pause(); affected(w, 1) })
	s.mux.HandleFunc("POST "+p+"resume", func(w http.ResponseWriter, r *http.Request) { s.Resume(); affected(w, 1) })
	s.mux.HandleFunc("POST "+p+"rate", func(w http.ResponseWriter, r *http.Request) {
		v, err := strconv.ParseFloat(r.URL.Query().Get("perSec"), 64)
		if err != nil || v < 0 {
			controlError(w, fmt.Errorf("perSec must be a number >= 0"))
			return
		}
		s.SetRate(v)
		affected(w, 1)
	})
	s.mux.HandleFunc("POST "+p+"wrapped", func(w http.ResponseWriter, r *http.Request) {
		on, err := strconv.ParseBool(r.URL.Query().Get("on"))
		if err != nil {
			controlError(w, fmt.Errorf("on must be true or false"))
			return
		}
		s.SetWrapped(on)
		affected(w, 1)
	})
	s.mux.HandleFunc("POST "+p+"delay", func(w http.ResponseWriter, r *http.Request) {
		d, err := time.ParseDuration(r.URL.Query().Get("d"))
		if err != nil || d < 0 {
			controlError(w, fmt.Errorf("d must be a duration such as 250ms"))
			return
		}
		s.SetFrameDelay(d)
		affected(w, 1)
	})
	s.mux.HandleFunc("POST "+p+"refuse-next-login", func(w http.ResponseWriter, r *http.Request) {
		s.RefuseNextLogin()
		affected(w, 1)
	})
	s.mux.HandleFunc("POST "+p+"send", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if kind := q.Get("story"); kind != "" {
			n, err := s.RunStory(kind)
			if err != nil {
				controlError(w, err)
				return
			}
			affected(w, n)
			return
		}
		count := 1
		if v := q.Get("count"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 100000 {
				controlError(w, fmt.Errorf("count must be a whole number from 1 to 100000, got %q", v))
				return
			}
			count = n
		}
		affected(w, s.Generate(count))
	})
	s.mux.HandleFunc("POST "+p+"inject", func(w http.ResponseWriter, r *http.Request) {
		var in Injection
		if err := json.NewDecoder(io.LimitReader(r.Body, controlLimit)).Decode(&in); err != nil {
			controlError(w, fmt.Errorf("body must be {\"type\":EVENT_TYPE,\"data\":{...}}: %v", err))
			return
		}
		if err := s.Inject(in); err != nil {
			controlError(w, err)
			return
		}
		affected(w, 1)
	})
	s.mux.HandleFunc("POST "+p+"inject-raw", func(w http.ResponseWriter, r *http.Request) {
		frame, err := io.ReadAll(io.LimitReader(r.Body, controlLimit))
		if err != nil {
			controlError(w, err)
			return
		}
		affected(w, s.InjectRaw(r.URL.Query().Get("conn"), frame))
	})
	s.mux.HandleFunc("POST "+p+"token", func(w http.ResponseWriter, r *http.Request) {
		var req TokenRequest
		if err := json.NewDecoder(io.LimitReader(r.Body, controlLimit)).Decode(&req); err != nil && err != io.EOF {
			controlError(w, fmt.Errorf("body must be a token request JSON object: %v", err))
			return
		}
		tok, err := s.MintToken(req)
		if err != nil {
			controlError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"token": tok})
	})
}

func affected(w http.ResponseWriter, n int) {
	writeJSON(w, http.StatusOK, map[string]int{"affected": n})
}

func controlError(w http.ResponseWriter, err error) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
}

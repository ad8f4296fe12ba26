package emu

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ControlFunc is a control action: it reads its parameters from the
// request (query; body up to MaxBody) and says how many things it acted
// on, or why it could not.
type ControlFunc func(r *http.Request) (affected int, err error)

// Control adds the action POST ControlPrefix+name. It answers
// {"affected":N}, or 400 {"error":"..."} when fn returns an error. The
// core's own actions are drop, close, pause, resume, rate, inject-raw,
// delay and reorder; a provider adds what only it can do (RingCentral:
// send, inject, forget, refuse-next-token). A name already taken panics:
// that is a programming error.
func (s *Server) Control(name string, fn ControlFunc) {
	s.mu.Lock()
	if s.controls[name] {
		s.mu.Unlock()
		panic("emu: control action " + name + " registered twice")
	}
	s.controls[name] = true
	s.mu.Unlock()
	s.Handle("POST "+ControlPrefix+name, func(w http.ResponseWriter, r *http.Request) {
		n, err := fn(r)
		if err != nil {
			WriteError(w, err)
			return
		}
		WriteJSON(w, http.StatusOK, map[string]int{"affected": n})
	})
}

// WriteJSON answers with v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// WriteError answers a control request that cannot be carried out, as
// Control does: 400 {"error":"..."}.
func WriteError(w http.ResponseWriter, err error) {
	WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
}

// IntParam reads an optional whole-number parameter of a control action
// (?count=): def when v is empty, else a number from lo to hi.
func IntParam(v string, def, lo, hi int, name string) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s must be a whole number from %d to %d, got %q", name, lo, hi, clip(v))
	}
	return n, nil
}

// maxEcho bounds what of a parameter an error quotes, so that no answer
// grows with a hostile request.
const maxEcho = 200

// clip shortens a parameter quoted in an error.
func clip(s string) string {
	if len(s) <= maxEcho {
		return s
	}
	return fmt.Sprintf("%s… (%d bytes)", strings.ToValidUTF8(s[:maxEcho], ""), len(s))
}

// OnParam reads a switch action's ?on= (true or false).
func OnParam(r *http.Request) (bool, error) {
	on, err := strconv.ParseBool(r.URL.Query().Get("on"))
	if err != nil {
		return false, fmt.Errorf("on must be true or false")
	}
	return on, nil
}

// controlRoutes registers the core's part of the control API.
func (s *Server) controlRoutes() {
	s.Handle("GET "+ControlPrefix+"counters", func(w http.ResponseWriter, r *http.Request) {
		var v any = s.Counters()
		if s.cfg.Counters != nil {
			v = s.cfg.Counters()
		}
		WriteJSON(w, http.StatusOK, v)
	})
	s.Control("drop", func(r *http.Request) (int, error) { return s.Drop(r.URL.Query().Get("conn")), nil })
	s.Control("close", func(r *http.Request) (int, error) {
		q := r.URL.Query()
		code := 1000
		if v := q.Get("code"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return 0, fmt.Errorf("code must be a close code such as 4000, not %q", v)
			}
			if err := CheckCloseCode(n); err != nil {
				return 0, err
			}
			code = n
		}
		return s.CloseConn(q.Get("conn"), code, q.Get("reason")), nil
	})
	s.Control("pause", func(*http.Request) (int, error) { s.Pause(); return 1, nil })
	s.Control("resume", func(*http.Request) (int, error) { s.Resume(); return 1, nil })
	s.Control("rate", func(r *http.Request) (int, error) {
		v, err := strconv.ParseFloat(r.URL.Query().Get("perSec"), 64)
		if err != nil {
			return 0, fmt.Errorf("perSec must be a number of events per second, 0 to %d", MaxRate)
		}
		if err := s.SetRate(v); err != nil {
			return 0, err
		}
		return 1, nil
	})
	s.Control("inject-raw", func(r *http.Request) (int, error) {
		frame, err := ReadBody(r)
		if err != nil {
			return 0, err
		}
		return s.InjectRaw(r.URL.Query().Get("conn"), frame), nil
	})
	s.Control("delay", func(r *http.Request) (int, error) {
		d, err := time.ParseDuration(r.URL.Query().Get("d"))
		if err != nil || d < 0 {
			return 0, fmt.Errorf("d must be a duration such as 250ms")
		}
		s.SetFrameDelay(d)
		return 1, nil
	})
	s.Control("reorder", func(r *http.Request) (int, error) {
		on, err := OnParam(r)
		if err != nil {
			return 0, err
		}
		s.SetReorder(on)
		return 1, nil
	})
}

// CheckCloseCode says why code cannot be sent in a close frame: codes
// 1000-4999 except those the WebSocket RFC reserves for endpoints to
// report (1004, 1005, 1006, 1015).
func CheckCloseCode(code int) error {
	switch {
	case code < 1000 || code > 4999:
		return fmt.Errorf("close code must be between 1000 and 4999, not %d", code)
	case code == 1004 || code == 1005 || code == 1006 || code == 1015:
		return fmt.Errorf("close code %d is reserved and never sent in a close frame", code)
	}
	return nil
}

// pick returns connection id, or every connection when id is "", in id
// order.
func (s *Server) pick(id string) []*Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Conn
	for cid, c := range s.conns {
		if id == "" || cid == id {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// Drop cuts connection connID ("" = all) with no close handshake, as a
// network failure would. It returns how many it cut.
func (s *Server) Drop(connID string) int {
	cs := s.pick(connID)
	for _, c := range cs {
		c.kill()
	}
	if len(cs) > 0 {
		s.Logf("control: dropped %d connection(s)", len(cs))
	}
	return len(cs)
}

// CloseConn closes connection connID ("" = all) from the server side:
// a close frame with code (0: 1000) and reason after the frames already
// queued, so the client sees the server close and reconnects. It
// returns how many it closed.
func (s *Server) CloseConn(connID string, code int, reason string) int {
	cs := s.pick(connID)
	for _, c := range cs {
		c.Close(code, reason)
	}
	if len(cs) > 0 {
		s.Logf("control: closing %d connection(s) with code %d", len(cs), code)
	}
	return len(cs)
}

// InjectRaw queues frame verbatim as a text frame on connection connID
// ("" = all), even if it is not valid for the protocol. It returns how
// many connections it was queued on.
func (s *Server) InjectRaw(connID string, frame []byte) int {
	data := append([]byte(nil), frame...)
	n := 0
	for _, c := range s.pick(connID) {
		if c.Send(data) {
			n++
		}
	}
	return n
}

// SetFrameDelay delays every frame written by d (0 = none).
func (s *Server) SetFrameDelay(d time.Duration) {
	if d < 0 {
		d = 0
	}
	s.delay.Store(int64(d))
	s.Logf("control: frame delay %s", d)
}

// SetReorder swaps adjacent queued events while on.
func (s *Server) SetReorder(on bool) {
	s.reorder.Store(on)
	s.Logf("control: reorder %v", on)
}

// ReadBody reads a control action's or a REST call's body, which Handle
// limits to MaxBody; a longer one is an error that says so.
func ReadBody(r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, fmt.Errorf("body is longer than %d bytes", MaxBody)
		}
		return nil, fmt.Errorf("body: %v", err)
	}
	return b, nil
}

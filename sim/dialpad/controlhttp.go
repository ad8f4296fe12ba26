package dialpad

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// maxLedgerPage bounds one ledger read.
const maxLedgerPage = 10000

// controlRoutes registers the HTTP control API under ControlPrefix.
// Actions are POSTs answering {"affected":N}; bad parameters get 400
// {"error":"..."}. It needs no API key: it is the operator's, on
// loopback.
func (s *Server) controlRoutes() {
	p := ControlPrefix
	s.mux.HandleFunc("GET "+p+"counters", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, s.Counters())
	})
	s.mux.HandleFunc("GET "+p+"ledger", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var since uint64
		if v := q.Get("since"); v != "" {
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				controlError(w, fmt.Errorf("since must be a ledger seq (a whole number), got %q", v))
				return
			}
			since = n
		}
		limit, err := intParam(q.Get("limit"), 1000, 1, maxLedgerPage, "limit")
		if err != nil {
			controlError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, s.Ledger(since, limit))
	})
	s.mux.HandleFunc("POST "+p+"send", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		count, err := intParam(q.Get("count"), 1, 1, 1000, "count")
		if err != nil {
			controlError(w, err)
			return
		}
		kind := q.Get("kind")
		if kind == "" {
			kind = StoryCall
		}
		entries, err := s.Send(kind, count)
		if err != nil {
			controlError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"affected": len(entries), "entries": entries})
	})
	s.mux.HandleFunc("POST "+p+"inject", func(w http.ResponseWriter, r *http.Request) {
		event, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			controlError(w, err)
			return
		}
		e, err := s.Inject(r.URL.Query().Get("type"), event)
		if err != nil {
			controlError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"affected": len(e.Routes), "entry": e})
	})
	s.mux.HandleFunc("POST "+p+"inject-raw", func(w http.ResponseWriter, r *http.Request) {
		frame, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			controlError(w, err)
			return
		}
		affected(w, s.InjectRaw(r.URL.Query().Get("conn"), frame))
	})
	s.mux.HandleFunc("POST "+p+"expire", func(w http.ResponseWriter, r *http.Request) {
		affected(w, s.Expire(r.URL.Query().Get("conn")))
	})
	s.mux.HandleFunc("POST "+p+"drop", func(w http.ResponseWriter, r *http.Request) {
		affected(w, s.Drop(r.URL.Query().Get("conn")))
	})
	s.mux.HandleFunc("POST "+p+"close", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		code, err := intParam(q.Get("code"), 1000, 1000, 4999, "code")
		if err != nil {
			controlError(w, err)
			return
		}
		affected(w, s.CloseConn(q.Get("conn"), code, q.Get("reason")))
	})
	s.mux.HandleFunc("POST "+p+"secret", func(w http.ResponseWriter, r *http.Request) {
		// The secret travels in the body, never in a URL that might be
		// logged.
		id, e := parseID("websocket", r.URL.Query().Get("websocket"))
		if e != nil {
			controlError(w, fmt.Errorf("%s", e.message))
			return
		}
		var in struct {
			Secret *string `json:"secret"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(&in); err != nil || in.Secret == nil {
			controlError(w, fmt.Errorf(`body must be {"secret":"..."} ("" sends unsigned frames)`))
			return
		}
		if err := s.SetSecret(id, *in.Secret); err != nil {
			controlError(w, err)
			return
		}
		affected(w, 1)
	})
	s.mux.HandleFunc("POST "+p+"refuse-next", func(w http.ResponseWriter, r *http.Request) {
		n, err := intParam(r.URL.Query().Get("count"), 1, 0, 1000, "count")
		if err != nil {
			controlError(w, err)
			return
		}
		s.RefuseNext(n)
		affected(w, n)
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
}

// intParam reads an optional whole-number parameter within [lo, hi].
func intParam(v string, def, lo, hi int, name string) (int, error) {
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%s must be a whole number from %d to %d, got %q", name, lo, hi, v)
	}
	return n, nil
}

func affected(w http.ResponseWriter, n int) {
	writeJSON(w, http.StatusOK, map[string]int{"affected": n})
}

func controlError(w http.ResponseWriter, err error) {
	writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
}

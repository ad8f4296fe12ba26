package dialpad

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/sim/emu"
)

// maxSend bounds one send.
const maxSend = 1000

// controlRoutes adds Dialpad's part of the control API to the core's
// (counters, drop, close, pause, resume, rate, inject-raw, delay,
// reorder): the ledger, send, inject, expire, secret and refuse-next.
// send and inject answer the ledger entries they made besides
// "affected".
func (s *Server) controlRoutes() {
	p := ControlPrefix
	s.HandleLedger(func(since uint64, limit int) any { return s.Ledger(since, limit) })
	s.Handle("POST "+p+"send", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		count, err := emu.IntParam(q.Get("count"), 1, 1, maxSend, "count")
		if err != nil {
			emu.WriteError(w, err)
			return
		}
		kind := q.Get("kind")
		if kind == "" {
			kind = StoryCall
		}
		entries, err := s.Send(kind, count)
		if err != nil {
			emu.WriteError(w, err)
			return
		}
		emu.WriteJSON(w, http.StatusOK, map[string]any{"affected": len(entries), "entries": entries})
	})
	s.Handle("POST "+p+"inject", func(w http.ResponseWriter, r *http.Request) {
		event, err := emu.ReadBody(r)
		if err != nil {
			emu.WriteError(w, err)
			return
		}
		e, err := s.Inject(r.URL.Query().Get("type"), event)
		if err != nil {
			emu.WriteError(w, err)
			return
		}
		emu.WriteJSON(w, http.StatusOK, map[string]any{"affected": len(e.Routes), "entry": e})
	})
	s.Control("expire", func(r *http.Request) (int, error) { return s.Expire(r.URL.Query().Get("conn")), nil })
	s.Control("secret", func(r *http.Request) (int, error) {
		// The secret travels in the body, never in a URL that might be
		// logged.
		var id int64
		if v := r.URL.Query().Get("websocket"); v != "" && v != "all" {
			n, e := parseID("websocket", v)
			if e != nil {
				return 0, fmt.Errorf("%s", e.message)
			}
			id = n
		}
		body, err := emu.ReadBody(r)
		if err != nil {
			return 0, err
		}
		var in struct {
			Secret *string `json:"secret"`
		}
		if json.Unmarshal(body, &in) != nil || in.Secret == nil {
			return 0, fmt.Errorf(`body must be {"secret":"..."} ("" sends unsigned frames)`)
		}
		return s.SetSecret(id, *in.Secret)
	})
	s.Control("refuse-next", func(r *http.Request) (int, error) {
		n, err := emu.IntParam(r.URL.Query().Get("count"), 1, 0, 1000, "count")
		if err != nil {
			return 0, err
		}
		s.RefuseNext(n)
		return n, nil
	})
}

// Names of Dialpad's own faults (protocol.CmdFault with the name as
// Text), as the demo's fault menu shows them.
const (
	FaultExpire       = "expire URL token"
	FaultRotateSecret = "rotate secret"
	FaultInjectCall   = "inject call"
	FaultInjectSMS    = "inject sms"
	FaultInjectAgent  = "inject agent status"
)

// faults offers Dialpad's faults beside the core's (close, delay,
// reorder), for the demo's fault menu.
func (s *Server) faults() {
	s.AddFault(emu.Fault{Kind: protocol.CmdFault, Name: FaultExpire,
		Description: "the emulator ends the connection now, as when its URL token expires (" + s.cfg.ExpiryClose + "); the client should fetch a fresh URL with GET /websockets/{id}"},
		func(protocol.Command) error {
			if s.Expire("") == 0 {
				return fmt.Errorf("expire: the emulator has no connection open")
			}
			return nil
		})
	s.AddFault(emu.Fault{Kind: protocol.CmdFault, Name: FaultRotateSecret,
		Description: "the emulator gives every websocket a new secret, as a PATCH from elsewhere would: frames signed with the old one stop verifying"},
		func(protocol.Command) error {
			_, err := s.SetSecret(0, newSecret())
			return err
		})
	for _, f := range []struct{ name, kind, what string }{
		{FaultInjectCall, StoryCall, "a call now (inbound via IVR and queue, outbound, missed or voicemail), every leg and state"},
		{FaultInjectSMS, KindSMS, "an SMS now, with its delivery status"},
		{FaultInjectAgent, KindAgentStatus, "an agent status change now (away and back)"},
	} {
		kind := f.kind
		s.AddFault(emu.Fault{Kind: protocol.CmdFault, Name: f.name, Description: "the emulator makes " + f.what},
			func(protocol.Command) error { _, err := s.Send(kind, 1); return err })
	}
	s.AddFault(emu.Fault{Kind: protocol.CmdRefuseToken, Name: "refuse next URL",
		Description: "the emulator refuses the next connection's URL token at the handshake (HTTP " + strconv.Itoa(s.cfg.RefuseStatus) + ")"},
		func(protocol.Command) error { s.RefuseNext(1); return nil })
}

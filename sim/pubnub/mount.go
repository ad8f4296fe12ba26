package pubnub

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/evtap/evtap/protocol"
	"github.com/evtap/evtap/sim/emu"
)

// Control actions the service adds to the emulator's control API, under
// ControlPrefix+"pubnub/".
const (
	ControlReset           = "pubnub/reset"             // ?channel=&outage=5s
	ControlOutage          = "pubnub/outage"            // ?for=5s (0s ends it)
	ControlRefuseSubscribe = "pubnub/refuse-subscribe"  // ?status=403 (0 stops)
	ControlStallTime       = "pubnub/stall-time"        // ?on=true
	ControlOmitCT          = "pubnub/omit-content-type" // ?on=true
	ControlPublish         = "pubnub/publish"           // ?subKey=&channel=&id= body = the payload (JSON)
	// LedgerPath answers GET with the ledger (?channel=&owner=).
	LedgerPath = emu.ControlPrefix + "pubnub/ledger"
)

// Mount serves the PubNub endpoints on srv's listener, adds the
// service's control actions and faults, and keeps srv for its log and
// lifecycle. Call it once, before srv serves.
func (p *Service) Mount(srv *emu.Server) {
	p.srv = srv
	srv.Handle("GET /v2/subscribe/{subKey}/{channels}/{callback}", p.handleSubscribe)
	srv.Handle("GET /time/{callback}", p.handleTime)
	srv.Handle("GET /v2/presence/sub-key/{subKey}/channel/{channels}/heartbeat", p.handlePresence("heartbeat"))
	srv.Handle("GET /v2/presence/sub-key/{subKey}/channel/{channels}/leave", p.handlePresence("leave"))
	srv.Handle("GET "+LedgerPath, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		emu.WriteJSON(w, http.StatusOK, p.Ledger(q.Get("channel"), q.Get("owner")))
	})
	p.controls(srv)
	p.offerFaults(srv)
	srv.Every(time.Second, func(time.Time) { p.Sweep() })
}

func (p *Service) controls(srv *emu.Server) {
	srv.Control(ControlReset, func(r *http.Request) (int, error) {
		q := r.URL.Query()
		d, err := duration(q.Get("outage"), "outage")
		if err != nil {
			return 0, err
		}
		n := p.ResetPolls(q.Get("channel"), d)
		if d > 0 && n == 0 {
			n = 1 // the outage itself is what was asked for
		}
		return n, nil
	})
	srv.Control(ControlOutage, func(r *http.Request) (int, error) {
		d, err := duration(r.URL.Query().Get("for"), "for")
		if err != nil {
			return 0, err
		}
		p.SetOutage(d)
		return 1, nil
	})
	srv.Control(ControlRefuseSubscribe, func(r *http.Request) (int, error) {
		v := r.URL.Query().Get("status")
		status, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("status must be 0 (off) or one of %v, not %q", RefusableStatuses, v)
		}
		return 1, p.RefuseSubscribe(status)
	})
	srv.Control(ControlStallTime, func(r *http.Request) (int, error) {
		on, err := boolParam(r, "on")
		if err != nil {
			return 0, err
		}
		p.StallTime(on)
		return 1, nil
	})
	srv.Control(ControlOmitCT, func(r *http.Request) (int, error) {
		on, err := boolParam(r, "on")
		if err != nil {
			return 0, err
		}
		p.OmitContentType(on)
		return 1, nil
	})
	srv.Control(ControlPublish, func(r *http.Request) (int, error) {
		body, err := emu.ReadBody(r)
		if err != nil {
			return 0, err
		}
		q := r.URL.Query()
		if _, err := p.Publish(Message{SubKey: q.Get("subKey"), Channel: q.Get("channel"), ID: q.Get("id"), Data: body}); err != nil {
			return 0, err
		}
		srv.AddGenerated(1)
		return 1, nil
	})
}

func duration(v, name string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%s must be a duration such as 5s, not %q", name, v)
	}
	return d, nil
}

func boolParam(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	on, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s must be true or false, not %q", name, v)
	}
	return on, nil
}

// FaultKinds are the faults the service offers (Mount adds them to the
// emulator's).
var FaultKinds = []protocol.CommandKind{protocol.CmdResetPoll, protocol.CmdRefuseSubscribe, protocol.CmdStallTime, protocol.CmdOmitContentType}

func (p *Service) offerFaults(srv *emu.Server) {
	srv.AddFault(emu.Fault{Kind: protocol.CmdResetPoll, Name: "reset the long-poll",
		Description: "the emulator cuts the held long-poll with a TCP reset (with a duration: every PubNub request is reset that long); the client resumes from its last timetoken and catches up",
		Variants: []emu.Variant{
			{Name: "reset the long-poll", Description: "the emulator resets the held long-poll's TCP connection: the client resumes from its last timetoken"},
			{Name: "PubNub down for 5s", Cmd: protocol.Command{Duration: 5 * time.Second},
				Description: "every PubNub request is reset for 5 s: the client backs off, then resumes and catches up"},
		}},
		func(cmd protocol.Command) error {
			if p.ResetPolls("", cmd.Duration) == 0 && cmd.Duration == 0 {
				return fmt.Errorf("reset: no long-poll is held")
			}
			return nil
		})
	srv.AddFault(emu.Fault{Kind: protocol.CmdRefuseSubscribe, Name: "refuse subscribe",
		Description: "the emulator answers every PubNub subscribe with this status (403 Access Manager, 400 bad key, 413, 429; 0 stops): clients stop for good on 400 and 403",
		Variants: []emu.Variant{
			{Name: "subscribe answers 403", Cmd: protocol.Command{Code: 403},
				Description: "every subscribe gets 403 (Access Manager): clients stop for good; pick 'subscribe answers again' then resume"},
			{Name: "subscribe answers 400", Cmd: protocol.Command{Code: 400},
				Description: "every subscribe gets 400 (invalid subscribe key): clients stop for good"},
			{Name: "subscribe answers again", Cmd: protocol.Command{Code: 0},
				Description: "subscribes are answered normally again (after a 403 or 400)"},
		}},
		func(cmd protocol.Command) error { return p.RefuseSubscribe(cmd.Code) })
	srv.AddFault(emu.Fault{Kind: protocol.CmdStallTime, Name: "stall /time/0", Toggle: true,
		Description: "the emulator holds its /time/0 answers (while on): the old clients' reconnect probe never succeeds"},
		func(cmd protocol.Command) error { p.StallTime(cmd.On); return nil })
	srv.AddFault(emu.Fault{Kind: protocol.CmdOmitContentType, Name: "omit Content-Type", Toggle: true,
		Description: "the emulator's PubNub answers carry no Content-Type (while on): PN8 reads a 403 as a bad request"},
		func(cmd protocol.Command) error { p.OmitContentType(cmd.On); return nil })
}

// Arguments of the service's scenario actions, as emu.Step.Arg holds
// them.
type (
	// ResetStep cuts the held long-polls, then resets every request for
	// Outage.
	ResetStep struct{ Outage time.Duration }
)

// Actions are the service's scenario actions, for an emulator to add to
// its own:
//
//   - at: 5s
//     pubnub-reset: {outage: 5s}     # or: pubnub-reset: all, or a channel
//   - at: 6s
//     refuse-subscribe: 403          # 0 stops
//   - at: 7s
//     stall-time: true
//   - at: 8s
//     omit-content-type: true
var Actions = map[string]emu.ActionParser{
	"pubnub-reset": func(st *emu.Step, v *yaml.Node) error {
		if v.Kind == yaml.ScalarNode {
			st.Target = emu.AllTarget(v.Value)
			st.Arg = ResetStep{}
			return nil
		}
		var a struct {
			Channel string `yaml:"channel"`
			Outage  string `yaml:"outage"`
		}
		if err := emu.DecodeNode(v, &a); err != nil {
			return err
		}
		d, err := duration(a.Outage, "outage")
		if err != nil {
			return emu.NodeError(v, "%v", err)
		}
		st.Target, st.Arg = emu.AllTarget(a.Channel), ResetStep{d}
		return nil
	},
	"refuse-subscribe": func(st *emu.Step, v *yaml.Node) error {
		n, err := strconv.Atoi(v.Value)
		if err != nil || (n != 0 && !refusable(n)) {
			return emu.NodeError(v, "refuse-subscribe takes 0 (off) or one of %v, not %q", RefusableStatuses, v.Value)
		}
		st.Arg = n
		return nil
	},
	"stall-time":        emu.Switch,
	"omit-content-type": emu.Switch,
}

// Do performs one of Actions' steps and reports whether it was one.
func (p *Service) Do(st emu.Step) bool {
	switch st.Action {
	case "pubnub-reset":
		p.ResetPolls(st.Target, st.Arg.(ResetStep).Outage)
	case "refuse-subscribe":
		_ = p.RefuseSubscribe(st.Arg.(int))
	case "stall-time":
		p.StallTime(st.Arg.(bool))
	case "omit-content-type":
		p.OmitContentType(st.Arg.(bool))
	default:
		return false
	}
	return true
}

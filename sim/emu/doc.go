// Package emu is what every evtap emulator shares, so that a provider's
// emulator (sim/ringcentral, sim/voipbin, ...) holds only what is that
// provider's: its REST endpoints, its frames, its sessions and its event
// generator.
//
// The core gives a provider:
//
//   - a Server with a lifecycle (New, Start, URL, Close, Serve) whose
//     Close never waits on a busy generator, and a banner that says where
//     everything is (and warns when the address is not loopback);
//   - the control API under ControlPrefix: counters, drop, close, pause,
//     resume, rate, inject-raw, delay and reorder, plus the provider's own
//     actions (Control);
//   - scenarios: YAML steps at times, with the core's actions and the
//     provider's (ParseScenario, Config.Do);
//   - WebSocket connections (Upgrade, Conn) with one writer each, frames
//     gathered into few system calls, the fault switches (delay, reorder,
//     drop, close with a code) and memory bounds per connection and for
//     all of them together;
//   - counters that add up: generated, delivered, dropped by the
//     emulator's own buffers, unsent, skipped, connections;
//   - a generator pump that calls Config.Generate at the rate in force,
//     in batches, up to MaxRate;
//   - the faults the emulator accepts, as protocol.CommandKind values with
//     a description each (Faulter), which the demo offers in the TUI's
//     fault menu and routes here.
//
// A provider builds a Server in its own constructor, embeds it, and
// registers its endpoints:
//
//	type Server struct {
//		*emu.Server
//		...
//	}
//
//	func New(cfg Config) *Server {
//		s := &Server{...}
//		s.Server = emu.New(emu.Config{
//			Name:     "RingCentral",
//			Rate:     cfg.Rate,
//			Generate: s.generateAll, // n events for every subscription
//			Banner:   s.banner,
//			Counters: func() any { return s.Counters() },
//			Scenario: cfg.Scenario,
//			Do:       s.do, // the scenario actions it registered
//			Log:      cfg.Log,
//		})
//		s.Handle("POST /restapi/oauth/token", s.handleToken)
//		s.Handle("GET /ws", s.handleWS)
//		s.Control("forget", ...)
//		s.AddFault(emu.Fault{Kind: protocol.CmdForget, Description: "..."}, ...)
//		return s
//	}
//
// and serves a socket with Upgrade, queues frames on the Conn, and reads
// with Serve:
//
//	func (s *Server) handleWS(w http.ResponseWriter, r *http.Request) {
//		// check the token first: a refusal is an HTTP answer
//		c, err := s.Upgrade(w, r, emu.ConnOptions{PingInterval: 30 * time.Second})
//		if err != nil {
//			return // answered
//		}
//		c.Send(greeting)
//		c.Serve(func(typ int, data []byte) { ... c.Send(answer) ... })
//		// the connection has ended
//	}
//
// Events go out with SendEvent, so that the core counts them as
// delivered when they are written and the reorder fault can swap them.
//
// docs/emulator.md describes the core for users and for authors of new
// emulators, with RingCentral as the worked example.
package emu

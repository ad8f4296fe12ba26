package protocol

import (
	"testing"
	"time"
)

// script builds Updates one second apart: st(conn, phase) and cl(conn,
// kind) for a close frame.
type script struct {
	t0  time.Time
	ups []Update
}

func (s *script) at() time.Time { return s.t0.Add(time.Duration(len(s.ups)) * time.Second) }

func (s *script) st(conn int, p Phase) *script {
	s.ups = append(s.ups, Update{Time: s.at(), Kind: KindState, Conn: conn, State: &State{Phase: p, Cause: "why " + string(p)}})
	return s
}

func (s *script) cl(conn int, k Kind) *script {
	s.ups = append(s.ups, Update{Time: s.at(), Kind: k, Conn: conn, Frame: &Frame{Op: OpClose}})
	return s
}

func (s *script) frame(conn int) *script {
	s.ups = append(s.ups, Update{Time: s.at(), Kind: KindRecv, Conn: conn, Frame: &Frame{Op: OpText, Data: "x"}})
	return s
}

// gaps runs the script through an Outages and returns the gaps it made.
func (s *script) gaps(up Phase) []Gap {
	o := Outages{Up: up}
	var out []Gap
	for i := range s.ups {
		if g := o.Observe(&s.ups[i]); g != nil {
			out = append(out, *g)
		}
	}
	return out
}

func newScript() *script { return &script{t0: time.Date(2026, 1, 2, 3, 4, 0, 0, time.UTC)} }

func (s *script) sec(i int) time.Time { return s.t0.Add(time.Duration(i) * time.Second) }

// Rule: the engine's phases read as outage windows exactly where events
// may have been lost: a drop, a rotation that closes before it opens;
// never a make-before-break handover or a session's first connection.
func TestOutagesFollowTheEnginesPhases(t *testing.T) {
	t.Run("first connection and a clean end", func(t *testing.T) {
		s := newScript().st(1, PhaseDialing).st(1, PhaseUpgraded).st(1, PhaseLive).frame(1).cl(1, KindSent).cl(1, KindRecv).st(1, PhaseClosed)
		if g := s.gaps(""); len(g) != 0 {
			t.Errorf("gaps %+v, want none", g)
		}
	})
	t.Run("drop and reconnect", func(t *testing.T) {
		s := newScript()
		s.st(1, PhaseLive).frame(1)            // 0, 1
		s.st(1, PhaseDropped)                  // 2
		s.st(1, PhaseBackoff)                  // 3
		s.st(2, PhaseDialing)                  // 4
		s.st(2, PhaseDropped)                  // 5: a failed attempt opens no second window
		s.st(3, PhaseDialing).st(3, PhaseLive) // 6, 7
		g := s.gaps("")
		if len(g) != 1 || !g[0].Start.Equal(s.sec(2)) || !g[0].End.Equal(s.sec(7)) || g[0].Missed != 0 {
			t.Fatalf("gaps %+v, want one window from the drop (2s) to the new live (7s)", g)
		}
		if g[0].Reason == "" {
			t.Error("a window without a reason")
		}
	})
	t.Run("make before break", func(t *testing.T) {
		s := newScript()
		s.st(1, PhaseLive).st(1, PhaseRotating)
		s.st(2, PhaseRotating) // the new connection's phases during the handover
		s.st(2, PhaseLive)     // published when the handover completes
		s.cl(1, KindSent).cl(1, KindRecv).frame(2)
		if g := s.gaps(""); len(g) != 0 {
			t.Errorf("gaps %+v, want none: the new connection was live before the old closed", g)
		}
	})
	t.Run("break before make", func(t *testing.T) {
		s := newScript()
		s.st(1, PhaseLive).st(1, PhaseRotating) // 0, 1
		s.cl(1, KindSent).cl(1, KindRecv)       // 2, 3
		s.st(2, PhaseDialing).st(2, PhaseLive)  // 4, 5
		g := s.gaps("")
		if len(g) != 1 || !g[0].Start.Equal(s.sec(2)) || !g[0].End.Equal(s.sec(5)) {
			t.Fatalf("gaps %+v, want one window from the close (2s) to the new live (5s)", g)
		}
	})
	t.Run("old connection lost during a handover", func(t *testing.T) {
		s := newScript()
		s.st(1, PhaseLive).st(1, PhaseRotating).st(2, PhaseRotating) // 0-2
		s.st(1, PhaseDropped)                                        // 3: the old one died first
		s.st(2, PhaseLive)                                           // 4
		g := s.gaps("")
		if len(g) != 1 || !g[0].Start.Equal(s.sec(3)) || !g[0].End.Equal(s.sec(4)) {
			t.Fatalf("gaps %+v, want one window from the old one's drop to the new live", g)
		}
	})
	t.Run("the replaced connection never reports its end", func(t *testing.T) {
		s := newScript()
		s.st(1, PhaseLive).st(1, PhaseRotating).st(2, PhaseRotating) // 0-2
		s.st(2, PhaseLive)                                           // 3: connection 1 died unannounced meanwhile
		s.st(2, PhaseDropped)                                        // 4
		s.st(3, PhaseLive)                                           // 5
		g := s.gaps("")
		if len(g) != 1 || !g[0].Start.Equal(s.sec(4)) || !g[0].End.Equal(s.sec(5)) {
			t.Fatalf("gaps %+v, want one for connection 2's drop", g)
		}
	})
	t.Run("session closed while down", func(t *testing.T) {
		s := newScript().st(1, PhaseLive).st(1, PhaseDropped).st(1, PhaseClosed).st(2, PhaseLive)
		if g := s.gaps(""); len(g) != 0 {
			t.Errorf("gaps %+v, want none: a closed session discards its window", g)
		}
	})
	t.Run("another up phase", func(t *testing.T) {
		s := newScript().st(1, PhaseUpgraded).cl(1, KindRecv).st(1, PhaseDropped).st(2, PhaseUpgraded)
		if g := s.gaps(PhaseUpgraded); len(g) != 1 || !g[0].Start.Equal(s.sec(1)) {
			t.Errorf("gaps %+v, want one from the close frame", g)
		}
	})
}

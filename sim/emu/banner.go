package emu

import (
	"fmt"
	"net"
	"strings"
)

// isLoopback reports whether a bound address only accepts connections
// from this machine.
func isLoopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP != nil && ta.IP.IsLoopback()
}

// exposure is the warning for an address other machines can reach, or "".
func (s *Server) exposure() string {
	s.mu.Lock()
	a := s.addr
	s.mu.Unlock()
	if a == nil || isLoopback(a) {
		return ""
	}
	where := a.String()
	if ta, ok := a.(*net.TCPAddr); ok && ta.IP.IsUnspecified() {
		where += " (every interface)"
	}
	return "WARNING: listening on " + where + ", not loopback: anyone who can reach it can use the control API (" +
		ControlPrefix + "), which has no authentication, to cut connections and inject events. " +
		"Listen on 127.0.0.1 unless you mean this."
}

// Banner says where everything is: the provider's lines, the control
// API, the address bound, and a warning when that is not loopback.
func (s *Server) Banner() string {
	base := s.URL()
	if base == "" {
		base = "http://HOST:PORT"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "evtap %s emulator\n", s.cfg.Name)
	if s.cfg.Banner != nil {
		for _, l := range s.cfg.Banner(base) {
			b.WriteString(strings.TrimRight(l, "\n") + "\n")
		}
	}
	fmt.Fprintf(&b, "  control API: %s%s (no authentication; GET %scounters)\n", base, ControlPrefix, ControlPrefix)
	if a := s.Addr(); a != "" {
		fmt.Fprintf(&b, "  listening on %s\n", a)
	}
	if w := s.exposure(); w != "" {
		b.WriteString(w + "\n")
	}
	return b.String()
}

// ShowSecret is how a banner shows a credential: a demo one in full (it
// opens nothing but the emulator) and one the user supplied masked, for
// it is theirs and may be real.
func ShowSecret(v, demo string) string {
	if v == demo {
		return v
	}
	if len(v) <= 8 {
		return "****** (as given)"
	}
	return v[:4] + "…" + v[len(v)-2:] + " (as given, masked)"
}

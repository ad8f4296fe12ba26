package ringcentral

import (
	"strings"
	"testing"
)

// lowerIs answers as strings.ToLower does, for ASCII and beyond: a
// dotted capital I lowers to i, a Kelvin sign to k, and a long s stays
// itself.
func TestLowerIsIsToLower(t *testing.T) {
	for _, s := range []string{"", "inbound", "Inbound", "INBOUND", "inBOUND", "inbound ", "inboun", "Outbound", "OUTBOUND",
		"\u0130nbound", "\u0130NBOUND", "in\u212Aound", "inbo\u017Fnd", "ínbound", "inbound\x00", "Inbound\xff", "outbounD"} {
		for _, lower := range []string{"inbound", "outbound"} {
			if got, want := lowerIs(s, lower), strings.ToLower(s) == lower; got != want {
				t.Errorf("lowerIs(%q, %q) = %v, strings.ToLower says %v", s, lower, got, want)
			}
		}
	}
}
